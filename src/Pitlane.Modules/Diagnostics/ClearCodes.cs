using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Obd;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Organizations;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Diagnostics.Lane;

/// <param name="Confirm">Must be true: clearing also erases freeze frames and resets every readiness monitor.</param>
public sealed record ClearCodesRequest(Guid? AdapterId, bool? Confirm);

public sealed record ClearCodesAccepted(Guid JobId, Guid VehicleId, Guid AdapterId);

/// <summary>The job that clears a vehicle's trouble codes (service 04) through an adapter.</summary>
public sealed record ClearCodesJob(Guid VehicleId, Guid AdapterId, Guid RequestedBy);

/// <summary>
/// POST /api/v1/vehicles/{id}/clear-codes: behind an explicit confirmation, and only on the car it was asked for — the
/// job reads the VIN first and refuses to clear a car whose VIN differs from the vehicle's.
/// </summary>
public static class ClearCodesEndpoints
{
    public static readonly OrganizationRole[] Clearers = [OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Technician];

    public static IEndpointRouteBuilder MapClearCodesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/vehicles").WithTags("Diagnostics")
            .RequireAuthorization()
            .AddEndpointFilter<OrganizationScopeFilter>()
            .MapPost("/{id:guid}/clear-codes", Clear);
        return routes;
    }

    private static async Task<Results<Accepted<ClearCodesAccepted>, ValidationProblem, ProblemHttpResult>> Clear(
        Guid id, ClearCodesRequest request, OrganizationScope scope, PitlaneDbContext db, JobQueue jobs, CancellationToken ct)
    {
        if (!await db.Vehicles.AnyAsync(v => v.Id == id && v.OrganizationId == scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (!scope.HasAnyRole(Clearers))
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
        if (adapter.Kind == AdapterKind.Agent)
        {
            return Problems.Invalid("adapterId", "Codes can be cleared through a directly connected adapter only, not through a scan agent.");
        }
        var jobId = await jobs.EnqueueAsync(scope.OrganizationId, new ClearCodesJob(id, adapter.Id, scope.UserId), ct);
        return TypedResults.Accepted($"/api/v1/jobs/{jobId}", new ClearCodesAccepted(jobId, id, adapter.Id));
    }
}

public sealed class ClearCodesJobHandler(PitlaneDbContext db, AdapterPolicy policy, IOptions<PitlaneOptions> options) : IJobHandler<ClearCodesJob>
{
    public async Task<object?> RunAsync(JobContext<ClearCodesJob> job, CancellationToken ct)
    {
        var vehicle = await db.Vehicles.AsNoTracking().FirstOrDefaultAsync(v => v.Id == job.Payload.VehicleId && v.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The vehicle no longer exists.");
        var adapter = await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == job.Payload.AdapterId && a.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The adapter no longer exists.");
        var target = await policy.CheckAsync(job.OrganizationId, adapter.Uri, ct);
        if (target.Connect is null)
        {
            throw new JobPermanentFailureException($"The adapter '{adapter.Name}' may not be used: {target.Refusal}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.Diagnostics.ScanTimeoutSeconds));
        try
        {
            await job.ReportAsync(10, "connect", ct);
            await using var elm = await Elm327Adapter.ConnectAsync(target.Connect, cancellationToken: timeout.Token);
            var client = new ObdClient(elm);
            await job.ReportAsync(40, "identify", ct);
            var vin = (await client.ReadVinAsync(timeout.Token))?.Text?.Trim().ToUpperInvariant();
            if (vin is null || !string.Equals(vin, vehicle.Vin, StringComparison.Ordinal))
            {
                throw new JobPermanentFailureException(vin is null
                    ? $"The car did not report its VIN, so it cannot be confirmed to be {vehicle.Vin}; codes were not cleared."
                    : $"The car on the adapter reports VIN {vin}, not {vehicle.Vin}; codes were not cleared.");
            }
            await job.ReportAsync(70, "clear", ct);
            var ecus = await client.ClearTroubleCodesAsync(ClearConfirmation.EraseCodesFreezeFramesAndReadiness, timeout.Token);
            return new { vehicleId = vehicle.Id, vin, clearedBy = ecus };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JobPermanentFailureException("The adapter did not finish clearing in time.");
        }
        catch (ObdException e)
        {
            throw new JobPermanentFailureException($"The adapter '{adapter.Name}' failed: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new JobPermanentFailureException($"The adapter '{adapter.Name}' could not be reached: {e.Message}", e);
        }
    }
}
