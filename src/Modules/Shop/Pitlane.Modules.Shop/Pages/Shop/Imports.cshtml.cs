using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

/// <summary>
/// Managers bring customers and cars over from another system: a CSV file (checked first, then imported) or the shop's
/// Tekmetric account (credentials kept encrypted, the import runs in the background). The page talks to
/// /api/v1/shop/imports through shop-imports.js; it only decides who may see it.
/// </summary>
public sealed class ShopImportsModel(PageOrganization organizations, ShopPageQueries queries) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    /// <summary>The shop's time zone (IANA id): past imports are shown in it, not in the browser's.</summary>
    public string TimeZone { get; private set; } = "UTC";

    public bool Allowed { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.Import.Allows(Organization?.Role);
        if (Allowed && Organization is not null)
        {
            TimeZone = (await queries.ZoneAsync(Organization.Id, ct)).Id;
        }
    }
}
