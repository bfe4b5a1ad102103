using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Porter;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Orders;

/// <summary>One repair order: jobs with the three Cs and lines, totals, and the next step as one button.</summary>
public sealed class OrderDetailsModel(PageOrganization organizations, RepairOrders.RepairOrders orders, global::Pitlane.Modules.Shop.Customers.Customers customers, IVehicleDirectory vehicles,
    ShopPageQueries queries, CheckInPhotos photos) : PageModel
{
    /// <summary>The user's running clock entry in the shop (on this or another order), or null.</summary>
    public TimeEntry? Running { get; private set; }

    /// <summary>The porter's check-ins and check-outs of this order, oldest first, with their photos' signed paths.</summary>
    public IReadOnlyList<(VehicleCheck Check, IReadOnlyList<string> Photos)> Checks { get; private set; } = [];

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone)
        .ToString("d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture);

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
        Zone = await queries.ZoneAsync(Organization.Id, ct);
        if (ShopPermissions.WorkJobs.Allows(Organization.Role) && User.UserId() is { } user)
        {
            Running = await queries.RunningClockAsync(Organization.Id, user, ct);
        }
        var checks = new List<(VehicleCheck, IReadOnlyList<string>)>();
        foreach (var check in await queries.ChecksOfOrderAsync(Organization.Id, id, ct))
        {
            checks.Add((check, await photos.PathsAsync(Organization.Id, check.PhotoIds, ct)));
        }
        Checks = checks;
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
