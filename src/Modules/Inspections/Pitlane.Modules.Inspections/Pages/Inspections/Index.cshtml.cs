using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Pages.Inspections;

/// <summary>/Inspections: the latest inspections; ?repairOrderId= starts one for that repair order (the RO page links here).</summary>
public sealed class InspectionsIndexModel(PageOrganization organizations, InspectionService inspections) : PageModel
{
    public bool Allowed { get; private set; }
    public bool CanInspect { get; private set; }
    public bool CanEstimate { get; private set; }
    public IReadOnlyList<Inspection> Recent { get; private set; } = [];
    public Guid? RepairOrderId { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? repairOrderId, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return Page();
        }
        Allowed = InspectionsPermissions.View.Allows(org.Role);
        CanInspect = InspectionsPermissions.Inspect.Allows(org.Role);
        CanEstimate = InspectionsPermissions.Estimate.Allows(org.Role);
        RepairOrderId = repairOrderId;
        if (Allowed)
        {
            Recent = await inspections.ListAsync(org.Id, repairOrderId, 0, 50, ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(Guid repairOrderId, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !InspectionsPermissions.Inspect.Allows(org.Role))
        {
            return Forbid();
        }
        var outcome = await inspections.StartAsync(org.Id, repairOrderId, null, null, ct);
        if (outcome.Value is { } started)
        {
            return Redirect($"/Inspections/{started.Id}");
        }
        Error = string.Join(" ", outcome.Errors?.SelectMany(e => e.Value) ?? []);
        return await OnGetAsync(repairOrderId, ct);
    }
}
