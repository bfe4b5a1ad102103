using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>
/// The parking platform's own staff (owners and managers of Pitlane:Parking:OperatorOrganizationId): reported problems
/// to settle with a refund, and every host's spots to suspend or reinstate. Anyone else gets 404.
/// </summary>
public sealed class ParkingOperatorModel(PageOrganization organizations, ParkingOptions options, BookingService bookings, ListingService listings) : PageModel
{
    public ListPage<BookingView>? Disputes { get; private set; }
    public ListPage<Listing>? Spots { get; private set; }

    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !options.IsOperator(org.Id) || !ParkingPermissions.Operate.Allows(org.Role))
        {
            return NotFound();
        }
        Disputes = await bookings.ListDisputedAsync(new PageRequest(1, 100), ct);
        Spots = await listings.ListAllAsync(null, new PageRequest(Math.Max(1, PageNumber), 50), ct);
        return Page();
    }
}
