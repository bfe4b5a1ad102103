using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Organizations;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Vehicles;

public sealed record CreateVehicleRequest(string? Vin, int? OdometerKm, string? Plate, string? Nickname);
public sealed record UpdateVehicleRequest(int? OdometerKm, string? Plate, string? Nickname);
public sealed record VehicleResponse(
    Guid Id, Guid OrganizationId, string Vin, int? ModelYear, string? Make, string? Manufacturer, string? Model, string? Trim,
    string? BodyClass, string? Engine, string? FuelType, string? Country, string? PlantCountry, string DecodeSource,
    int? OdometerKm, string? Plate, string? Nickname, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static VehicleResponse From(Vehicle v) => new(
        v.Id, v.OrganizationId, v.Vin, v.ModelYear, v.Make, v.Manufacturer, v.Model, v.Trim, v.BodyClass, v.Engine, v.FuelType,
        v.Country, v.PlantCountry, v.DecodeSource, v.OdometerKm, v.Plate, v.Nickname, v.CreatedAt, v.UpdatedAt);
}
public sealed record VehiclePage(IReadOnlyList<VehicleResponse> Items, int Page, int PageSize, int Total);

/// <summary>Vehicles of the request's organisation (X-Organization-Id). Another organisation's vehicle is a 404.</summary>
public static class VehicleEndpoints
{
    public const int MaxOdometerKm = 5_000_000;

    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapGroup("/api/v1/vehicles").WithTags("Vehicles")
            .RequireAuthorization()
            .AddEndpointFilter<OrganizationScopeFilter>();
        vehicles.MapPost("/", Create);
        vehicles.MapGet("/", List);
        vehicles.MapGet("/{id:guid}", Get);
        vehicles.MapPatch("/{id:guid}", Update);
        vehicles.MapDelete("/{id:guid}", Delete);
        return routes;
    }

    private static async Task<Results<Created<VehicleResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateVehicleRequest request, OrganizationScope scope, VehicleRegistration registration, CancellationToken ct)
    {
        var outcome = await registration.RegisterAsync(scope.OrganizationId, request, ct);
        return outcome switch
        {
            { Vehicle: { } v } => TypedResults.Created($"/api/v1/vehicles/{v.Id}", VehicleResponse.From(v)),
            { Errors: { } errors } => Problems.Invalid(errors),
            _ => Problems.Conflict(outcome.Conflict!),
        };
    }

    private static async Task<Results<Ok<VehiclePage>, ValidationProblem>> List(
        OrganizationScope scope, PitlaneDbContext db, CancellationToken ct, int page = 1, int pageSize = 50, string? q = null)
    {
        var check = new Validation()
            .Require(page >= 1, "page", "page starts at 1.")
            .Require(pageSize is >= 1 and <= 200, "pageSize", "pageSize must be between 1 and 200.")
            .Require(q is null || q.Length <= 64, "q", "The search text is at most 64 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var query = db.Vehicles.AsNoTracking().Where(v => v.OrganizationId == scope.OrganizationId);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var upper = term.ToUpperInvariant();
            query = query.Where(v => v.Vin.Contains(upper) || (v.Plate != null && v.Plate.Contains(term)) || (v.Nickname != null && v.Nickname.Contains(term))
                || (v.Make != null && v.Make.Contains(term)) || (v.Model != null && v.Model.Contains(term)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(v => v.CreatedAt).ThenBy(v => v.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new VehiclePage(items.Select(VehicleResponse.From).ToList(), page, pageSize, total));
    }

    // The platform's most frequent read, compiled once per provider's model (a compiled query is bound to the
    // model it first ran against, and the SQLite and PostgreSQL contexts have different models).
    private static readonly ConcurrentDictionary<Type, Func<PitlaneDbContext, Guid, Guid, CancellationToken, Task<Vehicle?>>> VehicleById = new();

    private static async Task<Results<Ok<VehicleResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, PitlaneDbContext db, CancellationToken ct)
    {
        var query = VehicleById.GetOrAdd(db.GetType(), static _ => EF.CompileAsyncQuery(
            (PitlaneDbContext context, Guid vehicleId, Guid organizationId, CancellationToken _) =>
                context.Vehicles.AsNoTracking().FirstOrDefault(v => v.Id == vehicleId && v.OrganizationId == organizationId)));
        var vehicle = await query(db, id, scope.OrganizationId, ct);
        return vehicle is null ? Problems.NotFound("No such vehicle.") : TypedResults.Ok(VehicleResponse.From(vehicle));
    }

    private static async Task<Results<Ok<VehicleResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateVehicleRequest request, OrganizationScope scope, PitlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        var check = ValidateDetails(request.OdometerKm, request.Plate, request.Nickname);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == id && v.OrganizationId == scope.OrganizationId, ct);
        if (vehicle is null)
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (request.OdometerKm is { } km && !vehicle.TryRecordOdometer(km))
        {
            return Problems.Invalid("odometerKm", $"The odometer cannot go back: the last reading is {vehicle.OdometerKm} km.");
        }
        // PATCH: an absent field stays as it is; an empty string clears plate or nickname.
        if (request.Plate is not null)
        {
            vehicle.ChangePlate(request.Plate);
        }
        if (request.Nickname is not null)
        {
            vehicle.Rename(request.Nickname);
        }
        vehicle.Touch(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(VehicleResponse.From(vehicle));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, OrganizationScope scope, PitlaneDbContext db, CancellationToken ct)
    {
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == id && v.OrganizationId == scope.OrganizationId, ct);
        if (vehicle is null)
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (!scope.HasAnyRole(OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor))
        {
            return Problems.Forbidden("Only an Owner, Manager or Service Advisor can delete a vehicle.");
        }
        db.Vehicles.Remove(vehicle);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static Validation ValidateDetails(int? odometerKm, string? plate, string? nickname) => new Validation()
        .Require(odometerKm is null or >= 0 and <= MaxOdometerKm, "odometerKm", $"odometerKm must be between 0 and {MaxOdometerKm}.")
        .Require(plate is null || plate.Trim().Length <= 20, "plate", "plate is at most 20 characters.")
        .Require(nickname is null || nickname.Trim().Length <= 80, "nickname", "nickname is at most 80 characters.");
}
