using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Accounts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts.Pages.Account;

/// <summary>
/// The page an invitation link opens: who invites to what, then sign in or sign up (returning here), then join. A link
/// that cannot be used says why with its status code (404 not valid, 410 expired, withdrawn or used), never a 500.
/// </summary>
[AllowAnonymous]
public sealed class InvitationModel(Invitations invitations) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public InvitationAnswer Answer { get; private set; } = new(InvitationOutcome.Invalid, "");

    public bool SignedIn => User.UserId() is not null;

    public string ReturnUrl => Uri.EscapeDataString($"/Invite/{Token}");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Answer = await invitations.CheckAsync(Token, User.UserId(), ct);
        Response.StatusCode = StatusOf(Answer.Outcome);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.UserId() is not { } userId)
        {
            return Redirect($"/Account/Login?ReturnUrl={ReturnUrl}");
        }
        Answer = await invitations.AcceptAsync(Token, userId, ct);
        if (Answer.Outcome == InvitationOutcome.Joined)
        {
            PageOrganization.Choose(Response, Answer.OrganizationId);
            return Redirect("/");
        }
        Response.StatusCode = StatusOf(Answer.Outcome);
        return Page();
    }

    private static int StatusOf(InvitationOutcome outcome) => outcome switch
    {
        InvitationOutcome.Invalid => StatusCodes.Status404NotFound,
        InvitationOutcome.Used or InvitationOutcome.Revoked or InvitationOutcome.Expired => StatusCodes.Status410Gone,
        InvitationOutcome.WrongAccount => StatusCodes.Status403Forbidden,
        InvitationOutcome.AlreadyMember => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status200OK,
    };
}
