using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio.Pages.Studio;

/// <summary>The studio's start: the vehicles with listing photos, and a VIN box to start a new one.</summary>
public sealed class StudioIndexModel(PageOrganization organizations, StudioPhotos photos, IVehicleDirectory vehicles) : PageModel
{
    public bool Allowed { get; private set; }

    public bool CanEdit { get; private set; }

    public IReadOnlyList<(VehicleSummary Vehicle, int Photos, int Ready)> Vehicles { get; private set; } = [];

    [BindProperty]
    public string? Vin { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var organization = await LoadAsync(ct);
        if (!CanEdit || organization is null)
        {
            return Forbid();
        }

        var vin = Vin?.Trim().ToUpperInvariant() ?? "";
        if (await vehicles.FindByVinAsync(organization.Id, vin, ct) is { } vehicle)
        {
            return RedirectToPage("/Studio/Vehicle", new { id = vehicle.Id });
        }

        Error = vin.Length == 17 ? "No vehicle with this VIN yet: add it on the Vehicles page first." : "Enter the 17-character VIN.";
        return Page();
    }

    private async Task<MeOrganization?> LoadAsync(CancellationToken ct)
    {
        var organization = await organizations.CurrentAsync(ct);
        Allowed = organization is not null && StudioPermissions.View.Allows(organization.Role);
        CanEdit = organization is not null && StudioPermissions.Edit.Allows(organization.Role);
        if (!Allowed)
        {
            return organization;
        }

        var rows = await photos.VehiclesAsync(organization!.Id, ct);
        var found = (await vehicles.FindManyAsync(organization.Id, rows.Select(r => r.VehicleId).ToList(), ct)).ToDictionary(v => v.Id);
        Vehicles = rows.Where(r => found.ContainsKey(r.VehicleId)).Select(r => (found[r.VehicleId], r.Photos, r.Ready)).ToList();
        return organization;
    }
}
