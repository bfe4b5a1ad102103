using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Orders;

/// <summary>One repair order: jobs with the three Cs and lines, totals, and the next step as one button.</summary>
public sealed class OrderDetailsModel(PageOrganization organizations, RepairOrders.RepairOrders orders, global::Pitlane.Modules.Shop.Customers.Customers customers, IVehicleDirectory vehicles) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public RepairOrder? Order { get; private set; }

    public RepairOrderTotals? Totals { get; private set; }

    public string Customer { get; private set; } = "";

    public string Vehicle { get; private set; } = "";

    public IReadOnlyList<ShopAuditEntry> Audit { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        if (Organization is null || !ShopPermissions.View.Allows(Organization.Role) || await orders.FindAsync(Organization.Id, id, ct) is not { } order)
        {
            return NotFound();
        }
        Order = order;
        Totals = RepairOrderTotals.Of(order);
        Customer = (await customers.FindAsync(Organization.Id, order.CustomerId, ct))?.Name ?? "Customer";
        var vehicle = await vehicles.FindAsync(Organization.Id, order.VehicleId, ct);
        Vehicle = vehicle is null ? "Vehicle" : $"{vehicle.Title} · {vehicle.Vin}{(vehicle.Plate is null ? "" : $" · {vehicle.Plate}")}";
        Audit = (await orders.AuditOfAsync(Organization.Id, RepairOrder.EntityType, id, ct)).TakeLast(30).Reverse().ToList();
        return Page();
    }

    public string Money(long amount) => new Pitlane.Reports.Money(amount, Order!.Currency.ToUpperInvariant()).ToString();

    /// <summary>The one next step for this role, as (label, API path), or null.</summary>
    public (string Label, string Path)? NextStep()
    {
        var role = Organization!.Role;
        var path = $"/api/v1/shop/orders/{Order!.Id}";
        return Order.Status switch
        {
            RepairOrderStatus.Estimate when ShopPermissions.WriteOrders.Allows(role) && Order.Jobs.Any(j => j.Status == JobStatus.Pending) => ("Customer approved all waiting jobs", $"{path}/authorise"),
            RepairOrderStatus.Authorised when ShopPermissions.WorkJobs.Allows(role) => ("Start work", $"{path}/start"),
            RepairOrderStatus.InProgress when ShopPermissions.WorkJobs.Allows(role) => ("Work finished", $"{path}/complete"),
            RepairOrderStatus.Completed when ShopPermissions.TakePayments.Allows(role) => ("Create invoice", $"{path}/invoice"),
            RepairOrderStatus.Paid when ShopPermissions.TakePayments.Allows(role) => ("Close repair order", $"{path}/close"),
            _ => null,
        };
    }
}
