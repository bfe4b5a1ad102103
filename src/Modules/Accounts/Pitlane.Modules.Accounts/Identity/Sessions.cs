using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// Whether a session still stands, asked by the live hub's re-checks and not cached: an access token's session
/// (<c>sid</c>, its refresh-token family) is not revoked; a cookie's security stamp is still the user's (signing out
/// changes it, <see cref="Pages.Account.LogoutModel"/>).
/// </summary>
public sealed class SessionDirectory(AccountsDbContext db, IOptions<IdentityOptions> identity) : ISessionDirectory
{
    public async Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.UserId() is not { } userId)
        {
            return false;
        }
        if (Guid.TryParse(user.FindFirstValue(PitlaneClaims.Session), out var session))
        {
            return !await db.RefreshTokens.AsNoTracking().AnyAsync(t => t.FamilyId == session && t.RevokedAt != null, ct);
        }
        var stamp = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.SecurityStamp }).FirstOrDefaultAsync(ct);
        return stamp is not null && user.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType) is { } claimed
            && string.Equals(claimed, stamp.SecurityStamp, StringComparison.Ordinal);
    }
}

/// <summary>A session revoked on any instance is refused by this one's bearer check at once, not after its cache expires (fan-out).</summary>
public sealed class SessionRevokedHandler(SessionRevocations revocations) : IIntegrationEventHandler<SessionRevoked>
{
    public Task HandleAsync(SessionRevoked integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent.SessionId is { } session)
        {
            revocations.Forget(session);
        }
        return Task.CompletedTask;
    }
}
