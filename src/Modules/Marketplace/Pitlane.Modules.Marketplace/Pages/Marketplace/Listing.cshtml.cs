using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Pages.Marketplace;

/// <summary>One listing: photos, fitment, shipping options, the seller's rating, and "add to cart".</summary>
public sealed class MarketplaceListingModel(PageOrganization organizations, ListingService listings, OrderService orders) : PageModel
{
    public ListingView? Listing { get; private set; }
    public SellerRating? Rating { get; private set; }
    public bool CanBuy { get; private set; }
    public bool Own { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !MarketplacePermissions.Browse.Allows(org.Role)
            || await listings.GetAsync(org.Id, id, ct) is not { } listing)
        {
            return NotFound();
        }
        Listing = listing;
        Own = listing.SellerOrganizationId == org.Id;
        CanBuy = !Own && listing.Active && listing.Quantity > 0 && MarketplacePermissions.Buy.Allows(org.Role);
        Rating = await orders.RatingOfAsync(listing.SellerOrganizationId, ct);
        return Page();
    }
}
