using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

public sealed record BoardCard(RepairOrder Order, string Customer, string Vehicle, RepairOrderTotals Totals);

/// <summary>The job board: open repair orders in columns by status, filtered by bay or "mine"; kept live over /hubs/live.</summary>
public sealed class ShopIndexModel(PageOrganization organizations, ShopDbContext db, IVehicleDirectory vehicles, Bookings bookings) : PageModel
{
    public static readonly RepairOrderStatus[] Columns =
        [RepairOrderStatus.Estimate, RepairOrderStatus.Authorised, RepairOrderStatus.InProgress, RepairOrderStatus.Completed, RepairOrderStatus.Invoiced];

    [BindProperty(SupportsGet = true)]
    public Guid? Bay { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    public MeOrganization? Organization { get; private set; }

    public IReadOnlyList<Bay> Bays { get; private set; } = [];

    public IReadOnlyList<BoardCard> Cards { get; private set; } = [];

    public bool Allowed { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.View.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return;
        }
        var org = Organization.Id;
        var me = User.UserId();
        Bays = await bookings.BaysAsync(org, ct);
        var orders = await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).AsSplitQuery()
            .Where(r => r.OrganizationId == org && r.Status < RepairOrderStatus.Paid && (Bay == null || r.BayId == Bay) && (!Mine || r.TechnicianId == me))
            .OrderBy(r => r.Number).Take(300).ToListAsync(ct);
        var names = await db.Customers.AsNoTracking().Where(c => c.OrganizationId == org && orders.Select(o => o.CustomerId).Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var cars = (await vehicles.FindManyAsync(org, orders.Select(o => o.VehicleId).Distinct().ToList(), ct)).ToDictionary(v => v.Id);
        Cards = [.. orders.Select(o => new BoardCard(o, names.GetValueOrDefault(o.CustomerId) ?? "Customer",
            cars.TryGetValue(o.VehicleId, out var v) ? $"{v.Title}{(v.Plate is null ? "" : $" · {v.Plate}")}" : "Vehicle", RepairOrderTotals.Of(o)))];
    }

    public static string Heading(RepairOrderStatus status) => status switch
    {
        RepairOrderStatus.Estimate => "Waiting for approval",
        RepairOrderStatus.Authorised => "Approved, not started",
        RepairOrderStatus.InProgress => "In the workshop",
        RepairOrderStatus.Completed => "Ready to invoice",
        _ => "Waiting for payment",
    };
}
