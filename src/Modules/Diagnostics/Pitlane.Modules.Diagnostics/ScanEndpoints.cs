using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Vin;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

public sealed record StartScanRequest(Guid? VehicleId, string? Vin, Guid? AdapterId);

public sealed record ScanDtcResponse(string Code, string Ecu, string Kind, string Description, string Severity, string System);

/// <summary>GET /api/v1/scans/{id}. The lists are empty until the scan completed.</summary>
public sealed record ScanResponse(
    Guid Id, Guid JobId, string Status, int Progress, string? Stage, Guid? VehicleId, Guid AdapterId, string AdapterName,
    string? ExpectedVin, string? Vin, bool VinMismatch, string? Protocol, bool MilOn,
    IReadOnlyList<ScanDocument.Ecu> Ecus, IReadOnlyList<ScanDtcResponse> Dtcs, IReadOnlyList<ScanDocument.Readiness> Readiness,
    IReadOnlyList<ScanDocument.Frame> FreezeFrame, IReadOnlyList<ScanDocument.Value> Snapshot, string? BatteryVoltage,
    int? RequestCount, int? DurationMs, IReadOnlyList<string> Warnings, string? Error,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt)
{
    public static ScanResponse From(Scan s)
    {
        var doc = s.Result is null ? null : JsonSerializer.Deserialize<ScanDocument>(s.Result, ScanDocument.Json);
        return new ScanResponse(
            s.Id, s.JobId, ScanStatuses.Name(s.Status), s.Progress, s.Stage, s.VehicleId, s.AdapterId, s.AdapterName,
            s.ExpectedVin, s.Vin, s.VinMismatch, s.Protocol, s.MilOn,
            doc?.Ecus ?? [],
            doc?.Dtcs.Select(d => new ScanDtcResponse(d.Code, d.Ecu, Name(d.Kind), d.Description, Name(d.Severity), d.System)).ToList() ?? [],
            doc?.ReadinessByEcu ?? [], doc?.FreezeFrames ?? [], doc?.Snapshot ?? [], doc?.BatteryVoltage,
            s.RequestCount, s.DurationMs, doc?.Warnings ?? [], s.Error, s.CreatedAt, s.StartedAt, s.CompletedAt);
    }

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

public sealed record ScanSummary(
    Guid Id, string Status, int Progress, Guid? VehicleId, string? Vin, bool VinMismatch, bool MilOn, int DtcCount, string AdapterName,
    string? Error, DateTime CreatedAt, DateTime? CompletedAt)
{
    public static ScanSummary From(Scan s) => new(
        s.Id, ScanStatuses.Name(s.Status), s.Progress, s.VehicleId, s.Vin, s.VinMismatch, s.MilOn, s.DtcCount, s.AdapterName, s.Error, s.CreatedAt, s.CompletedAt);
}


/// <summary>Scans of the request's organisation (X-Organization-Id). Another organisation's scan or vehicle is a 404.</summary>
public static class ScanEndpoints
{
    /// <summary>Who may start a scan: everyone who works on cars or at the front desk.</summary>
    public static IEndpointRouteBuilder MapScanEndpoints(this IEndpointRouteBuilder routes)
    {
        var scans = routes.MapTenantApi("/api/v1/scans", "Diagnostics");
        scans.MapPost("/", Start);
        scans.MapGet("/", List);
        scans.MapGet("/{id:guid}", Get);
        var vehicles = routes.MapTenantApi("/api/v1/vehicles", "Diagnostics");
        vehicles.MapGet("/{id:guid}/scans", ListOfVehicle);
        vehicles.MapGet("/{id:guid}/health", Health);
        return routes;
    }

    /// <summary>
    /// 202 with the queued scan. The vehicle is named by id or by VIN (a valid VIN new to the shop is registered); with
    /// neither, the VIN is read from the car and the scan is linked to that vehicle when it completes.
    /// </summary>
    private static async Task<Results<Accepted<ScanResponse>, ValidationProblem, ProblemHttpResult>> Start(
        StartScanRequest request, OrganizationScope scope, DiagnosticsDbContext db, JobQueue jobs, IVehicleDirectory vehicles, IVehicleRegistrar registration,
        TimeProvider time, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can start a scan.");
        }
        if (request.AdapterId is not { } adapterId)
        {
            return Problems.Invalid("adapterId", "adapterId is required (GET /api/v1/diagnostics/adapters lists them).");
        }
        var adapter = await db.ScanAdapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == adapterId && a.OrganizationId == scope.OrganizationId, ct);
        if (adapter is null)
        {
            return Problems.Invalid("adapterId", "There is no such adapter in this organisation.");
        }
        return await QueueAsync(db, jobs, vehicles, registration, time, scope.OrganizationId, scope.UserId, adapter, request.VehicleId, request.Vin, null,
            "/api/v1/scans", ct);
    }

    /// <summary>
    /// Writes the scan row and its job in one transaction and wakes the local worker; shared by staff scans and kiosk
    /// scans. <paramref name="adapter"/> must already be known to belong to the organisation. A kiosk scan keeps the typed
    /// VIN only as what to compare the car's answer with: it is linked to no vehicle until the car reports its own VIN
    /// (anyone at the screen can type any VIN, and the result must never show that vehicle's history), and a VIN whose
    /// check digit is wrong where 49 CFR 565 makes it mandatory does not start one (a typo).
    /// </summary>
    internal static async Task<Results<Accepted<ScanResponse>, ValidationProblem, ProblemHttpResult>> QueueAsync(
        DiagnosticsDbContext db, JobQueue jobs, IVehicleDirectory vehicles, IVehicleRegistrar registration, TimeProvider time, Guid organizationId, Guid userId,
        ScanAdapter adapter, Guid? vehicleId, string? vinText, Guid? kioskId, string locationPrefix, CancellationToken ct)
    {
        VehicleSummary? vehicle = null;
        if (vehicleId is { } id)
        {
            vehicle = await vehicles.FindAsync(organizationId, id, ct);
            if (vehicle is null)
            {
                return Problems.NotFound("No such vehicle.");
            }
        }
        if (vinText is not null)
        {
            var vin = vinText.Trim().ToUpperInvariant();
            var decoded = VinDecoder.Decode(vin);
            if (!decoded.IsWellFormed)
            {
                return Problems.Invalid("vin", decoded.Errors.Count > 0 ? decoded.Errors[0].Message : "The VIN is not 17 valid characters.");
            }
            if (vehicle is not null && !string.Equals(vehicle.Vin, vin, StringComparison.Ordinal))
            {
                return Problems.Invalid("vin", $"The vehicle's VIN is {vehicle.Vin}; send either vehicleId or vin, or the same vehicle's both.");
            }
            if (kioskId is not null)
            {
                if (IsTypo(decoded))
                {
                    return Problems.Invalid("vin",
                        $"The VIN {vin} does not add up: one of its characters is probably mistyped. Please compare it with the VIN on your registration document, or let us read it from the car.");
                }
                return await EnqueueAsync(db, jobs, time, organizationId, userId, adapter, null, vin, kioskId, locationPrefix, ct);
            }
            vehicle ??= await vehicles.FindByVinAsync(organizationId, vin, ct);
            if (vehicle is null)
            {
                var outcome = await registration.RegisterByVinAsync(organizationId, vin, ct);
                if (outcome.Errors is { } errors)
                {
                    return Problems.Invalid(errors);
                }
                vehicle = outcome.Vehicle;
            }
        }
        return await EnqueueAsync(db, jobs, time, organizationId, userId, adapter, vehicle?.Id, vehicle?.Vin, kioskId, locationPrefix, ct);
    }

    private static async Task<Results<Accepted<ScanResponse>, ValidationProblem, ProblemHttpResult>> EnqueueAsync(
        DiagnosticsDbContext db, JobQueue jobs, TimeProvider time, Guid organizationId, Guid userId, ScanAdapter adapter, Guid? vehicleId, string? expectedVin,
        Guid? kioskId, string locationPrefix, CancellationToken ct)
    {
        var scan = Scan.Create(organizationId, vehicleId, expectedVin, adapter, userId, time.GetUtcNow().UtcDateTime, kioskId);
        db.Scans.Add(scan);
        scan.JobId = jobs.Enqueue(db, organizationId, new ScanJob(scan.Id));
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(scan.JobId);
        return TypedResults.Accepted($"{locationPrefix}/{scan.Id}", ScanResponse.From(scan));
    }

    /// <summary>
    /// A wrong check digit (position 9) where 49 CFR 565 (North America) or GB 16735 (China) makes it mandatory: almost
    /// always a typo. Elsewhere position 9 may legitimately be a filler (ISO 3779), and the decoder says so.
    /// </summary>
    private static bool IsTypo(VinDecodeResult decoded) =>
        decoded.CheckDigit is { Valid: false } && !decoded.Warnings.Any(w => w.Code == VinFindingCodes.CheckDigitNotMandatory);

    private static async Task<Results<Ok<ScanResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == scope.OrganizationId, ct);
        return scan is null ? Problems.NotFound("No such scan.") : TypedResults.Ok(ScanResponse.From(scan));
    }

    private static async Task<Results<Ok<ListPage<ScanSummary>>, ValidationProblem>> List(
        OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct, Guid? vehicleId = null, int? page = null, int? pageSize = null) =>
        await PageAsync(db.Scans.AsNoTracking().OfOrganization(scope).Where(s => vehicleId == null || s.VehicleId == vehicleId),
            page, pageSize, ct);

    private static async Task<Results<Ok<ListPage<ScanSummary>>, ValidationProblem, ProblemHttpResult>> ListOfVehicle(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, IVehicleDirectory vehicles, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        var result = await PageAsync(db.Scans.AsNoTracking().OfOrganization(scope).Where(s => s.VehicleId == id), page, pageSize, ct);
        return result.Result switch
        {
            Ok<ListPage<ScanSummary>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("PageAsync returns Ok or ValidationProblem."),
        };
    }

    private static async Task<Results<Ok<ListPage<ScanSummary>>, ValidationProblem>> PageAsync(IQueryable<Scan> query, int? page, int? pageSize, CancellationToken ct)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check, defaultPageSize: 20, maxPageSize: 100);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var found = await paging.ApplyAsync(query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id), ct);
        return TypedResults.Ok(found.Map(ScanSummary.From));
    }

    private static async Task<Results<Ok<VehicleHealthResponse>, ProblemHttpResult>> Health(
        Guid id, OrganizationScope scope, HealthService health, CancellationToken ct)
    {
        var result = await health.ForVehicleAsync(scope.OrganizationId, id, ct);
        return result is null ? Problems.NotFound("No such vehicle.") : TypedResults.Ok(VehicleHealthResponse.From(result));
    }
}
