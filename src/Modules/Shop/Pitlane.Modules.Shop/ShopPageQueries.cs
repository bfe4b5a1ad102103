using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Porter;
using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop;

/// <summary>The reads the shop's pages need beyond the API's services (pages never touch the store themselves).</summary>
public sealed class ShopPageQueries(ShopDbContext db, ShopSettingsStore settings)
{
    public async Task<IReadOnlyList<RepairOrder>> OrdersOfCustomerAsync(Guid organizationId, Guid customerId, CancellationToken ct) =>
        await db.RepairOrders.AsNoTracking().Where(r => r.OrganizationId == organizationId && r.CustomerId == customerId)
            .OrderByDescending(r => r.Number).Take(50).ToListAsync(ct);

    public async Task<IReadOnlyList<Customers.Customer>> CustomersAsync(Guid organizationId, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await db.Customers.AsNoTracking().Where(c => c.OrganizationId == organizationId && ids.Contains(c.Id)).ToListAsync(ct);

    public async Task<IReadOnlyList<VehicleCheck>> ChecksOfOrderAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct) =>
        await db.VehicleChecks.AsNoTracking().Where(c => c.OrganizationId == organizationId && c.RepairOrderId == repairOrderId)
            .OrderBy(c => c.At).ToListAsync(ct);

    /// <summary>The user's running clock entry in the shop, if any.</summary>
    public Task<TimeEntry?> RunningClockAsync(Guid organizationId, Guid userId, CancellationToken ct) =>
        db.TimeEntries.AsNoTracking().FirstOrDefaultAsync(e => e.OrganizationId == organizationId && e.TechnicianId == userId && e.EndedAt == null, ct);

    /// <summary>The shop's time zone: pages show every time in it.</summary>
    public async Task<TimeZoneInfo> ZoneAsync(Guid organizationId, CancellationToken ct) => (await settings.GetAsync(organizationId, ct)).Zone;
}
