using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// The scan job's side of an agent scan: watches the scan row until the agent claims it, forwards its stages, and returns
/// its upload. Reads the row through its own context (the job's context tracks the scan and must not see these reads), so
/// the agent may talk to any instance.
/// </summary>
public sealed class AgentScans(IServiceScopeFactory scopes, IOptions<DiagnosticsOptions> options, TimeProvider time) : IAgentScans
{
    /// <summary>A claimed task whose agent reported nothing on it (progress, heartbeat) for this long has failed.</summary>
    public static readonly TimeSpan SilenceLimit = AgentWait.SilenceLimit;

    public async Task<ScanDocument> RunAsync(Scan scan, Func<string, int, CancellationToken, Task> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(progress);
        if (scan.AgentId is not { } agentId)
        {
            throw new ScanFailedException($"The adapter '{scan.AdapterName}' has no scan agent.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
        var wait = new AgentWait(db, time, options.Value, "scan");
        var (json, agentName) = await wait.ResultAsync(agentId,
            token => db.Scans.AsNoTracking().Where(s => s.Id == scan.Id)
                .Select(s => new AgentTaskRow(s.ClaimedAt, s.HeardAt, s.Stage, s.Progress, s.Result, s.Error)).FirstOrDefaultAsync(token),
            (message, now) => db.Scans.Where(s => s.Id == scan.Id && s.ClaimedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ScanStatus.Failed).SetProperty(x => x.Error, message).SetProperty(x => x.CompletedAt, now),
                    CancellationToken.None),
            progress, ct);
        return Uploaded(json, agentName);
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

/// <summary>What the waiting job reads of a task (a scan or a code clearing) handed to an agent.</summary>
internal sealed record AgentTaskRow(DateTime? ClaimedAt, DateTime? HeardAt, string? Stage, int Progress, string? Result, string? Error);

/// <summary>
/// Waits, polling the task's row, until its agent takes it and uploads a result or a failure. Fails the task when no agent
/// takes it within AgentPickupSeconds, when the agent is revoked or goes silent for <see cref="SilenceLimit"/>, and when
/// it does not finish within ScanTimeoutSeconds of taking it (the time waiting for pickup does not count).
/// </summary>
internal sealed class AgentWait(DiagnosticsDbContext db, TimeProvider time, DiagnosticsOptions options, string what)
{
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(30);

    /// <param name="read">The task's row now; null when it was deleted.</param>
    /// <param name="failIfUnclaimed">
    /// Fails the task with the message only if it is still unclaimed, in one conditional update, so an agent taking it at
    /// the last moment either wins (and the wait goes on) or finds it failed; never both. Returns the rows updated.
    /// </param>
    /// <returns>The uploaded result (JSON) and the agent's name.</returns>
    public async Task<(string Result, string AgentName)> ResultAsync(
        Guid agentId,
        Func<CancellationToken, Task<AgentTaskRow?>> read,
        Func<string, DateTime, Task<int>> failIfUnclaimed,
        Func<string, int, CancellationToken, Task> progress,
        CancellationToken ct)
    {
        var pickup = TimeSpan.FromSeconds(options.AgentPickupSeconds);
        var runLimit = TimeSpan.FromSeconds(options.ScanTimeoutSeconds);
        var pickupDeadline = time.GetUtcNow().UtcDateTime + pickup;
        string? forwardedStage = null;
        var forwardedPercent = -1;
        while (true)
        {
            var row = await read(ct) ?? throw new ScanFailedException($"The {what} was deleted while it waited for its agent.");
            var agent = await db.ScanAgents.AsNoTracking().Where(a => a.Id == agentId)
                .Select(a => new { a.Name, a.RevokedAt })
                .FirstOrDefaultAsync(ct) ?? throw new ScanFailedException("The scan agent of this adapter was deleted.");
            var now = time.GetUtcNow().UtcDateTime;

            if (row.Result is { } json)
            {
                return (json, agent.Name);
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
                if (now >= pickupDeadline)
                {
                    var message = $"The scan agent '{agent.Name}' did not pick up the {what} within {pickup.TotalSeconds:0} s: is `pitlane agent` running?";
                    if (await failIfUnclaimed(message, now) == 1)
                    {
                        throw new ScanFailedException(message);
                    }
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
                // The task's own heartbeat, not the agent's: another process with the same key polling says nothing about this one.
                var heard = row.HeardAt is { } seen && seen > claimedAt ? seen : claimedAt;
                if (now - heard > SilenceLimit)
                {
                    throw new ScanFailedException(
                        $"The scan agent '{agent.Name}' went silent for more than {SilenceLimit.TotalSeconds:0} s during the {what} (stopped, or lost its connection).");
                }
                if (now - claimedAt > runLimit)
                {
                    throw new ScanFailedException(
                        $"The scan agent '{agent.Name}' did not finish the {what} within {runLimit.TotalSeconds:0} s of taking it (Pitlane:Diagnostics:ScanTimeoutSeconds).");
                }
            }
            await Task.Delay(AgentProtocol.PollInterval, time, ct);
        }
    }
}
