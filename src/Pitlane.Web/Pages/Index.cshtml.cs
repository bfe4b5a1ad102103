using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Web.Pages;

/// <summary>The signed-in home page: the current organisation, the caller's role and each module's dashboard card.</summary>
public sealed class IndexModel(PageOrganization organizations) : PageModel
{
    public MeOrganization? Organization { get; private set; }
    public string OrganizationName => Organization?.Name ?? "";
    public string Role => Organization?.Role.ToString() ?? "";

    public async Task OnGetAsync(CancellationToken ct) => Organization = await organizations.CurrentAsync(ct);
}
