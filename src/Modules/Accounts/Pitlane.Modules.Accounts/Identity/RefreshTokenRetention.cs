using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Retention;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// Refresh tokens a day past their expiry: no longer usable, and a replay of one is refused as unknown. Live and
/// recently expired rows stay, so reuse detection (a consumed token presented again revokes its family) keeps working.
/// </summary>
public sealed class RefreshTokenRetention(AccountsDbContext db) : IRetentionTask
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    public string What => "expired refresh tokens";

    public Task<int> PurgeAsync(DateTime now, CancellationToken ct)
    {
        var cutoff = now - Grace;
        return db.RefreshTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
