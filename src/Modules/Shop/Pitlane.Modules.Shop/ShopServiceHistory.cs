using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop;

/// <summary><see cref="IShopServiceHistory"/>: repair orders of the organisation only, with their jobs and totals.</summary>
internal sealed class ShopServiceHistory(ShopDbContext db) : IShopServiceHistory
{
    private const int MaxTake = 50;

    public Task<IReadOnlyList<ShopServiceRecord>> ForVehicleAsync(Guid organizationId, Guid vehicleId, int take, CancellationToken ct) =>
        ListAsync(db.RepairOrders.Where(r => r.OrganizationId == organizationId && r.VehicleId == vehicleId), take, ct);

    public Task<IReadOnlyList<ShopServiceRecord>> RecentAsync(Guid organizationId, int take, CancellationToken ct) =>
        ListAsync(db.RepairOrders.Where(r => r.OrganizationId == organizationId), take, ct);

    public async Task<ShopServiceRecord?> FindAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct) =>
        (await ListAsync(db.RepairOrders.Where(r => r.OrganizationId == organizationId && r.Id == repairOrderId), 1, ct)).FirstOrDefault();

    public async Task<ShopServiceRecord?> FindByNumberAsync(Guid organizationId, int number, CancellationToken ct) =>
        (await ListAsync(db.RepairOrders.Where(r => r.OrganizationId == organizationId && r.Number == number), 1, ct)).FirstOrDefault();

    private static async Task<IReadOnlyList<ShopServiceRecord>> ListAsync(IQueryable<RepairOrder> query, int take, CancellationToken ct)
    {
        var orders = await query.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).AsSplitQuery()
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Number).Take(Math.Clamp(take, 1, MaxTake)).ToListAsync(ct);
        return orders.Select(r => new ShopServiceRecord(ShopRepairOrderDirectory.View(r), r.CreatedAt, r.OdometerInKm)).ToList();
    }
}
