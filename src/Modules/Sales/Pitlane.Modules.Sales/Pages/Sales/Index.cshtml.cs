using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Sales.Pages.Sales;

public sealed class SalesIndexModel(PageOrganization organizations, SessionService sessions) : PageModel
{
    public MeOrganization? Organization { get; private set; }
    public bool Allowed { get; private set; }
    public bool CanViewTeam { get; private set; }
    public IReadOnlyList<PracticeSession> Sessions { get; private set; } = [];
    public IReadOnlyList<ProgressPoint> Progress { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = Organization is not null && SalesPermissions.Practice.Allows(Organization.Role);
        if (!Allowed || User.UserId() is not { } me)
        {
            return;
        }
        CanViewTeam = SalesPermissions.ViewTeam.Allows(Organization!.Role);
        Sessions = (await sessions.ListAsync(Organization.Id, me, new PageRequest(1, 50), ct)).Items;
        Progress = await sessions.ProgressAsync(Organization.Id, me, ct);
    }
}
