using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Marketplace.Cart;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Pages.Marketplace;

/// <summary>The signed-in person's cart in this organisation, grouped by seller, and its checkout (through the API, idempotent).</summary>
public sealed class MarketplaceCartModel(PageOrganization organizations, CartService cart) : PageModel
{
    public CartView? Cart { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !MarketplacePermissions.Buy.Allows(org.Role) || User.UserId() is not { } user)
        {
            return NotFound();
        }
        Cart = await cart.ViewAsync(org.Id, user, ct);
        return Page();
    }
}
