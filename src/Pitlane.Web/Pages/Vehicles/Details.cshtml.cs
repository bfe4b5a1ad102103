using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Organizations;
using Pitlane.Platform.Persistence;
using Pitlane.Vehicles;

namespace Pitlane.Web.Pages.Vehicles;

public sealed class VehicleDetailsModel(PageOrganization organizations, PitlaneDbContext db, TimeProvider time) : PageModel
{
    public Vehicle? Vehicle { get; private set; }
    public bool CanDelete { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, int? odometerKm, string? plate, string? nickname, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, track: true))
        {
            return NotFound();
        }
        var check = VehicleEndpoints.ValidateDetails(odometerKm, plate, nickname);
        if (!check.IsValid)
        {
            Message = string.Join(" ", check.Errors.SelectMany(e => e.Value));
            return Page();
        }
        if (odometerKm is { } km && !Vehicle!.TryRecordOdometer(km))
        {
            Message = $"The odometer cannot go back: the last reading is {Vehicle.OdometerKm} km.";
            return Page();
        }
        Vehicle!.ChangePlate(plate);
        Vehicle.Rename(nickname);
        Vehicle.Touch(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        Message = "Saved.";
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, track: true))
        {
            return NotFound();
        }
        if (!CanDelete)
        {
            return Forbid();
        }
        db.Vehicles.Remove(Vehicle!);
        await db.SaveChangesAsync(ct);
        return Redirect("/Vehicles");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, bool track = false)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return false;
        }
        var query = track ? db.Vehicles : db.Vehicles.AsNoTracking();
        Vehicle = await query.FirstOrDefaultAsync(v => v.Id == id && v.OrganizationId == org.Id, ct);
        CanDelete = org.Role is OrganizationRole.Owner or OrganizationRole.Manager or OrganizationRole.ServiceAdvisor;
        return Vehicle is not null;
    }
}
