using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

/// <summary>The workshop floor's touch terminal (1080p landscape): each bay, today's bookings, book / start / finish.</summary>
public sealed class FloorModel(PageOrganization organizations, Bookings bookings, TimeProvider time) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public IReadOnlyList<(Bay Bay, IReadOnlyList<BayBooking> Today)> Bays { get; private set; } = [];

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.BookBays.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return;
        }
        Now = time.GetUtcNow().UtcDateTime;
        var all = await bookings.BookingsAsync(Organization.Id, null, Now.Date, Now.Date.AddDays(2), ct);
        Bays = [.. (await bookings.BaysAsync(Organization.Id, ct)).Select(b => (b, (IReadOnlyList<BayBooking>)all.Where(x => x.BayId == b.Id).ToList()))];
    }

    /// <summary>
    /// Where a quick booking starts: from now (rounded up to 5 minutes) or the bay's next opening, after every live
    /// the first half hour free of live bookings.
    /// </summary>
    public static DateTime NextFree(Bay bay, IEnumerable<BayBooking> today, DateTime now)
    {
        var rounded = new DateTime(now.Ticks - now.Ticks % TimeSpan.FromMinutes(5).Ticks, DateTimeKind.Utc).AddMinutes(5);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(bay.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(rounded, zone);
        var minute = (int)local.TimeOfDay.TotalMinutes;
        var start = minute < bay.OpensAtMinute ? local.Date.AddMinutes(bay.OpensAtMinute)
            : minute + 30 > bay.ClosesAtMinute ? local.Date.AddDays(1).AddMinutes(bay.OpensAtMinute) : local;
        var from = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), zone);
        // The first half-hour gap: step past each live booking that would overlap it.
        foreach (var b in today.Where(b => b.Status is BookingStatus.Booked or BookingStatus.InProgress).OrderBy(b => b.StartsAt))
        {
            if (b.StartsAt < from.AddMinutes(30) && b.EndsAt > from)
            {
                from = b.EndsAt;
            }
        }
        return from;
    }

    public static string Capabilities(Bay bay) => string.Join(" · ", new[] { bay.HasLift ? "lift" : null, bay.HasAlignment ? "alignment" : null, bay.HasEvCharger ? "EV charger" : null }
        .Where(c => c is not null)) is { Length: > 0 } text ? text : "no lift";
}
