using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Customers;

/// <summary>One customer: how to reach them and their consents, their cars (add one by VIN), their repair orders.</summary>
public sealed class CustomerDetailsModel(
    PageOrganization organizations, global::Pitlane.Modules.Shop.Customers.Customers customers, CustomerVehicleLinks links, ShopPageQueries queries) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public Customer? Customer { get; private set; }

    public IReadOnlyList<VehicleSummary> Vehicles { get; private set; } = [];

    public IReadOnlyList<RepairOrder> Orders { get; private set; } = [];

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    [BindProperty]
    public string? Vin { get; set; }

    public string? VinProblem { get; private set; }

    public bool CanWrite => ShopPermissions.WriteOrders.Allows(Organization?.Role);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        VinProblem = TempData["ShopVinProblem"] as string;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostVehicleAsync(Guid id, CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        if (Organization is null || !ShopPermissions.View.Allows(Organization.Role))
        {
            return NotFound();
        }
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var linked = await links.LinkByVinAsync(Organization.Id, User.UserId() ?? Guid.Empty, id, Vin, ct);
        if (linked.NotFound)
        {
            return NotFound();
        }
        if (linked.Value is not null)
        {
            return Redirect($"/Shop/Customers/{id}");
        }
        VinProblem = linked.Conflict ?? string.Join(" ", linked.Errors?.Values.SelectMany(v => v) ?? []);
        Response.StatusCode = linked.Conflict is null ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        await LoadAsync(id, ct);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Organization ??= await organizations.CurrentAsync(ct);
        if (Organization is null || !ShopPermissions.View.Allows(Organization.Role) || await customers.FindAsync(Organization.Id, id, ct) is not { } customer)
        {
            return false;
        }
        Customer = customer;
        Vehicles = await customers.VehiclesOfAsync(Organization.Id, id, ct);
        Orders = await queries.OrdersOfCustomerAsync(Organization.Id, id, ct);
        Zone = await queries.ZoneAsync(Organization.Id, ct);
        return true;
    }

    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("d MMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Consent(bool given, DateTime? at, string? source, Func<DateTime, string> local) =>
        at is null ? "not asked yet" : $"{(given ? "yes" : "no")}, {local(at.Value)} ({source})";
}
