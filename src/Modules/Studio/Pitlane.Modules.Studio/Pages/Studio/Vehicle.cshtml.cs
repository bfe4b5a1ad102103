using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Imaging;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio.Pages.Studio;

/// <summary>One vehicle's listing photos (upload, progress, before/after, backdrop) and its listing text.</summary>
public sealed class StudioVehicleModel(PageOrganization organizations, StudioPhotos photos, StudioContent content, IVehicleDirectory vehicles) : PageModel
{
    public VehicleSummary? Vehicle { get; private set; }

    public bool CanEdit { get; private set; }

    public bool CanApprove { get; private set; }

    public IReadOnlyList<StudioPhoto> Photos { get; private set; } = [];

    public ContentProject? Project { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var organization = await organizations.CurrentAsync(ct);
        if (organization is null || !StudioPermissions.View.Allows(organization.Role) || await vehicles.FindAsync(organization.Id, id, ct) is not { } vehicle)
        {
            return NotFound();
        }

        Vehicle = vehicle;
        CanEdit = StudioPermissions.Edit.Allows(organization.Role);
        CanApprove = StudioPermissions.Approve.Allows(organization.Role);
        Photos = await photos.OfVehicleAsync(organization.Id, id, ct);
        Project = (await content.ListAsync(organization.Id, id, ct)).FirstOrDefault();
        return Page();
    }

    /// <summary>The photo's bytes for the viewer: kind original, cutout, or render (the car on its backdrop).</summary>
    public async Task<IActionResult> OnGetImageAsync(Guid id, Guid photo, string kind, string? size, CancellationToken ct)
    {
        var organization = await organizations.CurrentAsync(ct);
        if (organization is null || !StudioPermissions.View.Allows(organization.Role) || await photos.FindAsync(organization.Id, photo, ct) is not { } found || found.VehicleId != id)
        {
            return NotFound();
        }

        byte[]? bytes = kind switch
        {
            "original" => await photos.BytesAsync(organization.Id, found.OriginalMediaId, ct),
            "cutout" when found.CutoutMediaId is { } cutout => await photos.BytesAsync(organization.Id, cutout, ct),
            "render" when StudioPhotos.ParseSize(size) is { } listing => await photos.RenderAsync(found, listing, OutputFormat.Jpeg, ct),
            _ => null,
        };
        return bytes is null ? NotFound() : File(bytes, kind switch { "cutout" => "image/png", "render" => "image/jpeg", _ => PhotoEndpoints.SniffType(bytes) });
    }
}
