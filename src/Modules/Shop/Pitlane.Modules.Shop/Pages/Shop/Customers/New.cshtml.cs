using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Customers;

/// <summary>A new customer at the counter: person or business, how to reach them, their consent to SMS and e-mail, and their car by VIN.</summary>
public sealed class NewCustomerModel(
    PageOrganization organizations, global::Pitlane.Modules.Shop.Customers.Customers customers, CustomerVehicleLinks links, IVehicleDirectory vehicles) : PageModel
{
    [BindProperty]
    public string Kind { get; set; } = "person";

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string PreferredContact { get; set; } = "sms";

    [BindProperty]
    public bool SmsConsent { get; set; }

    [BindProperty]
    public bool EmailConsent { get; set; }

    [BindProperty]
    public string ConsentSource { get; set; } = "Asked at the counter";

    [BindProperty]
    public string? Vin { get; set; }

    /// <summary>?vehicleId=: the car this customer is added for (from a scan's page).</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? VehicleId { get; set; }

    public VehicleSummary? Vehicle { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await AllowedAsync(ct) is { } refused)
        {
            return refused;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await AllowedAsync(ct) is { } refused)
        {
            return refused;
        }
        var org = (await organizations.CurrentAsync(ct))!;
        var user = User.UserId() ?? Guid.Empty;
        if (string.IsNullOrWhiteSpace(ConsentSource) && (SmsConsent || EmailConsent))
        {
            Errors["consentSource"] = ["Say where the customer agreed (for example “signed form at the counter”)."];
        }
        if (!string.IsNullOrWhiteSpace(Vin) && new string(Vin.Where(char.IsLetterOrDigit).ToArray()).Length != 17)
        {
            Errors["vin"] = ["A VIN has 17 letters and digits; leave it empty to add the car later."];
        }
        var check = global::Pitlane.Modules.Shop.Customers.Customers.Validate(new CustomerRequest(Kind, Name, Phone, Email, PreferredContact), creating: true);
        foreach (var (field, messages) in check.Errors)
        {
            Errors[field] = messages;
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var created = (await customers.CreateAsync(org.Id, user, new CustomerRequest(Kind, Name, Phone, Email, PreferredContact), null, ct)).Value!;
        foreach (var (channel, given) in new[] { ("sms", SmsConsent), ("email", EmailConsent) })
        {
            if (given)
            {
                await customers.SetConsentAsync(org.Id, user, created.Id, new ConsentRequest(channel, true, ConsentSource.Trim()), ct);
            }
        }
        if (Vehicle is not null)
        {
            await customers.LinkVehicleAsync(org.Id, user, created.Id, Vehicle.Id, ct);
        }
        if (!string.IsNullOrWhiteSpace(Vin))
        {
            var linked = await links.LinkByVinAsync(org.Id, user, created.Id, Vin, ct);
            if (linked.Value is null)
            {
                // The customer is saved; the car is not: say so on their page, where the VIN can be corrected.
                TempData["ShopVinProblem"] = linked.Conflict ?? string.Join(" ", linked.Errors?.Values.SelectMany(v => v) ?? []);
            }
        }
        return Redirect($"/Shop/Customers/{created.Id}");
    }

    private async Task<IActionResult?> AllowedAsync(CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null)
        {
            return NotFound();
        }
        if (!ShopPermissions.WriteOrders.Allows(org.Role))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (VehicleId is { } id && (Vehicle = await vehicles.FindAsync(org.Id, id, ct)) is null)
        {
            return NotFound();
        }
        return null;
    }

    public string? Error(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
