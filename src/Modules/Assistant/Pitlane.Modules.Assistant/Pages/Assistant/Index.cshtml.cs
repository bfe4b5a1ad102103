using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Assistant.Pages.Assistant;

public sealed class IndexModel(PageOrganization organizations, AssistantPageData data) : PageModel
{
    public IReadOnlyList<VehicleSummary> Vehicles { get; private set; } = [];

    public bool ModelConfigured { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null || !AssistantPermissions.Use.Allows(org.Role))
        {
            return NotFound();
        }
        Vehicles = await data.VehiclesAsync(org.Id, ct);
        ModelConfigured = data.ModelConfigured;
        return Page();
    }
}
