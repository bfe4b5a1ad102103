namespace Pitlane.Modules.Vehicles.Contracts;

/// <summary>
/// Searches one organisation's vehicles the way <c>GET /api/v1/vehicles?q=</c> does (VIN, plate, make, model, nickname),
/// for modules that answer questions about "my car" (the assistant). Never returns another organisation's vehicle.
/// </summary>
public interface IVehicleSearch
{
    /// <summary>Up to <paramref name="take"/> vehicles (1 to 50), most recent first; all of them when <paramref name="text"/> is empty.</summary>
    Task<IReadOnlyList<VehicleSummary>> SearchAsync(Guid organizationId, string? text, int take, CancellationToken ct);
}
