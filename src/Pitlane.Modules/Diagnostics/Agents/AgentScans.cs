using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Diagnostics.Lane;

/// <summary>
/// The scan job's side of an agent scan: watches the scan row until the agent claims it, forwards its stages, and returns
/// its upload. Reads the row through its own context (the job's context tracks the scan and must not see these reads), so
/// the agent may talk to any instance.
/// </summary>
public sealed class AgentScans(IServiceScopeFactory scopes, IOptions<PitlaneOptions> options, TimeProvider time) : IAgentScans
{
    /// <summary>A claimed scan whose agent sent nothing (progress, heartbeat, any request) for this long has failed.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(30);

    public async Task<ScanDocument> RunAsync(Scan scan, Func<string, int, CancellationToken, Task> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(progress);
        if (scan.AgentId is not { } agentId)
        {
            throw new ScanFailedException($"The adapter '{scan.AdapterName}' has no scan agent.");
        }
        var pickup = TimeSpan.FromSeconds(options.Value.Diagnostics.AgentPickupSeconds);
        var pickupDeadline = time.GetUtcNow().UtcDateTime + pickup;
        string? forwardedStage = null;
        var forwardedPercent = -1;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PitlaneDbContext>();
        while (true)
        {
            var row = await db.Scans.AsNoTracking().Where(s => s.Id == scan.Id)
                .Select(s => new { s.Status, s.ClaimedAt, s.Stage, s.Progress, s.Result, s.Error })
                .FirstOrDefaultAsync(ct) ?? throw new ScanFailedException("The scan was deleted while it waited for its agent.");
            var agent = await db.ScanAgents.AsNoTracking().Where(a => a.Id == agentId)
                .Select(a => new { a.Name, a.LastSeenAt, a.RevokedAt })
                .FirstOrDefaultAsync(ct) ?? throw new ScanFailedException("The scan agent of this adapter was deleted.");
            var now = time.GetUtcNow().UtcDateTime;

            if (row.Result is { } json)
            {
                return Uploaded(json, agent.Name);
            }
            if (row.ClaimedAt is not null && row.Error is { } error)
            {
                throw new ScanFailedException(error);
            }
            if (agent.RevokedAt is not null)
            {
                throw new ScanFailedException($"The scan agent '{agent.Name}' was revoked.");
            }
            if (row.ClaimedAt is not { } claimedAt)
            {
                if (now >= pickupDeadline && await GiveUpAsync(db, scan.Id, agent.Name, pickup) is { } message)
                {
                    throw new ScanFailedException(message);
                }
            }
            else
            {
                if (row.Stage is { } stage && stage != AgentProtocol.UploadedStage && stage != AgentProtocol.FailedStage
                    && (stage != forwardedStage || row.Progress != forwardedPercent))
                {
                    await progress(stage, row.Progress, ct);
                    (forwardedStage, forwardedPercent) = (stage, row.Progress);
                }
                var heard = agent.LastSeenAt is { } seen && seen > claimedAt ? seen : claimedAt;
                if (now - heard > SilenceLimit)
                {
                    throw new ScanFailedException(
                        $"The scan agent '{agent.Name}' went silent for more than {SilenceLimit.TotalSeconds:0} s during the scan (stopped, or lost its connection).");
                }
            }
            await Task.Delay(AgentProtocol.PollInterval, time, ct);
        }
    }

    /// <summary>
    /// Fails the scan only if it is still unclaimed, in one conditional update, so an agent taking it at the last moment
    /// either wins (and the job goes on waiting for its result) or finds it failed; never both.
    /// </summary>
    private async Task<string?> GiveUpAsync(PitlaneDbContext db, Guid scanId, string agentName, TimeSpan pickup)
    {
        var message = $"The scan agent '{agentName}' did not pick up the scan within {pickup.TotalSeconds:0} s: is `pitlane agent` running?";
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.Scans.Where(s => s.Id == scanId && s.ClaimedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ScanStatus.Failed).SetProperty(x => x.Error, message).SetProperty(x => x.CompletedAt, now),
                CancellationToken.None);
        return updated == 1 ? message : null;
    }

    /// <summary>The upload was checked when it arrived; checked again here because the row is the only thing in between.</summary>
    private static ScanDocument Uploaded(string json, string agentName)
    {
        ScanDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ScanDocument>(json, ScanDocument.Json);
        }
        catch (JsonException e)
        {
            throw new ScanFailedException($"The result of scan agent '{agentName}' could not be read.", e);
        }
        if (document is null || document.Check() is { Count: > 0 })
        {
            throw new ScanFailedException($"The result of scan agent '{agentName}' is not a valid scan.");
        }
        return document;
    }
}
