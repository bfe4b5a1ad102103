using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Sales.Pages.Sales;

public sealed class TeamModel(PageOrganization organizations, SessionService sessions) : PageModel
{
    public IReadOnlyList<TeamMemberSummary> Members { get; private set; } = [];
    public IReadOnlyList<PracticeSession> Recent { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null || !SalesPermissions.ViewTeam.Allows(org.Role))
        {
            return NotFound();
        }
        Members = await sessions.TeamAsync(org.Id, ct);
        Recent = (await sessions.ListAsync(org.Id, null, new PageRequest(1, 30), ct)).Items;
        return Page();
    }
}
