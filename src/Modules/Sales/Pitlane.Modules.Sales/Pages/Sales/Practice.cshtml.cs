using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Sales.Pages.Sales;

public sealed class PracticeModel(PageOrganization organizations, SessionService sessions) : PageModel
{
    public PracticeSession? Session { get; private set; }
    public IReadOnlyList<FeedbackEvent> Feedback { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null || !SalesPermissions.Practice.Allows(org.Role) || User.UserId() is not { } me)
        {
            return NotFound();
        }
        Session = await sessions.FindOwnAsync(org.Id, me, id, ct);
        if (Session is null)
        {
            return NotFound();
        }
        if (Session.State == SessionState.Completed)
        {
            return Redirect($"/Sales/Report/{id}");
        }
        Feedback = await sessions.FeedbackAsync(id, ct);
        return Page();
    }

    public static string Prompt(PracticeSession s) => s.Kind switch
    {
        PracticeKind.Pitch => $"Present {s.VehicleTitle ?? "the car"} to the customer: what it is, why it suits them, what it costs to run.",
        PracticeKind.Objection => $"The customer pushes back{(s.ObjectionScript is null ? "" : $": “{s.ObjectionScript}”")}. Acknowledge it, answer it, move on.",
        _ => $"Ask for the sale{(s.VehicleTitle is null ? "" : $" of {s.VehicleTitle}")}: sum up, propose the next step, then stop talking.",
    };
}
