using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Retention;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// Interpretations replaced by a newer one of the same scan, once older than <see cref="Age"/>: each scan keeps its
/// latest interpretation for good (reports and pages read that one); the superseded attempts (AI timeouts, reruns)
/// with their prompts and answers go.
/// </summary>
public sealed class InterpretationRetention(DiagnosticsDbContext db) : IRetentionTask
{
    public static readonly TimeSpan Age = TimeSpan.FromDays(90);

    public string What => "superseded interpretations";

    public Task<int> PurgeAsync(DateTime now, CancellationToken ct)
    {
        var cutoff = now - Age;
        return db.Interpretations
            .Where(i => i.CreatedAt < cutoff && db.Interpretations.Any(newer => newer.ScanId == i.ScanId && newer.CreatedAt > i.CreatedAt))
            .ExecuteDeleteAsync(ct);
    }
}
