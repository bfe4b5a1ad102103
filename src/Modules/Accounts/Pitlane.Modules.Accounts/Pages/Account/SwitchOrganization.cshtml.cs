using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts.Pages.Account;

[Authorize]
public sealed class SwitchOrganizationModel(PageOrganization organizations) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(Guid organizationId, string? returnUrl, CancellationToken ct)
    {
        var all = await organizations.AllAsync(ct);
        if (all.Any(o => o.Id == organizationId))
        {
            PageOrganization.Choose(Response, organizationId);
        }
        // Detail pages belong to one organisation; land on its list instead.
        var target = Url.IsLocalUrl(returnUrl) && !returnUrl!.StartsWith("/Vehicles/", StringComparison.Ordinal) ? returnUrl : "/";
        return LocalRedirect(target);
    }
}
