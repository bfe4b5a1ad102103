using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Orders;

/// <summary>Opening a repair order at the counter: find the customer, pick the car, write the concern, read the odometer.</summary>
public sealed class NewOrderModel(PageOrganization organizations, global::Pitlane.Modules.Shop.Customers.Customers customers, RepairOrders.RepairOrders orders)
    : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? CustomerId { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? VehicleId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty]
    public string? Concern { get; set; }

    [BindProperty]
    public int? OdometerKm { get; set; }

    public Customer? Customer { get; private set; }

    public IReadOnlyList<VehicleSummary> Vehicles { get; private set; } = [];

    public IReadOnlyList<Customer> Found { get; private set; } = [];

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }
        var org = (await organizations.CurrentAsync(ct))!;
        if (Customer is null)
        {
            Errors["customerId"] = ["Find and choose the customer first."];
        }
        if (VehicleId is null || Vehicles.All(v => v.Id != VehicleId))
        {
            Errors["vehicleId"] = ["Choose the car."];
        }
        if (Concern is { Length: > RepairOrders.RepairOrders.MaxText })
        {
            Errors["concern"] = [$"Keep the concern under {RepairOrders.RepairOrders.MaxText} characters."];
        }
        if (OdometerKm is < 0 or > 5_000_000)
        {
            Errors["odometerKm"] = ["The odometer reads between 0 and 5,000,000 km."];
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var user = User.UserId() ?? Guid.Empty;
        var opened = await orders.OpenAsync(org.Id, user, Customer!.Id, VehicleId, OdometerKm, ct);
        if (opened.Value is not { } order)
        {
            Errors = opened.Errors ?? new() { ["customerId"] = [opened.Conflict ?? "The repair order could not be opened."] };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!string.IsNullOrWhiteSpace(Concern))
        {
            var concern = Concern.Trim();
            var firstLine = concern.Split('\n')[0].Trim();
            var title = firstLine.Length <= 80 ? firstLine : firstLine[..79] + "…";
            await orders.AddJobAsync(org.Id, order.Id, new NewShopJob(title, concern, null, [], [], "counter"), user, ct);
        }
        return Redirect($"/Shop/Orders/{order.Id}");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null || !ShopPermissions.View.Allows(org.Role))
        {
            return NotFound();
        }
        if (!ShopPermissions.WriteOrders.Allows(org.Role))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (CustomerId is { } id)
        {
            Customer = await customers.FindAsync(org.Id, id, ct);
            if (Customer is null)
            {
                return NotFound();
            }
            Vehicles = await customers.VehiclesOfAsync(org.Id, id, ct);
            if (VehicleId is null && Vehicles.Count == 1)
            {
                VehicleId = Vehicles[0].Id;
            }
            OdometerKm ??= Vehicles.FirstOrDefault(v => v.Id == VehicleId)?.OdometerKm;
        }
        else if (Q?.Trim() is { Length: > 0 } q)
        {
            Q = q.Length > global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength ? q[..global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength] : q;
            Found = (await customers.SearchAsync(org.Id, Q, new PageRequest(1, 20), ct)).Items;
        }
        return null;
    }

    public string? Error(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
