using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Sales.Reports;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Sales.Pages.Sales;

public sealed class ReportModel(PageOrganization organizations, SessionService sessions) : PageModel
{
    public PracticeSession? Session { get; private set; }
    public SessionReport? Report { get; private set; }
    public IReadOnlyList<FeedbackEvent> Feedback { get; private set; } = [];
    public IReadOnlyList<ProgressPoint> Progress { get; private set; } = [];
    public bool Own { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null || !SalesPermissions.Practice.Allows(org.Role) || User.UserId() is not { } me)
        {
            return NotFound();
        }
        Session = await sessions.FindAsync(org.Id, me, SalesPermissions.ViewTeam.Allows(org.Role), id, ct);
        if (Session is null)
        {
            return NotFound();
        }
        if (Session.State != SessionState.Completed)
        {
            return Redirect($"/Sales/Practice/{id}");
        }
        Own = Session.SalespersonId == me;
        Report = SessionReport.FromJson(Session.ReportJson);
        Feedback = await sessions.FeedbackAsync(id, ct);
        Progress = await sessions.ProgressAsync(org.Id, Session.SalespersonId, ct);
        return Page();
    }
}
