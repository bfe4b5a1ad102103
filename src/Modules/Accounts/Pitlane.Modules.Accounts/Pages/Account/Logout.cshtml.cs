using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Accounts;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts.Pages.Account;

public sealed class LogoutModel(SignInManager<PitlaneUser> signIn, UserManager<PitlaneUser> users, AccountsDbContext db, TimeProvider time) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            // A new security stamp invalidates this user's other cookie sessions at their next validation; the event,
            // saved with it by the user store, closes their live connections on every instance.
            db.AddOutboxEvent(new SessionRevoked(user.Id, SessionId: null) { OccurredAt = time.GetUtcNow() });
            await users.UpdateSecurityStampAsync(user);
        }
        await signIn.SignOutAsync();
        Response.Cookies.Delete(PageOrganization.Cookie);
        return RedirectToPage();
    }
}
