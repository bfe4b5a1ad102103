using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Pitlane.Modules.Accounts;

namespace Pitlane.Modules.Accounts.Pages.Account;

[EnableRateLimiting(AuthEndpoints.RateLimitPolicy)]
public sealed class RegisterModel(UserAccounts accounts, SignInManager<PitlaneUser> signIn) : PageModel
{
    [BindProperty]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    /// <summary>Where to go once signed up (an invitation link), local addresses only.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await accounts.RegisterAsync(Email, Password, DisplayName, ct);
        if (outcome.User is null)
        {
            Errors = outcome.Errors!.SelectMany(e => e.Value).ToList();
            return Page();
        }
        await signIn.SignInAsync(outcome.User, isPersistent: true);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
