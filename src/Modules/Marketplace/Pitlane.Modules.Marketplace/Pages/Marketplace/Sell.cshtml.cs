using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Sellers;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Pages.Marketplace;

/// <summary>A seller lists a part or edits one of their own listings; the form saves through the listings API.</summary>
public sealed class MarketplaceSellModel(PageOrganization organizations, ListingService listings) : PageModel
{
    /// <summary>Rows of the fitment and shipping tables drawn for a new listing (an edit adds one empty row to its own).</summary>
    public const int BlankFitmentRows = 3;
    public const int BlankShippingRows = 2;

    public ListingView? Listing { get; private set; }
    public SellerTerms? Terms { get; private set; }
    public bool Allowed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Allowed = MarketplacePermissions.Sell.Allows(org.Role);
        if (!Allowed)
        {
            return Page();
        }
        Terms = await listings.TermsAsync(org.Id, ct);
        if (id is { } listingId)
        {
            if (await listings.GetAsync(org.Id, listingId, ct) is not { } listing || listing.SellerOrganizationId != org.Id)
            {
                return NotFound();
            }
            Listing = listing;
        }
        return Page();
    }

    public static string Amount(long minor) => (minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
