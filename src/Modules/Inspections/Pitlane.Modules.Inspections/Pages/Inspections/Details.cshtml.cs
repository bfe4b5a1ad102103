using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Pages.Inspections;

/// <summary>/Inspections/{id}: the technician's phone checklist, and the advisor's narration and approval link.</summary>
public sealed class InspectionDetailsModel(PageOrganization organizations, InspectionService inspections, IMediaStore media) : PageModel
{
    public InspectionResponse? Inspection { get; private set; }
    public bool CanInspect { get; private set; }
    public bool CanSend { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !InspectionsPermissions.View.Allows(org.Role))
        {
            return NotFound();
        }
        if (await inspections.FindAsync(org.Id, id, ct) is not { } found)
        {
            return NotFound();
        }
        Inspection = ResponseMapping.Inspection(media, found);
        CanInspect = InspectionsPermissions.Inspect.Allows(org.Role);
        CanSend = InspectionsPermissions.Send.Allows(org.Role);
        return Page();
    }

    public static string Active(string? rating, string value) => rating == value ? "active" : "";
}
