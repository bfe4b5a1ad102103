using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles.Pages.Vehicles;

public sealed class VehicleDetailsModel(PageOrganization organizations, VehicleQueries vehicles, VehicleChanges changes) : PageModel
{
    public Vehicle? Vehicle { get; private set; }
    public bool CanDelete { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) is not null ? Page() : NotFound();

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, int? odometerKm, string? plate, string? nickname, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is not { } org)
        {
            return NotFound();
        }
        // The form shows every field: an emptied plate or nickname clears it.
        var outcome = await changes.UpdateAsync(org.Id, id, odometerKm, plate ?? "", nickname ?? "", ct);
        if (outcome is null)
        {
            return NotFound();
        }
        if (outcome.Errors is { } errors)
        {
            Message = string.Join(" ", errors.SelectMany(e => e.Value));
            return Page();
        }
        Vehicle = outcome.Vehicle;
        Message = "Saved.";
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is not { } org)
        {
            return NotFound();
        }
        if (!CanDelete)
        {
            return Forbid();
        }
        await changes.DeleteAsync(org.Id, id, ct);
        return Redirect("/Vehicles");
    }

    private async Task<MeOrganization?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return null;
        }
        Vehicle = await vehicles.FindEntityAsync(org.Id, id, ct);
        CanDelete = VehiclesPermissions.Delete.Allows(org.Role);
        return Vehicle is null ? null : org;
    }
}
