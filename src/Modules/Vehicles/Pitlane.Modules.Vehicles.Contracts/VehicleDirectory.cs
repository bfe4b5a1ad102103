using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Vehicles.Contracts;

/// <summary>What other modules see of a vehicle: its identity and the facts a report or a scan needs.</summary>
public sealed record VehicleSummary(
    Guid Id, Guid OrganizationId, string Vin, int? ModelYear, string? Make, string? Model, string? Trim, string? Engine,
    string? FuelType, int? OdometerKm, string? Plate, string? Nickname)
{
    /// <summary>"2003 HONDA Accord", or the VIN when nothing is decoded.</summary>
    public string Title => string.Join(' ', new[] { ModelYear?.ToString(System.Globalization.CultureInfo.InvariantCulture), Make, Model }
        .Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } title ? title : Vin;
}

/// <summary>
/// The Vehicles module's read contract: other modules learn about vehicles only through it, never by mapping or
/// querying the vehicles table. Every look-up is within one organisation unless it says otherwise.
/// </summary>
public interface IVehicleDirectory
{
    /// <summary>The vehicle's organisation, or null when there is no such vehicle (any organisation).</summary>
    Task<Guid?> OrganizationOfAsync(Guid vehicleId, CancellationToken ct);

    Task<bool> BelongsToAsync(Guid vehicleId, Guid organizationId, CancellationToken ct);

    Task<VehicleSummary?> FindAsync(Guid organizationId, Guid vehicleId, CancellationToken ct);

    Task<VehicleSummary?> FindByVinAsync(Guid organizationId, string vin, CancellationToken ct);

    Task<IReadOnlyList<VehicleSummary>> FindManyAsync(Guid organizationId, IReadOnlyCollection<Guid> vehicleIds, CancellationToken ct);

    Task<int> CountAsync(Guid organizationId, CancellationToken ct);
}

/// <summary>The outcome of registering a vehicle by VIN: the vehicle, or field errors (400), or a conflict (409).</summary>
public sealed record VehicleRegistrationOutcome(VehicleSummary? Vehicle, Dictionary<string, string[]>? Errors, string? Conflict);

/// <summary>Registers a vehicle by VIN with the same rules as the Vehicles API (decoding, check digit, one VIN per organisation).</summary>
public interface IVehicleRegistrar
{
    Task<VehicleRegistrationOutcome> RegisterByVinAsync(Guid organizationId, string vin, CancellationToken ct);
}

/// <summary>A vehicle was deleted: modules that keep data about it remove theirs (through the inbox, once).</summary>
public sealed record VehicleDeleted(Guid OrganizationId, Guid VehicleId) : IntegrationEvent;

/// <summary>
/// The VIN check of <c>GET /api/v1/vin/{vin}</c> (check digit, model year, manufacturer, vPIC details), for a module that
/// offers it on its own route (the kiosk): the same answer, 200 or 400 problem.
/// </summary>
public interface IVinLookup
{
    Task<Microsoft.AspNetCore.Http.IResult> DecodeAsync(string vin, CancellationToken ct);
}
