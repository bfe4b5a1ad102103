namespace Pitlane.Modules.Shop.Contracts;

/// <summary>A repair order with when it was opened and the odometer reading it came in with.</summary>
public sealed record ShopServiceRecord(ShopRepairOrderView Order, DateTime CreatedAt, int? OdometerInKm);

/// <summary>
/// The shop's repair orders of a vehicle or of the organisation, newest first, read-only, for other modules (the
/// assistant). Everything is within the given organisation: another organisation's vehicle has no history here.
/// </summary>
public interface IShopServiceHistory
{
    Task<IReadOnlyList<ShopServiceRecord>> ForVehicleAsync(Guid organizationId, Guid vehicleId, int take, CancellationToken ct);

    Task<IReadOnlyList<ShopServiceRecord>> RecentAsync(Guid organizationId, int take, CancellationToken ct);

    Task<ShopServiceRecord?> FindAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct);

    Task<ShopServiceRecord?> FindByNumberAsync(Guid organizationId, int number, CancellationToken ct);
}
