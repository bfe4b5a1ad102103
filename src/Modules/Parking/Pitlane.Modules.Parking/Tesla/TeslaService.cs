using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;

namespace Pitlane.Modules.Parking.Tesla;

/// <summary>
/// A driver's Tesla in a booking: connecting the account (PKCE), listing cars, sending the spot as the navigation
/// destination, and polling the car's location into the geofence with back-off (farther away, asleep, rate limited or
/// failing: polled less often).
/// </summary>
public sealed class TeslaService(ParkingDbContext db, TeslaFleetClient client, TeslaOptions options, IDataProtectionProvider protection, BookingService bookings,
    TimeProvider time, ILogger<TeslaService> logger)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Pitlane.Parking.Tesla.Tokens");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<string> BeginConnectAsync(Guid userId, string redirectUri, CancellationToken ct)
    {
        var account = await db.TeslaAccounts.FirstOrDefaultAsync(a => a.UserId == userId, ct);
        if (account is null)
        {
            account = new TeslaAccount(userId, Now);
            db.TeslaAccounts.Add(account);
        }
        var (verifier, challenge) = TeslaFleetClient.NewPkce();
        var state = TeslaFleetClient.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        account.Begin(state, verifier);
        await db.SaveChangesAsync(ct);
        return client.AuthorizeUrl(state, challenge, redirectUri);
    }

    /// <summary>The redirect back from the authorize page: the state must be the one this person started with.</summary>
    public async Task<string?> CompleteConnectAsync(Guid userId, string? code, string? state, string redirectUri, CancellationToken ct)
    {
        var account = await db.TeslaAccounts.FirstOrDefaultAsync(a => a.UserId == userId, ct);
        if (account?.PendingState is null || code is not { Length: > 0 and <= 512 } || state is null
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(state), System.Text.Encoding.UTF8.GetBytes(account.PendingState)))
        {
            return "The Tesla sign-in did not match one started here; start again.";
        }
        var tokens = await client.ExchangeCodeAsync(code, account.PendingVerifier!, redirectUri, Now, ct);
        if (tokens is null)
        {
            return "Tesla refused the sign-in code.";
        }
        account.Store(_protector.Protect(tokens.AccessToken), _protector.Protect(tokens.RefreshToken), tokens.ExpiresAt, options.ApiBaseUrl, Now);
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<bool> ConnectedAsync(Guid userId, CancellationToken ct) => await db.TeslaAccounts.AnyAsync(a => a.UserId == userId && a.ConnectedAt != null, ct);

    /// <summary>A valid access token, refreshing (and storing the rotated refresh token) when it expires within five minutes.</summary>
    private async Task<(TeslaAccount Account, string Token)?> TokenAsync(Guid userId, CancellationToken ct)
    {
        var account = await db.TeslaAccounts.FirstOrDefaultAsync(a => a.UserId == userId && a.ConnectedAt != null, ct);
        if (account is null)
        {
            return null;
        }
        if (account.ExpiresAt > Now.AddMinutes(5))
        {
            return (account, _protector.Unprotect(account.ProtectedAccessToken!));
        }
        var tokens = await client.RefreshAsync(_protector.Unprotect(account.ProtectedRefreshToken!), Now, ct);
        if (tokens is null)
        {
            return null;
        }
        account.Store(_protector.Protect(tokens.AccessToken), _protector.Protect(tokens.RefreshToken), tokens.ExpiresAt, account.ApiBaseUrl ?? options.ApiBaseUrl, Now);
        await db.SaveChangesAsync(ct);
        return (account, tokens.AccessToken);
    }

    public async Task<TeslaResult<IReadOnlyList<TeslaVehicle>>> VehiclesAsync(Guid userId, CancellationToken ct)
    {
        if (await TokenAsync(userId, ct) is not var (account, token))
        {
            return new(TeslaCallStatus.Unauthorized, null, null, "Connect a Tesla account first.");
        }
        var result = await client.VehiclesAsync(account.ApiBaseUrl ?? options.ApiBaseUrl, token, ct);
        await KeepRegionAsync(account, ct);
        return result;
    }

    /// <summary>Sends the spot to the car (navigation_gps_request) and starts following it for arrival.</summary>
    public async Task<Outcome<BookingView>> FollowAsync(Booking booking, Listing listing, Guid userId, string? vin, CancellationToken ct)
    {
        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.Arrived))
        {
            return Outcome<BookingView>.Refused($"Only a confirmed booking can send the spot to a car; this one is {booking.Status}.");
        }
        var cars = await VehiclesAsync(userId, ct);
        if (cars.Status == TeslaCallStatus.Unauthorized)
        {
            return Outcome<BookingView>.Refused("Connect a Tesla account first.");
        }
        if (cars.Value?.FirstOrDefault(c => c.Vin == vin) is not { } car)
        {
            return new(null, new Dictionary<string, string[]> { ["vin"] = ["vin is one of the connected account's cars."] });
        }
        var (account, token) = (await TokenAsync(userId, ct))!.Value;
        var sent = await client.NavigateAsync(account.ApiBaseUrl ?? options.ApiBaseUrl, token, car.Vin, listing.Latitude, listing.Longitude, ct);
        if (sent.Status == TeslaCallStatus.Asleep)
        {
            // Woken by the client; one more try now that it is awake.
            sent = await client.NavigateAsync(account.ApiBaseUrl ?? options.ApiBaseUrl, token, car.Vin, listing.Latitude, listing.Longitude, ct);
        }
        if (sent.Status != TeslaCallStatus.Ok)
        {
            logger.LogInformation("Tesla navigation for booking {Booking} not sent: {Status} {Error}", booking.Id, sent.Status, sent.Error);
        }
        booking.FollowTesla(car.Vin, Now);
        await db.SaveChangesAsync(ct);
        return new(BookingView.From(booking, listing));
    }

    /// <summary>Polls every followed booking that is due; returns how many were polled.</summary>
    public async Task<int> PollDueAsync(CancellationToken ct)
    {
        var now = Now;
        var soon = now.AddHours(2);
        var late = now.AddHours(-1);
        var due = await db.Bookings.Where(b => b.TeslaVin != null && b.NextPollAt <= now && (b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.Arrived)
            && b.StartsAt <= soon && b.EndsAt >= late).OrderBy(b => b.NextPollAt).Take(50).ToListAsync(ct);
        foreach (var booking in due)
        {
            var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Id == booking.ListingId, ct);
            var baseSeconds = options.PollSeconds;
            if (booking.DriverUserId is not { } user || await TokenAsync(user, ct) is not var (account, token))
            {
                booking.NextPoll(now.AddMinutes(30), failed: true);
                await db.SaveChangesAsync(ct);
                continue;
            }
            var location = await client.LocationAsync(account.ApiBaseUrl ?? options.ApiBaseUrl, token, booking.TeslaVin!, ct);
            await KeepRegionAsync(account, ct);
            switch (location.Status)
            {
                case TeslaCallStatus.Ok:
                    var fix = location.Value!;
                    await bookings.LocateAsync(booking, listing, new LocationRequest(fix.Latitude, fix.Longitude, 10), "tesla", ct);
                    var distance = Geo.DistanceMeters(listing.Latitude, listing.Longitude, fix.Latitude, fix.Longitude);
                    // Back-off by distance: a car 20 km away cannot arrive within the next few seconds.
                    var factor = distance > 5_000 ? 6 : distance > 1_000 ? 2 : 1;
                    booking.NextPoll(now.AddSeconds(baseSeconds * factor), failed: false);
                    break;
                case TeslaCallStatus.Asleep:
                    booking.NextPoll(now.AddSeconds(Math.Max(baseSeconds, 30)), failed: false);
                    break;
                case TeslaCallStatus.RateLimited:
                    booking.NextPoll(now + (location.RetryAfter ?? TimeSpan.FromMinutes(1)), failed: true);
                    break;
                default:
                    booking.NextPoll(now.AddSeconds(Math.Min(1_800, baseSeconds * Math.Pow(2, Math.Min(10, booking.PollFailures + 1)))), failed: true);
                    break;
            }
            await db.SaveChangesAsync(ct);
        }
        return due.Count;
    }

    private async Task KeepRegionAsync(TeslaAccount account, CancellationToken ct)
    {
        if (client.LastRegionBaseUrl is { } region && region != account.ApiBaseUrl)
        {
            account.MoveRegion(region);
            await db.SaveChangesAsync(ct);
        }
    }
}
