using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;
using Pitlane.Modules.Parking.Tesla;
using Pitlane.Modules.Telemetry.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;

namespace Pitlane.Modules.Parking.Bookings;

/// <param name="VehicleId">One of the driver organisation's vehicles with a telemetry device; null stops following.</param>
public sealed record FollowVehicleRequest(Guid? VehicleId);

/// <summary>
/// Arrival from a Pitlane telemetry device: the driver picks one of their organisation's vehicles for a booking, and
/// the device's newest position (the named signals gps.lat and gps.lon, sent like any telemetry) is fed into the same
/// geofence as the phone and the Tesla. A reading is used once; a stale one (older than <see cref="MaxFixAge"/>) or a
/// half one (latitude and longitude more than <see cref="MaxFixSkew"/> apart) is not used at all.
/// </summary>
public sealed class VehicleFollow(ParkingDbContext db, IVehicleDirectory vehicles, ITelemetryHistory telemetry, BookingService bookings, ParkingOptions options,
    TimeProvider time)
{
    public const string Source = "device";
    public const string LatitudePid = "gps.lat";
    public const string LongitudePid = "gps.lon";
    public static readonly TimeSpan MaxFixAge = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxFixSkew = TimeSpan.FromSeconds(10);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>How often a followed vehicle's latest position is read while it is near the spot.</summary>
    private TimeSpan Interval => TimeSpan.FromSeconds(options.DevicePollSeconds);

    public async Task<Outcome<BookingView>> FollowAsync(Booking booking, Listing listing, FollowVehicleRequest request, CancellationToken ct)
    {
        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.Arrived))
        {
            return Outcome<BookingView>.Refused($"Only a confirmed booking can follow a vehicle; this one is {booking.Status}.");
        }
        if (request.VehicleId is not { } vehicleId)
        {
            if (booking.FollowedVehicleId is not null)
            {
                booking.StopFollowing(Now);
                await db.SaveChangesAsync(ct);
            }
            return new(BookingView.From(booking, listing));
        }
        if (!await vehicles.BelongsToAsync(vehicleId, booking.DriverOrganizationId, ct))
        {
            return new(null, new Dictionary<string, string[]> { ["vehicleId"] = ["vehicleId is one of your organisation's vehicles."] });
        }
        booking.FollowVehicle(vehicleId, Now);
        await db.SaveChangesAsync(ct);
        return new(BookingView.From(booking, listing));
    }

    /// <summary>Reads the position of every followed vehicle that is due; returns how many bookings were looked at.</summary>
    public async Task<int> PollDueAsync(CancellationToken ct)
    {
        var now = Now;
        var due = await Booking.DueForPoll(db.Bookings.Where(b => b.FollowedVehicleId != null), now).Take(200).Select(b => b.Id).ToListAsync(ct);
        foreach (var id in due)
        {
            // One booking at a time on a clean context: a claim conflict inside LocateAsync clears the tracker.
            db.ChangeTracker.Clear();
            if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == id, ct) is not { FollowedVehicleId: { } vehicleId } booking)
            {
                continue;
            }
            var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Id == booking.ListingId, ct);
            var fix = Fix(await telemetry.ReadLatestAsync(vehicleId, ct), now);
            if (fix is null || fix.Value.At <= booking.VehicleFixAt)
            {
                booking.NextPoll(now + Interval, failed: false);
                await db.SaveChangesAsync(ct);
                continue;
            }
            var (lat, lon, at) = fix.Value;
            var distance = Geo.DistanceMeters(listing.Latitude, listing.Longitude, lat, lon);
            // A car 20 km away cannot arrive within seconds: read it less often.
            booking.NextPoll(now + Interval * (distance > 5_000 ? 6 : distance > 1_000 ? 2 : 1), failed: false);
            booking.UsedVehicleFix(at);
            try
            {
                await bookings.LocateAsync(booking, listing, new LocationRequest(lat, lon, null), Source, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A payment step holds the booking just now: the same reading is tried again next round.
            }
        }
        db.ChangeTracker.Clear();
        return due.Count;
    }

    /// <summary>The newest usable position among a vehicle's latest values, or null.</summary>
    internal static (double Latitude, double Longitude, DateTime At)? Fix(IReadOnlyList<LatestValue> latest, DateTime now)
    {
        LatestValue? lat = null, lon = null;
        foreach (var value in latest)
        {
            if (value.Pid == LatitudePid)
            {
                lat = value;
            }
            else if (value.Pid == LongitudePid)
            {
                lon = value;
            }
        }
        if (lat is not { } a || lon is not { } b || (a.T - b.T).Duration() > MaxFixSkew
            || a.Value is < -90 or > 90 || b.Value is < -180 or > 180 || double.IsNaN(a.Value) || double.IsNaN(b.Value))
        {
            return null;
        }
        var at = a.T > b.T ? a.T : b.T;
        // Too old, or stamped in the future by a device with a wrong clock (a minute of drift is tolerated).
        return now - at > MaxFixAge || at - now > TimeSpan.FromMinutes(1) ? null : (a.Value, b.Value, at);
    }
}
