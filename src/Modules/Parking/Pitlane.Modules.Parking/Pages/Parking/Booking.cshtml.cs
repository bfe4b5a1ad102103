using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Telemetry.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>One booking with its live status, for the driver (check in, share location, check out) and the host.</summary>
public sealed class ParkingBookingModel(PageOrganization organizations, BookingService bookings, IVehicleSearch vehicles, ITelemetryHistory telemetry) : PageModel
{
    public BookingView? Booking { get; private set; }
    public bool IsDriver { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ListingId { get; private set; }
    public IReadOnlyList<Guid> Photos { get; private set; } = [];

    /// <summary>
    /// The driver's own vehicles, any of which can report its position for check-in (a Pitlane telemetry device in it):
    /// those whose device has sent a position first.
    /// </summary>
    public IReadOnlyList<VehicleSummary> Vehicles { get; private set; } = [];

    /// <summary>The vehicles among <see cref="Vehicles"/> whose device has sent a position.</summary>
    public IReadOnlySet<Guid> Tracked { get; private set; } = new HashSet<Guid>();

    public bool CanDispute { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !ParkingPermissions.ViewBookings.Allows(org.Role)
            || await bookings.FindAsync(org.Id, id, ct) is not var (booking, listing))
        {
            return NotFound();
        }
        OrganizationId = org.Id;
        IsDriver = booking.DriverOrganizationId == org.Id;
        ListingId = listing.Id;
        Photos = [.. listing.Photos.OrderBy(p => p.Position).Select(p => p.MediaId)];
        Booking = IsDriver ? BookingView.From(booking, listing) : BookingView.From(booking, listing).ForHost();
        CanDispute = booking.CannotDispute() is null;
        if (IsDriver && booking.Status is BookingStatus.Confirmed or BookingStatus.Arrived)
        {
            var mine = await vehicles.SearchAsync(org.Id, null, 50, ct);
            Tracked = await telemetry.ReportingAsync([.. mine.Select(v => v.Id)], VehicleFollow.LatitudePid, ct);
            Vehicles = [.. mine.OrderByDescending(v => Tracked.Contains(v.Id))];
        }
        return Page();
    }
}
