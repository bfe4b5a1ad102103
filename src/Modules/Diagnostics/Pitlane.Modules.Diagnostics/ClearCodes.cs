using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Obd;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Vin;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <param name="Confirm">Must be true: clearing also erases freeze frames and resets every readiness monitor.</param>
public sealed record ClearCodesRequest(Guid? AdapterId, bool? Confirm);

/// <param name="Id">The code clearing (GET /api/v1/vehicles/{vehicleId}/code-clearings lists them).</param>
public sealed record ClearCodesAccepted(Guid JobId, Guid VehicleId, Guid AdapterId, Guid Id);

/// <summary>One clearing of the vehicle's codes, as the history shows it.</summary>
public sealed record CodeClearingResponse(
    Guid Id, Guid JobId, string Status, int Progress, string? Stage, Guid AdapterId, string AdapterName, bool ThroughAgent,
    string ExpectedVin, string? Vin, IReadOnlyList<string> ClearedBy, string? Error, Guid RequestedByUserId,
    DateTime CreatedAt, DateTime? CompletedAt)
{
    public static CodeClearingResponse From(CodeClearing c) => new(
        c.Id, c.JobId, ScanStatuses.Name(c.Status), c.Progress, c.Stage, c.AdapterId, c.AdapterName, c.AgentId is not null,
        c.ExpectedVin, c.Vin, c.ClearedBy?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], c.Error, c.RequestedByUserId,
        c.CreatedAt, c.CompletedAt);
}

/// <summary>The job that clears a vehicle's trouble codes (service 04) through an adapter or a scan agent.</summary>
public sealed record ClearCodesJob(Guid ClearingId);

/// <summary>The stages of a code clearing, reported as job progress (and by an agent, as its heartbeat).</summary>
public static class ClearCodesStages
{
    public static readonly string[] All = ["connect", "identify", "clear"];

    public static int PercentOf(string stage) => stage switch
    {
        "connect" => 10,
        "identify" => 40,
        "clear" => 70,
        _ => 0,
    };
}

/// <summary>
/// POST /api/v1/vehicles/{id}/clear-codes: behind an explicit confirmation, and only on the car it was asked for — the VIN
/// is read first (by the job, or by the agent next to the car) and a car whose VIN differs from the vehicle's is not
/// touched. Every clearing is kept: GET /api/v1/vehicles/{id}/code-clearings.
/// </summary>
public static class ClearCodesEndpoints
{
    public static IEndpointRouteBuilder MapClearCodesEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapTenantApi("/api/v1/vehicles", "Diagnostics");
        vehicles.MapPost("/{id:guid}/clear-codes", Clear);
        vehicles.MapGet("/{id:guid}/code-clearings", History)
            .WithSummary("Every clearing of the vehicle's trouble codes, newest first: who asked, the adapter, the VIN confirmed and the ECUs that acknowledged.");
        return routes;
    }

    private static async Task<Results<Accepted<ClearCodesAccepted>, ValidationProblem, ProblemHttpResult>> Clear(
        Guid id, ClearCodesRequest request, OrganizationScope scope, DiagnosticsDbContext db, IVehicleDirectory vehicles, JobQueue jobs, TimeProvider time, CancellationToken ct)
    {
        var vehicle = await vehicles.FindAsync(scope.OrganizationId, id, ct);
        if (vehicle is null)
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (!scope.Can(DiagnosticsPermissions.ClearCodes))
        {
            return Problems.Forbidden("Only an Owner, Manager or Technician can clear trouble codes.");
        }
        if (request.Confirm != true)
        {
            return Problems.Invalid("confirm", "Clearing erases the trouble codes, freeze frames and readiness monitors: send confirm: true.");
        }
        var adapter = request.AdapterId is { } adapterId
            ? await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == adapterId && a.OrganizationId == scope.OrganizationId, ct)
            : null;
        if (adapter is null)
        {
            return Problems.Invalid("adapterId", "adapterId must name one of this organisation's adapters.");
        }
        var clearing = CodeClearing.Create(scope.OrganizationId, vehicle, adapter, scope.UserId, time.GetUtcNow().UtcDateTime);
        db.CodeClearings.Add(clearing);
        clearing.JobId = jobs.Enqueue(db, scope.OrganizationId, new ClearCodesJob(clearing.Id));
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(clearing.JobId);
        return TypedResults.Accepted($"/api/v1/jobs/{clearing.JobId}", new ClearCodesAccepted(clearing.JobId, id, adapter.Id, clearing.Id));
    }

    private static async Task<Results<Ok<List<CodeClearingResponse>>, ProblemHttpResult>> History(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, IVehicleDirectory vehicles, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        var clearings = await db.CodeClearings.AsNoTracking()
            .Where(c => c.VehicleId == id && c.OrganizationId == scope.OrganizationId)
            .OrderByDescending(c => c.CreatedAt)
            .Take(100)
            .ToListAsync(ct);
        return TypedResults.Ok(clearings.Select(CodeClearingResponse.From).ToList());
    }
}

/// <summary>
/// Runs a code clearing: directly through the adapter (VIN read and compared, then service 04), or by handing it to the
/// adapter's scan agent, which does the same next to the car and uploads the VIN and the ECUs that acknowledged. The
/// clearing row records the outcome either way; a failure ends the job dead (it is never retried behind anyone's back).
/// </summary>
public sealed class ClearCodesJobHandler(
    DiagnosticsDbContext db,
    AdapterPolicy policy,
    IServiceScopeFactory scopes,
    IOptions<DiagnosticsOptions> options,
    TimeProvider time,
    JobSlot slot,
    ILogger<ClearCodesJobHandler> logger) : IJobHandler<ClearCodesJob>, IJobEndHandler<ClearCodesJob>
{
    public async Task<object?> RunAsync(JobContext<ClearCodesJob> job, CancellationToken ct)
    {
        var clearing = await db.CodeClearings.FirstOrDefaultAsync(c => c.Id == job.Payload.ClearingId && c.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The code clearing no longer exists (its vehicle was deleted).");
        if (clearing.Status is ScanStatus.Completed or ScanStatus.Failed)
        {
            return new { clearing.VehicleId, status = ScanStatuses.Name(clearing.Status) };
        }
        var adapter = await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == clearing.AdapterId && a.OrganizationId == job.OrganizationId, ct);
        if (adapter is null)
        {
            return await FailAsync(clearing, "The adapter was removed before the codes were cleared; nothing was cleared.", null);
        }
        clearing.Status = ScanStatus.Running;
        await db.SaveChangesAsync(ct);
        try
        {
            var (vin, ecus) = adapter.Kind == AdapterKind.Agent
                ? await ThroughAgentAsync(clearing, job, ct)
                : await DirectAsync(clearing, adapter, job, ct);
            clearing.Vin = vin;
            clearing.ClearedBy = string.Join(' ', ecus);
            if (!string.Equals(vin, clearing.ExpectedVin, StringComparison.Ordinal))
            {
                return await FailAsync(clearing, $"The scan agent cleared the codes of a car reporting VIN {vin}, not {clearing.ExpectedVin}.", null);
            }
            clearing.Status = ScanStatus.Completed;
            clearing.Stage = "completed";
            clearing.Progress = 100;
            clearing.CompletedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(CancellationToken.None);
            await job.ReportAsync(100, "completed", ct);
            return new { clearingId = clearing.Id, vehicleId = clearing.VehicleId, vin, clearedBy = ecus };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await FailRowAsync(clearing, "The code clearing was cancelled; the codes may or may not have been cleared: scan the car to see.");
            throw;
        }
        catch (ScanFailedException e)
        {
            return await FailAsync(clearing, e.Message, e);
        }
    }

    private async Task<(string Vin, IReadOnlyList<string> Ecus)> DirectAsync(CodeClearing clearing, ScanAdapter adapter, JobContext<ClearCodesJob> job, CancellationToken ct)
    {
        var target = await policy.CheckAsync(job.OrganizationId, adapter.Uri, ct);
        if (target.Connect is null)
        {
            throw new ScanFailedException($"The adapter '{adapter.Name}' may not be used: {target.Refusal}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.ScanTimeoutSeconds));
        try
        {
            await ReportAsync(clearing, job, "connect", ct);
            await using var elm = await Elm327Adapter.ConnectAsync(target.Connect, cancellationToken: timeout.Token);
            var client = new ObdClient(elm);
            await ReportAsync(clearing, job, "identify", ct);
            var vin = (await client.ReadVinAsync(timeout.Token))?.Text?.Trim().ToUpperInvariant();
            if (vin is null || !string.Equals(vin, clearing.ExpectedVin, StringComparison.Ordinal))
            {
                // Quoted only when it is a VIN: anything else is the peer's text (see AdapterFailures).
                var wellFormed = vin is not null && VinDecoder.Decode(vin).IsWellFormed;
                clearing.Vin = wellFormed ? vin : null;
                throw new ScanFailedException(vin is null
                    ? $"The car did not report its VIN, so it cannot be confirmed to be {clearing.ExpectedVin}; codes were not cleared."
                    : wellFormed ? $"The car on the adapter reports VIN {vin}, not {clearing.ExpectedVin}; codes were not cleared."
                    : $"The car on the adapter did not report a valid VIN, so it cannot be confirmed to be {clearing.ExpectedVin}; codes were not cleared.");
            }
            await ReportAsync(clearing, job, "clear", ct);
            var ecus = await client.ClearTroubleCodesAsync(ClearConfirmation.EraseCodesFreezeFramesAndReadiness, timeout.Token);
            return (vin, ecus);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ScanFailedException("The adapter did not finish clearing in time; the codes may or may not have been cleared: scan the car to see.");
        }
        catch (Exception e) when (e is ObdException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            throw new ScanFailedException(AdapterFailures.Describe(adapter.Name, e), e);
        }
    }

    private async Task<(string Vin, IReadOnlyList<string> Ecus)> ThroughAgentAsync(CodeClearing clearing, JobContext<ClearCodesJob> job, CancellationToken ct)
    {
        if (clearing.AgentId is not { } agentId)
        {
            throw new ScanFailedException($"The adapter '{clearing.AdapterName}' has no scan agent.");
        }
        slot.Release();
        await using var scope = scopes.CreateAsyncScope();
        var watch = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
        var wait = new AgentWait(watch, time, options.Value, "code clearing");
        var id = clearing.Id;
        var (json, agentName) = await wait.ResultAsync(agentId,
            token => watch.CodeClearings.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new AgentTaskRow(c.ClaimedAt, c.HeardAt, c.Stage, c.Progress, c.Result, c.Error)).FirstOrDefaultAsync(token),
            (message, now) => watch.CodeClearings.Where(c => c.Id == id && c.ClaimedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ScanStatus.Failed).SetProperty(x => x.Error, message).SetProperty(x => x.CompletedAt, now),
                    CancellationToken.None),
            (stage, percent, token) => job.ReportAsync(percent, stage, token), ct);
        var result = JsonSerializer.Deserialize<AgentClearResult>(json, JsonSerializerOptions.Web);
        if (result is not { Vin: { Length: 17 } vin, ClearedBy: { Length: > 0 } ecus })
        {
            throw new ScanFailedException($"The result of scan agent '{agentName}' is not a valid code clearing.");
        }
        return (vin, ecus);
    }

    private async Task ReportAsync(CodeClearing clearing, JobContext<ClearCodesJob> job, string stage, CancellationToken ct)
    {
        clearing.Stage = stage;
        clearing.Progress = ClearCodesStages.PercentOf(stage);
        await db.SaveChangesAsync(ct);
        await job.ReportAsync(clearing.Progress, stage, ct);
    }

    /// <summary>
    /// The job ended in a way the run could not record (cancelled while queued, or dead because the instance running it
    /// went away): the clearing row ends with it, saying whether anything may have been erased.
    /// </summary>
    public async Task JobEndedAsync(JobEnding<ClearCodesJob> ending, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var clearing = await db.CodeClearings.FirstOrDefaultAsync(c => c.Id == ending.Payload.ClearingId && c.OrganizationId == ending.OrganizationId, ct);
        if (clearing is null || clearing.Status is ScanStatus.Completed or ScanStatus.Failed)
        {
            return;
        }
        await FailRowAsync(clearing, (clearing.Status, ending.State) switch
        {
            (ScanStatus.Queued, JobState.Cancelled) => "The code clearing was cancelled before it started; nothing was cleared.",
            (ScanStatus.Queued, _) => "The code clearing could not start; nothing was cleared.",
            _ => "The code clearing stopped before it finished; the codes may or may not have been cleared: scan the car to see.",
        });
    }

    private async Task<object?> FailAsync(CodeClearing clearing, string message, Exception? cause)
    {
        logger.LogWarning(cause, "Code clearing {ClearingId} failed: {Reason}", clearing.Id, message);
        await FailRowAsync(clearing, message);
        throw new JobPermanentFailureException(message, cause);
    }

    /// <summary>Only the properties set here are written: what the agent wrote to the row meanwhile (its upload) stays.</summary>
    private async Task FailRowAsync(CodeClearing clearing, string message)
    {
        clearing.Status = ScanStatus.Failed;
        clearing.Error = message.Length > 2000 ? message[..2000] : message;
        clearing.CompletedAt ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
