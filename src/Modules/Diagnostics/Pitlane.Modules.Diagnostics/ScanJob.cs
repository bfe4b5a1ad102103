using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Obd;
using Pitlane.Obd.Scanning;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Vin;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <summary>The job that runs one scan (platform_jobs type "diagnostics.scan").</summary>
public sealed record ScanJob(Guid ScanId);

/// <summary>
/// Runs a scan: connects to the adapter (or hands the scan to its agent), reports each stage on the scan row and as job
/// progress (pushed live to job:{id}), stores the <see cref="ScanDocument"/>, checks the car's VIN against the vehicle's
/// and links the scan to the vehicle of the VIN the car reported (flagging a mismatch). A scan that cannot complete ends "failed" with the
/// reason, and the job dead: a car at the kiosk is not scanned again behind anyone's back.
/// </summary>
public sealed class ScanJobHandler(
    DiagnosticsDbContext db,
    AdapterPolicy policy,
    IServiceProvider services,
    IVehicleRegistrar registration,
    IOptions<DiagnosticsOptions> options,
    TimeProvider time,
    JobSlot slot,
    ILogger<ScanJobHandler> logger) : IJobHandler<ScanJob>, IJobEndHandler<ScanJob>
{
    /// <summary>Progress percent when each stage starts.</summary>
    public static int PercentOf(string stage) => stage switch
    {
        "connect" => 5,
        "identify" => 15,
        "trouble codes" => 35,
        "readiness" => 55,
        "freeze frame" => 70,
        "live snapshot" => 85,
        _ => 0,
    };

    public async Task<object?> RunAsync(JobContext<ScanJob> job, CancellationToken ct)
    {
        var scan = await db.Scans.FirstOrDefaultAsync(s => s.Id == job.Payload.ScanId && s.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException($"Scan {job.Payload.ScanId} no longer exists.");
        if (scan.Status is ScanStatus.Completed or ScanStatus.Failed)
        {
            return new { scanId = scan.Id, status = ScanStatuses.Name(scan.Status) };
        }
        var adapter = await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == scan.AdapterId, ct);
        if (adapter is null)
        {
            await FailAsync(scan, "The adapter was removed before the scan started.");
            throw new JobPermanentFailureException("The adapter was removed before the scan started.");
        }
        scan.Status = ScanStatus.Running;
        scan.StartedAt = time.GetUtcNow().UtcDateTime;
        scan.Error = null;
        await db.SaveChangesAsync(ct);

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.ScanTimeoutSeconds));
        var progress = new StageReporter(db, scan, job);
        try
        {
            ScanDocument document;
            if (adapter.Kind == AdapterKind.Agent)
            {
                // The agent's side keeps its own clocks: pickup, then ScanTimeoutSeconds from when the agent took the scan.
                // Waiting for a car elsewhere is no work here: the slot goes to other jobs meanwhile.
                slot.Release();
                document = await services.GetRequiredService<IAgentScans>().RunAsync(scan, progress.ReportAsync, ct);
            }
            else
            {
                var target = await policy.CheckAsync(scan.OrganizationId, adapter.Uri, timeout.Token);
                if (target.Connect is null)
                {
                    throw new ScanFailedException($"The adapter '{adapter.Name}' may not be used: {target.Refusal}");
                }
                var report = await progress.RunAsync(
                    reporter => ObdScanner.ScanAsync(target.Connect, progress: reporter, cancellationToken: timeout.Token), timeout.Token);
                document = ScanDocument.From(report);
            }
            await CompleteAsync(scan, document, ct);
            await job.ReportAsync(100, "completed", ct);
            return new { scanId = scan.Id, status = "completed", dtcs = scan.DtcCount, vinMismatch = scan.VinMismatch };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return await FailPermanentlyAsync(scan, $"The scan did not finish within {settings.ScanTimeoutSeconds} s (Pitlane:Diagnostics:ScanTimeoutSeconds).", null);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by a user, a lost lease or shutdown: the row says so; a lease takeover runs the job again.
            await FailAsync(scan, "The scan was cancelled.");
            throw;
        }
        catch (ScanFailedException e)
        {
            return await FailPermanentlyAsync(scan, e.Message, e);
        }
        catch (Exception e) when (e is ObdException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            return await FailPermanentlyAsync(scan, AdapterFailures.Describe(adapter.Name, e), e);
        }
    }

    /// <summary>
    /// The job ended without a result in a way the run itself could not record: cancelled while queued, or dead because
    /// the instance running its last attempt went away. The scan row ends with it, so nobody (a kiosk screen) waits for it.
    /// </summary>
    public async Task JobEndedAsync(JobEnding<ScanJob> ending, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var scan = await db.Scans.FirstOrDefaultAsync(s => s.Id == ending.Payload.ScanId && s.OrganizationId == ending.OrganizationId, ct);
        if (scan is null || scan.Status is ScanStatus.Completed or ScanStatus.Failed)
        {
            return;
        }
        await FailAsync(scan, ending.State == JobState.Cancelled
            ? "The scan was cancelled."
            : "The scan stopped before it finished (the server running it went away). Please start it again.");
    }

    private async Task<object?> FailPermanentlyAsync(Scan scan, string message, Exception? cause)
    {
        logger.LogWarning(cause, "Scan {ScanId} failed: {Reason}", scan.Id, message);
        await FailAsync(scan, message);
        throw new JobPermanentFailureException(message, cause);
    }

    private async Task FailAsync(Scan scan, string message)
    {
        scan.Status = ScanStatus.Failed;
        scan.Error = message.Length > 2000 ? message[..2000] : message;
        scan.CompletedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task CompleteAsync(Scan scan, ScanDocument document, CancellationToken ct)
    {
        var vin = document.Vin is { Length: 17 } v ? v.ToUpperInvariant() : null;
        // The scan belongs to the car that answered: when its VIN differs from the vehicle the scan was started for, it
        // goes to the vehicle with the car's VIN (or to none), flagged, so one car's codes never sit beside another car's
        // service history, odometer and plate. A car that reports no VIN keeps the vehicle staff chose (a kiosk scan
        // has none: a typed VIN alone does not show anyone a vehicle's history).
        // First: registering a new vehicle saves this context, and the scan must not be seen completed without its vehicle.
        var vehicleId = scan.VehicleId;
        if (vin is not null && (vehicleId is null || !string.Equals(vin, scan.ExpectedVin, StringComparison.Ordinal)))
        {
            vehicleId = await VehicleOfAsync(scan.OrganizationId, vin, ct);
        }
        scan.Vin = vin;
        scan.VinMismatch = vin is not null && scan.ExpectedVin is not null && !string.Equals(vin, scan.ExpectedVin, StringComparison.Ordinal);
        scan.Protocol = document.Protocol.Length > 80 ? document.Protocol[..80] : document.Protocol;
        scan.MilOn = document.MilOn;
        scan.DtcCount = document.Dtcs.Select(d => d.Code).Distinct(StringComparer.Ordinal).Count();
        scan.RequestCount = document.RequestCount;
        scan.DurationMs = document.DurationMs;
        scan.Result = JsonSerializer.Serialize(document, ScanDocument.Json);
        scan.Status = ScanStatus.Completed;
        scan.Progress = 100;
        scan.Stage = "completed";
        scan.CompletedAt = time.GetUtcNow().UtcDateTime;
        scan.VehicleId = vehicleId;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The organisation's vehicle with this VIN; registered now when the VIN is valid and new to the shop.</summary>
    private async Task<Guid?> VehicleOfAsync(Guid organizationId, string vin, CancellationToken ct)
    {
        var existing = (await services.GetRequiredService<IVehicleDirectory>().FindByVinAsync(organizationId, vin, ct))?.Id;
        if (existing is not null || !VinDecoder.Decode(vin).IsValid)
        {
            return existing;
        }
        var outcome = await registration.RegisterByVinAsync(organizationId, vin, ct);
        return outcome.Vehicle?.Id;
    }

    /// <summary>Turns scanner stages into scan-row updates and job progress, one at a time, never blocking the scan.</summary>
    private sealed class StageReporter(DiagnosticsDbContext db, Scan scan, JobContext<ScanJob> job)
    {
        public async Task ReportAsync(string stage, int percent, CancellationToken ct)
        {
            scan.Stage = stage.Length > 40 ? stage[..40] : stage;
            scan.Progress = Math.Clamp(percent, 0, 99);
            await db.SaveChangesAsync(ct);
            await job.ReportAsync(scan.Progress, stage, ct);
        }

        public async Task<ScanReport> RunAsync(Func<IProgress<ScanProgress>, Task<ScanReport>> scan, CancellationToken ct)
        {
            var stages = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
            var pump = Task.Run(async () =>
            {
                await foreach (var stage in stages.Reader.ReadAllAsync(ct))
                {
                    await ReportAsync(stage, PercentOf(stage), ct);
                }
            }, ct);
            try
            {
                return await scan(new Progress(stages.Writer));
            }
            finally
            {
                stages.Writer.TryComplete();
                try
                {
                    await pump;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The scan's own outcome (cancelled) is what the caller sees.
                }
            }
        }

        private sealed class Progress(ChannelWriter<string> writer) : IProgress<ScanProgress>
        {
            public void Report(ScanProgress value) => writer.TryWrite(value.StageName);
        }
    }
}
