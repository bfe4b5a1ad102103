using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>Parking: find a free spot on a map, your bookings, and (for hosts) your spots.</summary>
public sealed class ParkingIndexModel(PageOrganization organizations, SpotSearch search, ListingService listings, BookingService bookings, TimeProvider time, ParkingOptions options) : PageModel
{
    [BindProperty(SupportsGet = true)] public double? Lat { get; set; }
    [BindProperty(SupportsGet = true)] public double? Lon { get; set; }
    [BindProperty(SupportsGet = true)] public double Radius { get; set; } = 2_000;
    [BindProperty(SupportsGet = true)] public DateTime? From { get; set; }
    [BindProperty(SupportsGet = true)] public int Hours { get; set; } = 2;

    /// <summary>The zone "From" is typed in (IANA id): the browser's, filled in by the page's script; UTC without one.</summary>
    [BindProperty(SupportsGet = true)] public string? Tz { get; set; }

    /// <summary>Whether "From" was left to its default (the next full hour), so the script may move it to the browser's zone.</summary>
    public bool DefaultFrom { get; private set; }

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>The searched window's start as an instant.</summary>
    public DateTimeOffset? FromUtc { get; private set; }

    public Guid OrganizationId { get; private set; }
    public bool IsHost { get; private set; }
    public bool IsOperator { get; private set; }
    public IReadOnlyList<SpotHit> Spots { get; private set; } = [];
    public IReadOnlyList<Listing> MySpots { get; private set; } = [];
    public IReadOnlyList<BookingView> MyBookings { get; private set; } = [];
    public string? Error { get; private set; }
    public bool Searched { get; private set; }

    public ParkingOptions Map => options;

    public async Task OnGetAsync(CancellationToken ct)
    {
        MapTiles.AllowIn(Response, options);
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return;
        }
        OrganizationId = org.Id;
        IsHost = ParkingPermissions.Host.Allows(org.Role);
        IsOperator = options.IsOperator(org.Id) && ParkingPermissions.Operate.Allows(org.Role);
        if (IsHost)
        {
            MySpots = (await listings.ListOwnAsync(org.Id, new PageRequest(1, 100), ct)).Items;
        }
        if (ParkingPermissions.ViewBookings.Allows(org.Role))
        {
            MyBookings = (await bookings.ListAsync(org.Id, null, new PageRequest(1, 20), ct)).Items;
        }
        var zone = ParkingTime.Find(Tz ?? "UTC");
        Zone = zone ?? TimeZoneInfo.Utc;
        if (From is null)
        {
            DefaultFrom = true;
            var local = ParkingTime.ToLocal(time.GetUtcNow().UtcDateTime, Zone);
            From = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified).AddHours(1);
        }
        if (zone is not null)
        {
            FromUtc = ParkingTime.ToUtc(From.Value, Zone);
        }
        if (Lat is null || Lon is null)
        {
            return;
        }
        Searched = true;
        if (zone is null)
        {
            Error = "Unknown time zone; choose one such as Europe/Berlin.";
            return;
        }
        if (Lat is < -90 or > 90 || Lon is < -180 or > 180 || Radius is <= 0 or > SpotSearch.MaxRadiusMeters || Hours is < 1 or > 24 * 31)
        {
            Error = "Check the place (latitude −90…90, longitude −180…180), a radius up to 50 km and 1 hour to 31 days.";
            return;
        }
        var from = FromUtc!.Value.UtcDateTime;
        var query = new SpotQuery(Lat, Lon, Radius, null, from, from.AddHours(Hours), null, null, "distance");
        Spots = (await search.SearchAsync(query, new PageRequest(1, 50), ct)).Items;
    }
}
