using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles;

/// <param name="CheckDigitOverrideReason">
/// Only for a VIN that fails its check digit where 49 CFR 565 makes it mandatory: the Owner's reason for adding it anyway.
/// </param>
public sealed record CreateVehicleRequest(string? Vin, int? OdometerKm, string? Plate, string? Nickname, string? CheckDigitOverrideReason = null);

/// <summary>The Owner's recorded decision to keep a VIN whose check digit fails.</summary>
public sealed record CheckDigitOverrideResponse(string Reason, Guid ByUserId, DateTime At);
public sealed record UpdateVehicleRequest(int? OdometerKm, string? Plate, string? Nickname);
public sealed record VehicleResponse(
    Guid Id, Guid OrganizationId, string Vin, int? ModelYear, string? Make, string? Manufacturer, string? Model, string? Trim,
    string? BodyClass, string? Engine, string? FuelType, string? Country, string? PlantCountry, string DecodeSource,
    int? OdometerKm, string? Plate, string? Nickname, DateTime CreatedAt, DateTime UpdatedAt, CheckDigitOverrideResponse? CheckDigitOverride)
{
    public static VehicleResponse From(Vehicle v) => new(
        v.Id, v.OrganizationId, v.Vin, v.ModelYear, v.Make, v.Manufacturer, v.Model, v.Trim, v.BodyClass, v.Engine, v.FuelType,
        v.Country, v.PlantCountry, v.DecodeSource, v.OdometerKm, v.Plate, v.Nickname, v.CreatedAt, v.UpdatedAt,
        v.CheckDigitOverrideReason is { } reason ? new(reason, v.CheckDigitOverriddenBy!.Value, v.CheckDigitOverriddenAt!.Value) : null);
}

/// <summary>Vehicles of the request's organisation (X-Organization-Id). Another organisation's vehicle is a 404.</summary>
public static class VehicleEndpoints
{
    public const int MaxOdometerKm = 5_000_000;

    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapTenantApi("/api/v1/vehicles", "Vehicles");
        vehicles.MapPost("/", Create);
        vehicles.MapGet("/", List);
        vehicles.MapGet("/{id:guid}", Get);
        vehicles.MapPatch("/{id:guid}", Update);
        vehicles.MapDelete("/{id:guid}", Delete).RequirePermission(VehiclesPermissions.Delete);
        return routes;
    }

    private static async Task<Results<Created<VehicleResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateVehicleRequest request, OrganizationScope scope, VehicleRegistration registration, CancellationToken ct)
    {
        var outcome = await registration.RegisterAsync(scope.OrganizationId, request, new(scope.UserId, scope.Can(VehiclesPermissions.OverrideCheckDigit)), ct);
        return outcome switch
        {
            { Vehicle: { } v } => TypedResults.Created($"/api/v1/vehicles/{v.Id}", VehicleResponse.From(v)),
            { Errors: { } errors } => Problems.Invalid(errors),
            { Forbidden: { } reason } => Problems.Forbidden(reason),
            _ => Problems.Conflict(outcome.Conflict!),
        };
    }

    private static async Task<Results<Ok<ListPage<VehicleResponse>>, ValidationProblem>> List(
        OrganizationScope scope, VehicleQueries vehicles, CancellationToken ct, int? page = null, int? pageSize = null, string? q = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        check.Require(q is null || q.Length <= VehicleQueries.MaxSearchLength, "q", $"The search text is at most {VehicleQueries.MaxSearchLength} characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var found = await vehicles.SearchAsync(scope.OrganizationId, q, paging, ct);
        return TypedResults.Ok(found.Map(VehicleResponse.From));
    }

    private static async Task<Results<Ok<VehicleResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, IVehicleReader vehicles, CancellationToken ct) =>
        await vehicles.FindAsync(scope.OrganizationId, id, ct) is { } vehicle ? TypedResults.Ok(vehicle) : Problems.NotFound("No such vehicle.");

    private static async Task<Results<Ok<VehicleResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateVehicleRequest request, OrganizationScope scope, VehicleChanges changes, CancellationToken ct) =>
        await changes.UpdateAsync(scope.OrganizationId, id, request.OdometerKm, request.Plate, request.Nickname, ct) switch
        {
            null => Problems.NotFound("No such vehicle."),
            { Errors: { } errors } => Problems.Invalid(errors),
            { Vehicle: var vehicle } => TypedResults.Ok(VehicleResponse.From(vehicle!)),
        };

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, OrganizationScope scope, VehicleChanges changes, CancellationToken ct) =>
        await changes.DeleteAsync(scope.OrganizationId, id, ct) ? TypedResults.NoContent() : Problems.NotFound("No such vehicle.");

    public static Validation ValidateDetails(int? odometerKm, string? plate, string? nickname) => new Validation()
        .Require(odometerKm is null or >= 0 and <= MaxOdometerKm, "odometerKm", $"odometerKm must be between 0 and {MaxOdometerKm}.")
        .Require(plate is null || plate.Trim().Length <= 20, "plate", "plate is at most 20 characters.")
        .Require(nickname is null || nickname.Trim().Length <= 80, "nickname", "nickname is at most 80 characters.");
}
