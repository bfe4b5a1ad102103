using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Vehicles;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles.Pages.Vehicles;

public sealed class AddVehicleModel(PageOrganization organizations, VehicleRegistration registration) : PageModel
{
    [BindProperty]
    public string Vin { get; set; } = "";

    [BindProperty]
    public int? OdometerKm { get; set; }

    [BindProperty]
    public string? Plate { get; set; }

    [BindProperty]
    public string? Nickname { get; set; }

    /// <summary>The Owner's reason for keeping a VIN that fails its check digit (offered only after such a refusal).</summary>
    [BindProperty]
    public string? OverrideReason { get; set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The VIN was refused for its check digit and this user may keep it anyway with a reason.</summary>
    public bool OfferOverride { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return Forbid();
        }
        if (User.UserId() is not { } userId)
        {
            return Forbid();
        }
        var mayOverride = VehiclesPermissions.OverrideCheckDigit.Allows(org.Role);
        var outcome = await registration.RegisterAsync(org.Id, new CreateVehicleRequest(Vin, OdometerKm, Plate, Nickname, OverrideReason),
            new Registrant(userId, mayOverride), ct);
        if (outcome.Vehicle is { } vehicle)
        {
            return Redirect($"/Vehicles/Details/{vehicle.Id}");
        }
        Errors = outcome.Errors?.SelectMany(e => e.Value).ToList() ?? [outcome.Conflict ?? outcome.Forbidden!];
        OfferOverride = mayOverride && outcome.Errors is { } errors
            && (errors.ContainsKey("checkDigitOverrideReason")
                || (errors.TryGetValue("vin", out var vin) && vin.Any(m => m.StartsWith(VehicleRegistration.CheckDigitMessageStart, StringComparison.Ordinal))));
        return Page();
    }
}
