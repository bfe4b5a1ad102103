using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>
/// A spot's photo for an &lt;img&gt; on the pages, which cannot send the API's organisation header: read as the page's
/// current organisation (published spots for anyone who may search, an unpublished one only for its host).
/// </summary>
public sealed class ParkingPhotoModel(PageOrganization organizations, ListingService listings) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, Guid mediaId, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !ParkingPermissions.Search.Allows(org.Role)
            || await listings.OpenPhotoAsync(id, mediaId, org.Id, ct) is not var (content, type))
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "private, max-age=3600";
        return File(content, type);
    }
}
