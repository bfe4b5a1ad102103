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

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return Forbid();
        }
        var outcome = await registration.RegisterAsync(org.Id, new CreateVehicleRequest(Vin, OdometerKm, Plate, Nickname), ct);
        if (outcome.Vehicle is { } vehicle)
        {
            return Redirect($"/Vehicles/Details/{vehicle.Id}");
        }
        Errors = outcome.Errors?.SelectMany(e => e.Value).ToList() ?? [outcome.Conflict!];
        return Page();
    }
}
