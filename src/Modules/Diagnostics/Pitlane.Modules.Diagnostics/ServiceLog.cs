using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <param name="Key">A maintenance schedule key: oil-filter, air-filter, brake-fluid, coolant, spark-plugs.</param>
/// <param name="PerformedOn">The day it was done (yyyy-MM-dd).</param>
public sealed record CreateServiceEntryRequest(string? Key, DateOnly? PerformedOn, int? OdometerKm, string? Note);

public sealed record ServiceEntryResponse(Guid Id, Guid VehicleId, string Key, string Name, DateOnly PerformedOn, int? OdometerKm, string? Note, DateTime CreatedAt)
{
    public static ServiceEntryResponse From(ServiceEntry e) => new(
        e.Id, e.VehicleId, e.Key, ServiceLog.NameOf(e.Key), DateOnly.FromDateTime(e.PerformedOn), e.OdometerKm, e.Note, e.CreatedAt);
}

/// <summary>
/// The vehicle's maintenance log: what was done and when, at what odometer reading. The health engine's reminders count
/// from the latest entry of each schedule item; without one they count from new.
/// </summary>
public static class ServiceLog
{
    public static string NameOf(string key) =>
        MaintenanceSchedule.Default.FirstOrDefault(i => i.Key == key)?.Name ?? key;

    public static IEndpointRouteBuilder MapServiceLogEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapTenantApi("/api/v1/vehicles", "Diagnostics");
        vehicles.MapGet("/{id:guid}/services", List);
        vehicles.MapPost("/{id:guid}/services", Create);
        vehicles.MapDelete("/{id:guid}/services/{entryId:guid}", Delete);
        return routes;
    }

    /// <summary>The vehicle's entries as the health engine's service history.</summary>
    public static async Task<IReadOnlyList<ServiceRecord>> HistoryAsync(DiagnosticsDbContext db, Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        (await db.ServiceEntries.AsNoTracking().Where(e => e.OrganizationId == organizationId && e.VehicleId == vehicleId).ToListAsync(ct))
            .Select(e => new ServiceRecord(e.Key, new DateTimeOffset(e.PerformedOn, TimeSpan.Zero), e.OdometerKm))
            .ToList();

    private static async Task<Results<Ok<List<ServiceEntryResponse>>, ProblemHttpResult>> List(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, IVehicleDirectory vehicles, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        var entries = await db.ServiceEntries.AsNoTracking().Where(e => e.VehicleId == id && e.OrganizationId == scope.OrganizationId)
            .OrderByDescending(e => e.PerformedOn).ThenByDescending(e => e.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(entries.Select(ServiceEntryResponse.From).ToList());
    }

    private static async Task<Results<Created<ServiceEntryResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, CreateServiceEntryRequest request, OrganizationScope scope, DiagnosticsDbContext db, IVehicleDirectory vehicles, TimeProvider time, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can record a service.");
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var keys = MaintenanceSchedule.Default.Select(i => i.Key).ToArray();
        var check = new Validation()
            .Require(request.Key is { } k && keys.Contains(k, StringComparer.Ordinal), "key", $"key is one of {string.Join(", ", keys)}.")
            .Require(request.PerformedOn is { } d && d <= today.AddDays(1) && d >= new DateOnly(1980, 1, 1), "performedOn", "performedOn is a date (yyyy-MM-dd) between 1980-01-01 and today.")
            .Require(request.OdometerKm is null or (>= 0 and <= ServiceEntry.MaxOdometerKm), "odometerKm", $"odometerKm is between 0 and {ServiceEntry.MaxOdometerKm}.")
            .Require(request.Note is null || request.Note.Length <= 500, "note", "note is at most 500 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var entry = new ServiceEntry
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = scope.OrganizationId,
            VehicleId = id,
            Key = request.Key!,
            PerformedOn = request.PerformedOn!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            OdometerKm = request.OdometerKm,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            CreatedByUserId = scope.UserId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ServiceEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/vehicles/{id}/services/{entry.Id}", ServiceEntryResponse.From(entry));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, Guid entryId, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var entry = await db.ServiceEntries.FirstOrDefaultAsync(e => e.Id == entryId && e.VehicleId == id && e.OrganizationId == scope.OrganizationId, ct);
        if (entry is null)
        {
            return Problems.NotFound("No such service entry.");
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can remove a service entry.");
        }
        db.ServiceEntries.Remove(entry);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
