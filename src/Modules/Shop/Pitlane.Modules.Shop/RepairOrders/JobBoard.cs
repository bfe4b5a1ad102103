using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Shop.RepairOrders;

public sealed record BoardCard(RepairOrder Order, string Customer, string Vehicle, RepairOrderTotals Totals);

/// <summary>The job board's read: open repair orders (not yet paid) with customer and vehicle names, by bay or technician.</summary>
public sealed class JobBoard(ShopDbContext db, IVehicleDirectory vehicles)
{
    public async Task<IReadOnlyList<BoardCard>> CardsAsync(Guid organizationId, Guid? bay, Guid? technician, CancellationToken ct)
    {
        var orders = await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).AsSplitQuery()
            .Where(r => r.OrganizationId == organizationId && r.Status < RepairOrderStatus.Paid && (bay == null || r.BayId == bay)
                && (technician == null || r.TechnicianId == technician))
            .OrderBy(r => r.Number).Take(300).ToListAsync(ct);
        var customerIds = orders.Select(o => o.CustomerId).Distinct().ToList();
        var names = await db.Customers.AsNoTracking().Where(c => c.OrganizationId == organizationId && customerIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var cars = (await vehicles.FindManyAsync(organizationId, orders.Select(o => o.VehicleId).Distinct().ToList(), ct)).ToDictionary(v => v.Id);
        return [.. orders.Select(o => new BoardCard(o, names.GetValueOrDefault(o.CustomerId) ?? "Customer",
            cars.TryGetValue(o.VehicleId, out var v) ? $"{v.Title}{(v.Plate is null ? "" : $" · {v.Plate}")}" : "Vehicle", RepairOrderTotals.Of(o)))];
    }
}
