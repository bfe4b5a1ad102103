using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Parking;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Parking;

/// <summary>
/// Issue 16 over HTTP on SQLite and PostgreSQL: hosts list driveways, drivers find only free spots (checked against a
/// full scan of 10,000 random listings), book them without double booking under concurrency, pay through a Payments
/// hold captured on completion, cancel under the listing's policy, arrive by geofence once; privacy export and erasure.
/// </summary>
public abstract class ParkingTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private static DateTimeOffset Hour(int hoursFromNow) =>
        new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, TimeSpan.Zero).AddHours(hoursFromNow);

    /// <summary>A start a few minutes ahead: bookable, and close enough that check-in (15 minutes before) is already open.</summary>
    private static DateTimeOffset Soon()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(5);
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
    }

    private async Task<(HttpClient Host, Guid Org)> HostAsync()
    {
        RequireServer();
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return (App.BearerClient((await App.TokensAsync("owner@demo.pitlane.test")).AccessToken, shop), shop);
    }

    private static object Spot(double lat = 52.52, double lon = 13.405, string policy = "moderate", long hourly = 300) => new
    {
        title = "Driveway near the station", address = "Invalidenstraße 1, Berlin", latitude = lat, longitude = lon, timeZone = "Europe/Berlin",
        maxLengthCm = 520, maxHeightCm = 210, covered = true, evCharger = true, gated = false, accessInstructions = "Gate code 4711, park on the left.",
        houseRules = "No engine idling.", hourlyRate = hourly, dailyCap = 2_000, monthlyRate = 15_000, minimumMinutes = 60, currency = "usd",
        cancellationPolicy = policy, geofenceMeters = 40, availability = new[] { new { day = "daily", from = "00:00", to = "24:00" } },
    };

    private static async Task<JsonElement> PublishedSpotAsync(HttpClient host, object? spot = null)
    {
        var listing = await Json(await host.PostAsJsonAsync("/api/v1/parking/listings", spot ?? Spot(), Ct), HttpStatusCode.Created);
        return await PostAsync(host, $"/api/v1/parking/listings/{Id(listing)}/publish", null);
    }

    private static HttpRequestMessage BookRequest(Guid listing, DateTimeOffset start, DateTimeOffset end, string? key = null, string card = "pm_card_visa")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/parking/bookings")
        {
            Content = JsonContent.Create(new { listingId = listing, startsAt = start, endsAt = end, paymentMethod = card, vehiclePlate = "B-PL 123", vehicleLengthCm = 470, vehicleHeightCm = 150 }),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return request;
    }

    [Fact]
    public async Task Given_host_listing_Then_access_instructions_only_for_a_confirmed_booking_and_wrong_org_404_wrong_role_403()
    {
        var (host, shop) = await HostAsync();
        var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: shop);
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/parking/listings", Spot(), Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await host.PostAsJsonAsync("/api/v1/parking/listings", new { title = "x", latitude = 91, hourlyRate = -1 }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await host.PostAsJsonAsync("/api/v1/parking/listings", new { title = "x", availability = new[] { new { day = "funday", from = "9", to = "8" } } }, Ct), HttpStatusCode.BadRequest);

        var draft = await Json(await host.PostAsJsonAsync("/api/v1/parking/listings", Spot() , Ct), HttpStatusCode.Created);
        Assert.False(draft.GetProperty("published").GetBoolean());
        var (driver, _) = await App.NewUserAsync("Driver");
        await ProblemAsync(await driver.GetAsync($"/api/v1/parking/spots/{Id(draft)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await driver.GetAsync($"/api/v1/parking/listings/{Id(draft)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/listings/{Id(draft)}/publish", new { }, Ct), HttpStatusCode.NotFound);

        var listing = await PostAsync(host, $"/api/v1/parking/listings/{Id(draft)}/publish", null);
        var publicView = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/spots/{Id(listing)}", Ct);
        Assert.Equal(JsonValueKind.Null, publicView.GetProperty("accessInstructions").ValueKind);

        var quote = await PostAsync(driver, "/api/v1/parking/bookings/quote", new { listingId = Id(listing), startsAt = Hour(30), endsAt = Hour(33) });
        Assert.Equal(900, quote.GetProperty("subtotal").GetInt64());
        Assert.Equal(90, quote.GetProperty("serviceFee").GetInt64());
        Assert.Equal(990, quote.GetProperty("total").GetInt64());

        var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), Hour(30), Hour(33)), Ct), HttpStatusCode.Created);
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.Equal("Gate code 4711, park on the left.", booking.GetProperty("accessInstructions").GetString());
        await ProblemAsync(await tech.GetAsync($"/api/v1/parking/bookings/{Id(booking)}", Ct), HttpStatusCode.Forbidden);
        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/parking/bookings/{Id(booking)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/cancel", new { }, Ct), HttpStatusCode.NotFound);
        var hostView = await host.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(booking)}", Ct);
        Assert.Equal("confirmed", hostView.GetProperty("status").GetString());
        await ProblemAsync(await host.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/no-show", new { }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/no-show", new { }, Ct), HttpStatusCode.Forbidden);

        var ics = await host.GetStringAsync($"/api/v1/parking/listings/{Id(listing)}/calendar.ics", Ct);
        Assert.Contains("BEGIN:VCALENDAR", ics, StringComparison.Ordinal);
        Assert.Contains($"{Id(booking):N}@parking.pitlane", ics, StringComparison.Ordinal);

        var unpublished = await PostAsync(host, $"/api/v1/parking/listings/{Id(listing)}/unpublish", null);
        Assert.False(unpublished.GetProperty("published").GetBoolean());
        await ProblemAsync(await driver.SendAsync(BookRequest(Id(listing), Hour(40), Hour(42)), Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_spot_photos_Then_stored_in_media_shown_in_search_wrong_org_404_non_image_415()
    {
        var (host, _) = await HostAsync();
        var draft = await Json(await host.PostAsJsonAsync("/api/v1/parking/listings", Spot(lat: 47.37, lon: 8.54), Ct), HttpStatusCode.Created);
        var png = Media.MediaTests.Png();
        var added = await host.PostAsync($"/api/v1/parking/listings/{Id(draft)}/photos?name=drive.png", new ByteArrayContent(png), Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var photoPath = added.Headers.Location!.OriginalString;
        var withPhoto = await added.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var photoId = withPhoto.GetProperty("photos")[0].GetGuid();
        Assert.EndsWith($"/photos/{photoId}", photoPath, StringComparison.Ordinal);
        await ProblemAsync(await host.PostAsync($"/api/v1/parking/listings/{Id(draft)}/photos", new StringContent("just some text, not a picture"), Ct), HttpStatusCode.UnsupportedMediaType);

        var (driver, _) = await App.NewUserAsync("PhotoViewer");
        await ProblemAsync(await driver.PostAsync($"/api/v1/parking/listings/{Id(draft)}/photos", new ByteArrayContent(png), Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await driver.DeleteAsync($"/api/v1/parking/listings/{Id(draft)}/photos/{photoId}", Ct), HttpStatusCode.NotFound);
        // Not published yet: only the host sees it.
        await ProblemAsync(await driver.GetAsync(photoPath, Ct), HttpStatusCode.NotFound);
        Assert.Equal(png, await host.GetByteArrayAsync(photoPath, Ct));
        // The media id of another organisation's file through this spot is not found either.
        await ProblemAsync(await host.GetAsync($"/api/v1/parking/spots/{Id(draft)}/photos/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);

        await PostAsync(host, $"/api/v1/parking/listings/{Id(draft)}/publish", null);
        var window = $"from={Uri.EscapeDataString(Hour(50).ToString("O"))}&to={Uri.EscapeDataString(Hour(52).ToString("O"))}";
        var found = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/search?lat=47.37&lon=8.54&radius=200&{window}", Ct);
        var hit = found.GetProperty("items").EnumerateArray().Single(i => Id(i) == Id(draft));
        Assert.Equal(photoPath, hit.GetProperty("photoUrl").GetString());
        var response = await driver.GetAsync(photoPath, Ct);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(Ct));

        var removed = await Json(await host.DeleteAsync($"/api/v1/parking/listings/{Id(draft)}/photos/{photoId}", Ct), HttpStatusCode.OK);
        Assert.Equal(0, removed.GetProperty("photos").GetArrayLength());
        await ProblemAsync(await driver.GetAsync(photoPath, Ct), HttpStatusCode.NotFound);
        var after = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/search?lat=47.37&lon=8.54&radius=200&{window}", Ct);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("items").EnumerateArray().Single(i => Id(i) == Id(draft)).GetProperty("photoUrl").ValueKind);
    }

    [Fact]
    public async Task Given_malformed_search_Then_400_problem_and_out_of_hours_booking_409()
    {
        var (host, _) = await HostAsync();
        var (driver, _) = await App.NewUserAsync("Driver");
        await ProblemAsync(await driver.GetAsync("/api/v1/parking/search", Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await driver.GetAsync("/api/v1/parking/search?lat=100&lon=0&radius=5&from=x", Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await driver.GetAsync($"/api/v1/parking/search?lat=52&lon=13&radius=999999&from={Uri.EscapeDataString(Hour(1).ToString("O"))}&to={Uri.EscapeDataString(Hour(2).ToString("O"))}", Ct), HttpStatusCode.BadRequest);
        var weekdaysOnly = await PublishedSpotAsync(host, new
        {
            title = "Office bay", address = "Somewhere 2", latitude = 48.1, longitude = 11.5, timeZone = "Europe/Berlin", maxLengthCm = 500, maxHeightCm = 200,
            hourlyRate = 200, availability = new[] { new { day = "monday", from = "08:00", to = "09:00" } },
        });
        await ProblemAsync(await driver.SendAsync(BookRequest(Id(weekdaysOnly), Hour(24 * 8), Hour(24 * 8 + 3)), Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await driver.SendAsync(BookRequest(Id(weekdaysOnly), Hour(3), Hour(2)), Ct), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_host_changes_weekly_openings_Then_search_follows_at_once_and_a_wrong_role_cannot_change_them()
    {
        var (host, shop) = await HostAsync();
        var (driver, _) = await App.NewUserAsync("Commuter");
        // A place no other test uses; a Tuesday 10:00-12:00 and the Monday before, 08:00-09:00 (UTC spot).
        var (lat, lon) = (61.4978, 23.761);
        var today = DateTime.UtcNow.Date;
        var tuesday = today.AddDays(((int)DayOfWeek.Tuesday - (int)today.DayOfWeek + 7) % 7 + 7);
        object Spot(params object[] availability) => new
        {
            title = "Courtyard bay", address = "Hämeenkatu 1, Tampere", latitude = lat, longitude = lon, timeZone = "UTC", maxLengthCm = 500, maxHeightCm = 200,
            hourlyRate = 250, minimumMinutes = 60, availability,
        };
        async Task<bool> FoundAsync(Guid id, DateTime from, DateTime to)
        {
            var found = await driver.GetFromJsonAsync<JsonElement>(
                $"/api/v1/parking/search?lat={lat}&lon={lon}&radius=300&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", Ct);
            return found.GetProperty("items").EnumerateArray().Any(i => Id(i) == id);
        }

        var listing = Id(await PublishedSpotAsync(host, Spot(new { day = "daily", from = "00:00", to = "24:00" })));
        Assert.True(await FoundAsync(listing, tuesday.AddHours(10), tuesday.AddHours(12)));

        var mondayOnly = await host.PutAsJsonAsync($"/api/v1/parking/listings/{listing}", Spot(new { day = "monday", from = "08:00", to = "09:00" }), Ct);
        Assert.Equal(HttpStatusCode.OK, mondayOnly.StatusCode);
        Assert.False(await FoundAsync(listing, tuesday.AddHours(10), tuesday.AddHours(12)));
        Assert.True(await FoundAsync(listing, tuesday.AddHours(-16), tuesday.AddHours(-15)));
        Assert.False(await FoundAsync(listing, tuesday.AddHours(-16), tuesday.AddHours(-14)));

        // Two openings that meet (Monday evening into Tuesday morning) cover a window across midnight.
        var overnight = await host.PutAsJsonAsync($"/api/v1/parking/listings/{listing}",
            Spot(new { day = "tuesday", from = "00:00", to = "07:00" }, new { day = "monday", from = "18:00", to = "24:00" }), Ct);
        Assert.Equal(HttpStatusCode.OK, overnight.StatusCode);
        Assert.True(await FoundAsync(listing, tuesday.AddHours(-4), tuesday.AddHours(6)));
        Assert.False(await FoundAsync(listing, tuesday.AddHours(-16), tuesday.AddHours(-15)));

        // A technician of the shop may not change a spot's openings: 403 and search still answers as before.
        var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: shop);
        await ProblemAsync(await tech.PutAsJsonAsync($"/api/v1/parking/listings/{listing}", Spot(new { day = "daily", from = "00:00", to = "24:00" }), Ct), HttpStatusCode.Forbidden);
        Assert.False(await FoundAsync(listing, tuesday.AddHours(10), tuesday.AddHours(12)));
    }

    [Fact]
    public async Task Given_10000_random_listings_Then_search_returns_exactly_the_brute_force_free_spots_in_radius_and_bounds()
    {
        RequireServer();
        var random = new Random(16);
        // Whole seconds: PostgreSQL keeps microseconds; sub-microsecond instants would compare differently in SQL and in memory.
        var now = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var hostOrg = Guid.NewGuid();
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParkingDbContext>();
            var all = new List<Listing>();
            for (var i = 0; i < 10_000; i++)
            {
                var details = new ListingDetails($"Spot {i}", $"Street {i}", 40 + random.NextDouble() * 0.5, -74.2 + random.NextDouble() * 0.5,
                    random.Next(3) == 0 ? "America/New_York" : "UTC", random.Next(350, 700), random.Next(150, 300), random.Next(2) == 0, random.Next(4) == 0, false,
                    "code", null, new SpotPrices(random.Next(100, 900), random.Next(2) == 0 ? null : 3_000, null, random.Next(2) == 0 ? 60 : 240), "usd",
                    CancellationPolicy.Flexible, 40);
                var listing = Listing.Create(hostOrg, details, now);
                var day = (DayOfWeek)random.Next(7);
                listing.ReplaceRules(random.Next(4) == 0
                    ? [new AvailabilityRule(day, 8 * 60, 18 * 60)]
                    : Enum.GetValues<DayOfWeek>().Select(d => new AvailabilityRule(d, 0, 1440)), now);
                if (random.Next(10) == 0)
                {
                    listing.AddException(new AvailabilityException(now.AddHours(random.Next(0, 72)), now.AddHours(random.Next(72, 100)), "works"), now);
                }
                listing.Publish(random.Next(10) != 0, now);
                all.Add(listing);
            }
            db.Listings.AddRange(all);
            await db.SaveChangesAsync(Ct);
            // Busy spots: holding bookings written straight to the store (the API's own path is tested below).
            var quote = new Quote(100, 10, 0, 110, "usd", 0, 0, 1, "hourly");
            foreach (var listing in all.Where((_, i) => i % 7 == 0))
            {
                var start = now.AddHours(random.Next(0, 96));
                var booking = Modules.Parking.Bookings.Booking.Hold(listing.Id, hostOrg, Guid.NewGuid(), Guid.NewGuid(), start, start.AddHours(random.Next(1, 30)), quote, "flexible", null, null, null, now);
                if (random.Next(3) != 0)
                {
                    booking.Confirm(Guid.NewGuid(), now);
                }
                else
                {
                    booking.Cancel(0, 0, now);
                }
                db.Bookings.Add(booking);
            }
            await db.SaveChangesAsync(Ct);
        }

        var (driver, _) = await App.NewUserAsync("Searcher");
        for (var q = 0; q < 12; q++)
        {
            var from = new DateTimeOffset(now.AddHours(random.Next(1, 80)).AddMinutes(-now.Minute));
            var to = from.AddHours(random.Next(1, 30));
            var lat = 40 + random.NextDouble() * 0.5;
            var lon = -74.2 + random.NextDouble() * 0.5;
            var radius = random.Next(500, 3_000);
            int? length = random.Next(2) == 0 ? 480 : null;
            var sort = q % 2 == 0 ? "distance" : "price";
            GeoBox? bounds = q % 4 == 3 ? new GeoBox(lat - 0.02, lon - 0.03, lat + 0.02, lon + 0.03) : null;
            var query = new SpotQuery(bounds is null ? lat : null, bounds is null ? lon : null, bounds is null ? radius : null, bounds, from.UtcDateTime, to.UtcDateTime, length, null, sort);
            List<SpotHit> expected;
            using (var scope = App.Services.CreateScope())
            {
                expected = await scope.ServiceProvider.GetRequiredService<SpotSearch>().FullScanAsync(query, Ct);
            }
            var where = bounds is { } b ? $"minLat={b.MinLatitude}&minLon={b.MinLongitude}&maxLat={b.MaxLatitude}&maxLon={b.MaxLongitude}" : $"lat={lat}&lon={lon}&radius={radius}";
            var url = $"/api/v1/parking/search?{where}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&sort={sort}&pageSize=200"
                + (length is { } l ? $"&lengthCm={l}" : "");
            var got = new List<Guid>();
            for (var page = 1; ; page++)
            {
                var found = await driver.GetFromJsonAsync<JsonElement>($"{url}&page={page}", Ct);
                got.AddRange(found.GetProperty("items").EnumerateArray().Select(Id));
                if (got.Count >= found.GetProperty("total").GetInt32())
                {
                    break;
                }
            }
            Assert.True(expected.Count > 0, $"query {q} should find something");
            Assert.Equal(expected.Select(h => h.Listing.Id), got);
        }
    }

    [Fact]
    public async Task Given_50_concurrent_bookings_of_one_spot_and_window_Then_one_confirmed_the_rest_409_and_one_payment_captured()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host);
        var (driver, _) = await App.NewUserAsync("Racer");
        var hostBefore = await BalanceAsync(host, "payee_payable");
        var start = Soon();
        var end = start.AddHours(2);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var request = BookRequest(Id(listing), start, end);
            var response = await driver.SendAsync(request, Ct);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
        }));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var booking = JsonDocument.Parse(responses.Single(r => r.StatusCode == HttpStatusCode.Created).Body).RootElement.Clone();
        var all = await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/bookings?role=driver", Ct);
        Assert.Equal(1, all.GetProperty("total").GetInt32());

        // An idempotent retry answers the same booking, not a 409.
        var intents = await driver.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents?pageSize=200", Ct);
        Assert.Single(intents.GetProperty("items").EnumerateArray());

        var arrived = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/arrive", null);
        Assert.Equal("arrived", arrived.GetProperty("status").GetString());
        var completed = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/complete", null);
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        var intent = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{booking.GetProperty("paymentIntentId").GetGuid()}", Ct);
        Assert.Equal("succeeded", Status(intent));
        Assert.Equal(booking.GetProperty("total").GetInt64(), intent.GetProperty("amountReceived").GetInt64());
        // The host's payable grows by the spot price (the fee and tax are the platform's); credit balances read negative.
        Assert.Equal(hostBefore - booking.GetProperty("subtotal").GetInt64(), await BalanceAsync(host, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();

        var reviewed = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/review", new { rating = 5, comment = "Easy to find." });
        Assert.Equal(5, reviewed.GetProperty("rating").GetInt32());
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/review", new { rating = 4 }, Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_moderate_policy_When_driver_cancels_early_or_late_Then_refund_per_policy_and_the_ledger_balances()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host);
        var (driver, _) = await App.NewUserAsync("Canceller");
        var hostBefore = await BalanceAsync(host, "payee_payable");

        var early = await Json(await driver.SendAsync(BookRequest(Id(listing), Hour(72), Hour(75)), Ct), HttpStatusCode.Created);
        var cancelledEarly = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(early)}/cancel", null);
        Assert.Equal("cancelled", cancelledEarly.GetProperty("status").GetString());
        Assert.Equal(early.GetProperty("total").GetInt64(), cancelledEarly.GetProperty("refunded").GetInt64());
        var earlyIntent = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{early.GetProperty("paymentIntentId").GetGuid()}", Ct);
        Assert.Equal("canceled", Status(earlyIntent));
        Assert.Equal(0, earlyIntent.GetProperty("amountReceived").GetInt64());

        var late = await Json(await driver.SendAsync(BookRequest(Id(listing), Hour(3), Hour(7)), Ct), HttpStatusCode.Created);
        var total = late.GetProperty("total").GetInt64();
        var cancelledLate = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(late)}/cancel", null);
        Assert.Equal(total - total / 2, cancelledLate.GetProperty("captured").GetInt64());
        Assert.Equal(total / 2, cancelledLate.GetProperty("refunded").GetInt64());
        var lateIntent = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{late.GetProperty("paymentIntentId").GetGuid()}", Ct);
        Assert.Equal(total - total / 2, lateIntent.GetProperty("amountReceived").GetInt64());
        var kept = total - total / 2 - late.GetProperty("serviceFee").GetInt64() - late.GetProperty("tax").GetInt64();
        Assert.Equal(hostBefore - kept, await BalanceAsync(host, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(late)}/cancel", new { }, Ct), HttpStatusCode.Conflict);

        // The freed window can be booked again; a declined card is a 402 and frees it again.
        await ProblemAsync(await driver.SendAsync(BookRequest(Id(listing), Hour(3), Hour(7), card: "pm_card_chargeDeclined"), Ct), HttpStatusCode.PaymentRequired);
        var again = await Json(await driver.SendAsync(BookRequest(Id(listing), Hour(3), Hour(7)), Ct), HttpStatusCode.Created);
        Assert.Equal("confirmed", again.GetProperty("status").GetString());
        var extended = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(again)}/extend", new { endsAt = Hour(9), paymentMethod = "pm_card_visa" });
        Assert.Equal(Hour(9).UtcDateTime, extended.GetProperty("endsAt").GetDateTime().ToUniversalTime());
        Assert.True(extended.GetProperty("total").GetInt64() > again.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Given_concurrent_cancel_check_in_and_complete_of_one_booking_Then_only_200_or_409_and_the_payment_matches_the_status()
    {
        var (host, _) = await HostAsync();
        var (driver, _) = await App.NewUserAsync("Racer");
        var outcomes = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            // A spot per round, each starting in a few minutes, so check-in is open.
            var listing = await PublishedSpotAsync(host, Spot(lat: 52.45 + round * 0.01, lon: 13.3));
            var start = Soon();
            var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), start, start.AddHours(3)), Ct), HttpStatusCode.Created);
            var url = $"/api/v1/parking/bookings/{Id(booking)}";
            if (round > 0)
            {
                // Later rounds start arrived, so cancel (refused once arrived) races complete directly.
                await PostAsync(driver, $"{url}/arrive", null);
            }
            // Two cancels (a double click), check-in and two completes, all at once.
            string[] actions = ["cancel", "cancel", "arrive", "complete", "complete"];
            var responses = await Task.WhenAll(actions.Select(a => driver.PostAsJsonAsync($"{url}/{a}", new { }, Ct)));
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{r.RequestMessage!.RequestUri}: {(int)r.StatusCode}"));
            foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            {
                Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
            }
            var final = await driver.GetFromJsonAsync<JsonElement>(url, Ct);
            var intent = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{booking.GetProperty("paymentIntentId").GetGuid()}", Ct);
            var status = final.GetProperty("status").GetString()!;
            outcomes.Add(status);
            var bodies = await Task.WhenAll(responses.Select(async r => $"{r.RequestMessage!.RequestUri!.AbsolutePath.Split('/')[^1]} {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Ct)}"));
            var story = $"round {round}: {status}, captured {final.GetProperty("captured").GetInt64()}, intent {Status(intent)} {intent.GetProperty("amountReceived").GetInt64()}\n{string.Join("\n", bodies)}";
            // Whatever won, the money agrees with it: exactly what the booking says was captured, nothing settled twice.
            Assert.True(final.GetProperty("captured").GetInt64() == intent.GetProperty("amountReceived").GetInt64(), story);
            switch (status)
            {
                case "cancelled":
                    Assert.True(final.GetProperty("captured").GetInt64() + final.GetProperty("refunded").GetInt64() == booking.GetProperty("total").GetInt64());
                    break;
                case "completed":
                    Assert.Equal(booking.GetProperty("total").GetInt64(), intent.GetProperty("amountReceived").GetInt64());
                    break;
                case "arrived":
                    Assert.Equal("requires_capture", Status(intent));
                    break;
                default:
                    Assert.Fail($"Unexpected status {status} after the race.");
                    break;
            }
            Assert.Equal(responses.Count(r => r.StatusCode == HttpStatusCode.OK && r.RequestMessage!.RequestUri!.AbsolutePath.EndsWith("/cancel", StringComparison.Ordinal)),
                status == "cancelled" ? 1 : 0);
        }
        Assert.Contains(outcomes.Skip(1), o => o == "completed");
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_phone_locations_When_entering_the_geofence_twice_Then_arrived_exactly_once()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host, Spot(lat: 52.5, lon: 13.4));
        var (driver, _) = await App.NewUserAsync("Arriver");
        var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), Soon(), Soon().AddHours(3)), Ct), HttpStatusCode.Created);
        var far = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/location", new { latitude = 52.51, longitude = 13.4, accuracyMeters = 10 });
        Assert.Equal("confirmed", far.GetProperty("status").GetString());
        var vague = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/location", new { latitude = 52.5, longitude = 13.4, accuracyMeters = 900 });
        Assert.Equal("confirmed", vague.GetProperty("status").GetString());
        var inside = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/location", new { latitude = 52.50005, longitude = 13.40005, accuracyMeters = 8 });
        Assert.Equal("arrived", inside.GetProperty("status").GetString());
        var again = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/location", new { latitude = 52.5, longitude = 13.4, accuracyMeters = 5 });
        // PostgreSQL keeps microseconds: compare to the millisecond.
        Assert.Equal(inside.GetProperty("arrivedAt").GetDateTime().Ticks / 10_000, again.GetProperty("arrivedAt").GetDateTime().Ticks / 10_000);
        Assert.Equal("arrived", again.GetProperty("status").GetString());
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/location", new { latitude = "north" }, Ct), HttpStatusCode.BadRequest);

        var export = await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/me/export", Ct);
        Assert.Equal(4, export.GetProperty("locationSamples").GetArrayLength());
        Assert.Equal("B-PL 123", export.GetProperty("bookings")[0].GetProperty("vehiclePlate").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await driver.PostAsJsonAsync("/api/v1/parking/me/consents", new { purpose = "location_sharing", granted = true }, Ct)).StatusCode);
        await ProblemAsync(await driver.PostAsJsonAsync("/api/v1/parking/me/consents", new { purpose = "selling_data", granted = true }, Ct), HttpStatusCode.BadRequest);
        var erased = await Json(await driver.DeleteAsync("/api/v1/parking/me", Ct), HttpStatusCode.OK);
        Assert.Equal(4, erased.GetProperty("locationSamplesDeleted").GetInt32());
        var after = await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/me/export", Ct);
        Assert.Equal(0, after.GetProperty("bookings").GetArrayLength());
        // The booking and its money stay for the books, without the person.
        var kept = await host.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(booking)}", Ct);
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("vehiclePlate").ValueKind);
        Assert.Equal(booking.GetProperty("total").GetInt64(), kept.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Given_simulated_Tesla_driving_to_the_spot_Then_the_booking_turns_arrived_exactly_once()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host, Spot(lat: 52.52, lon: 13.40));
        var (driver, _) = await App.NewUserAsync("TeslaDriver");
        await ProblemAsync(await driver.PostAsJsonAsync("/api/v1/parking/tesla/connect", new { redirectUri = "https://evil.example/steal" }, Ct), HttpStatusCode.BadRequest);

        // OAuth with PKCE against the simulator: the authorize URL carries an S256 challenge; the callback needs the state.
        var connect = await PostAsync(driver, "/api/v1/parking/tesla/connect", new { redirectUri = "/Parking/Tesla" });
        var authorize = connect.GetProperty("authorizeUrl").GetString()!;
        Assert.Contains("code_challenge_method=S256", authorize, StringComparison.Ordinal);
        Assert.Contains("scope=openid%20offline_access%20user_data%20vehicle_device_data%20vehicle_location%20vehicle_cmds", authorize, StringComparison.Ordinal);
        var redirect = await driver.GetAsync(authorize, Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://localhost"), redirect.Headers.Location!).Query);
        await ProblemAsync(await driver.PostAsJsonAsync("/api/v1/parking/tesla/callback", new { code = query["code"], state = "forged", redirectUri = "/Parking/Tesla" }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await driver.PostAsJsonAsync("/api/v1/parking/tesla/callback", new { code = query["code"], state = query["state"], redirectUri = "/Parking/Tesla" }, Ct)).StatusCode);

        var simulator = App.Services.GetRequiredService<Modules.Parking.Tesla.TeslaCloudSimulator>();
        // 421 on the first call: the client asks users/region and retries there.
        simulator.FailNext((HttpStatusCode)421);
        var cars = await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/tesla/vehicles", Ct);
        var vin = cars[0].GetProperty("vin").GetString()!;
        simulator.FailNext(HttpStatusCode.TooManyRequests);
        await ProblemAsync(await driver.GetAsync("/api/v1/parking/tesla/vehicles", Ct), HttpStatusCode.TooManyRequests);

        var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), Soon(), Soon().AddHours(2)), Ct), HttpStatusCode.Created);
        Assert.True(simulator.ParkByVin(vin, 52.526, 13.40)); // about 670 m north of the spot, asleep
        simulator.MetersPerSecond = 400;
        App.Services.GetRequiredService<Modules.Parking.Tesla.TeslaOptions>().PollSeconds = 1;
        var followed = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/tesla", new { vin });
        Assert.Equal("confirmed", followed.GetProperty("status").GetString());

        DateTime? arrivedAt = null;
        for (var i = 0; i < 40; i++)
        {
            using (var scope = App.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<Modules.Parking.Tesla.TeslaService>().PollDueAsync(Ct);
            }
            var now = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(booking)}", Ct);
            if (now.GetProperty("status").GetString() == "arrived")
            {
                arrivedAt ??= now.GetProperty("arrivedAt").GetDateTime();
                Assert.Equal("tesla", now.GetProperty("arrivalSource").GetString());
                Assert.Equal(arrivedAt.Value.Ticks / 10_000, now.GetProperty("arrivedAt").GetDateTime().Ticks / 10_000);
            }
            await Task.Delay(300, Ct);
        }
        Assert.NotNull(arrivedAt);
        var export = await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/me/export", Ct);
        Assert.Contains(export.GetProperty("locationSamples").EnumerateArray(), s => s.GetProperty("source").GetString() == "tesla");
    }

    [Fact]
    public async Task Given_booking_without_a_card_Then_spot_held_until_paid_on_the_processors_page_and_an_unpaid_hold_is_let_go()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host, Spot(lat: 50.94, lon: 6.96));
        var (driver, _) = await App.NewUserAsync("CheckoutDriver");
        var (rival, _) = await App.NewUserAsync("CheckoutRival");
        HttpRequestMessage Unpaid(DateTimeOffset start, DateTimeOffset end)
        {
            var request = BookRequest(Id(listing), start, end);
            request.Content = JsonContent.Create(new { listingId = Id(listing), startsAt = start, endsAt = end });
            return request;
        }

        var held = await Json(await driver.SendAsync(Unpaid(Hour(50), Hour(52)), Ct), HttpStatusCode.Created);
        Assert.Equal("pending_payment", held.GetProperty("status").GetString());
        var intent = held.GetProperty("paymentIntentId").GetGuid();
        Assert.Equal($"/Payments/Pay/{intent}?then=/Parking/Booking/{Id(held)}", held.GetProperty("payUrl").GetString());
        Assert.Equal(JsonValueKind.Null, held.GetProperty("accessInstructions").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await host.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(held)}", Ct)).GetProperty("payUrl").ValueKind);
        // Held: nobody else gets the window meanwhile.
        await ProblemAsync(await rival.SendAsync(BookRequest(Id(listing), Hour(51), Hour(53)), Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await driver.SendAsync(BookRequest(Id(listing), Hour(60), Hour(61), card: "card_visa"), Ct), HttpStatusCode.BadRequest);

        // The driver pays on the processor's page; the confirm with a test card stands in for it here. The payment's
        // status change reaches Parking through the outbox and confirms the booking without anyone asking.
        await PostAsync(driver, $"/api/v1/payments/intents/{intent}/confirm", new { paymentMethod = "pm_card_visa" });
        var paid = held;
        for (var wait = 0; wait < 100 && paid.GetProperty("status").GetString() != "confirmed"; wait++)
        {
            await Task.Delay(200, Ct);
            paid = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(held)}", Ct);
        }
        Assert.Equal("confirmed", paid.GetProperty("status").GetString());
        Assert.Equal("Gate code 4711, park on the left.", paid.GetProperty("accessInstructions").GetString());
        Assert.Equal(JsonValueKind.Null, paid.GetProperty("payUrl").ValueKind);
        Assert.Equal("requires_capture", (await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{intent}", Ct)).GetProperty("status").GetString());

        // A hold nobody pays for is let go after the hold time (zero here): the payment is cancelled, the window free again.
        var abandoned = await Json(await driver.SendAsync(Unpaid(Hour(70), Hour(72)), Ct), HttpStatusCode.Created);
        var options = App.Services.GetRequiredService<ParkingOptions>();
        try
        {
            options.UnpaidHoldMinutes = 0;
            using (var scope = App.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<Modules.Parking.Bookings.BookingService>().ExpireUnpaidAsync(Ct);
            }
        }
        finally
        {
            options.UnpaidHoldMinutes = 15;
        }
        var let = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(abandoned)}", Ct);
        Assert.Equal("payment_failed", let.GetProperty("status").GetString());
        Assert.Equal("canceled", (await driver.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{let.GetProperty("paymentIntentId").GetGuid()}", Ct)).GetProperty("status").GetString());
        Assert.Equal("confirmed", (await Json(await rival.SendAsync(BookRequest(Id(listing), Hour(70), Hour(72)), Ct), HttpStatusCode.Created)).GetProperty("status").GetString());
        Assert.Equal("confirmed", (await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(held)}", Ct)).GetProperty("status").GetString());
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_a_telemetry_device_in_the_drivers_car_When_it_reports_positions_Then_fresh_ones_inside_the_geofence_mark_arrived_once()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host, Spot(lat: 48.137, lon: 11.575));
        var (driver, _) = await App.NewUserAsync("DeviceDriver");
        var vehicleId = Id(await Json(await driver.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" }, Ct), HttpStatusCode.Created));
        var key = (await Json(await driver.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dongle" }, Ct), HttpStatusCode.Created)).GetProperty("key").GetString()!;
        var (other, _) = await App.NewUserAsync("OtherOwner");
        var othersVehicle = Id(await Json(await other.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" }, Ct), HttpStatusCode.Created));
        var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), Soon(), Soon().AddHours(2)), Ct), HttpStatusCode.Created);
        var path = $"/api/v1/parking/bookings/{Id(booking)}";

        // Only the driver, only with a vehicle of their own organisation; the host never learns which car.
        await ProblemAsync(await driver.PostAsJsonAsync($"{path}/vehicle", new { vehicleId = othersVehicle }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await host.PostAsJsonAsync($"{path}/vehicle", new { vehicleId }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await other.PostAsJsonAsync($"{path}/vehicle", new { vehicleId = othersVehicle }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await driver.PostAsJsonAsync($"{path}/vehicle", new { vehicleId = "not-a-guid" }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(JsonValueKind.Null, (await driver.GetFromJsonAsync<JsonElement>(path, Ct)).GetProperty("followedVehicleId").ValueKind);
        var followed = await PostAsync(driver, $"{path}/vehicle", new { vehicleId });
        Assert.Equal(vehicleId, followed.GetProperty("followedVehicleId").GetGuid());
        Assert.Equal(JsonValueKind.Null, (await host.GetFromJsonAsync<JsonElement>(path, Ct)).GetProperty("followedVehicleId").ValueKind);

        App.Services.GetRequiredService<ParkingOptions>().DevicePollSeconds = 1;
        var http = App.CreateClient();
        async Task ReportAsync(DateTime t, double lat, double lon)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
            {
                Content = JsonContent.Create(new
                {
                    batchId = Guid.NewGuid().ToString("N"),
                    samples = new[] { new { t = t.ToString("O"), pid = "gps.lat", value = lat }, new { t = t.ToString("O"), pid = "gps.lon", value = lon } },
                }),
            };
            request.Headers.Add("X-Device-Key", key);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
        }
        async Task<JsonElement> PollAsync()
        {
            // The interval is one second here; the app's own worker polls too, which must not change the outcome.
            await Task.Delay(1_100, Ct);
            using (var scope = App.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<Modules.Parking.Bookings.VehicleFollow>().PollDueAsync(Ct);
            }
            return await driver.GetFromJsonAsync<JsonElement>(path, Ct);
        }

        // A reading five minutes old inside the fence proves nothing about now; one 700 m away is not there yet.
        await ReportAsync(DateTime.UtcNow.AddMinutes(-5), 48.137, 11.575);
        Assert.Equal("confirmed", (await PollAsync()).GetProperty("status").GetString());
        await ReportAsync(DateTime.UtcNow, 48.1433, 11.575);
        Assert.Equal("confirmed", (await PollAsync()).GetProperty("status").GetString());
        await ReportAsync(DateTime.UtcNow, 48.13702, 11.57502);
        var arrived = await PollAsync();
        Assert.Equal("arrived", arrived.GetProperty("status").GetString());
        Assert.Equal("device", arrived.GetProperty("arrivalSource").GetString());
        await ReportAsync(DateTime.UtcNow, 48.13701, 11.57501);
        var again = await PollAsync();
        Assert.Equal(arrived.GetProperty("arrivedAt").GetDateTime().Ticks / 10_000, again.GetProperty("arrivedAt").GetDateTime().Ticks / 10_000);

        var samples = (await driver.GetFromJsonAsync<JsonElement>("/api/v1/parking/me/export", Ct)).GetProperty("locationSamples").EnumerateArray()
            .Where(s => s.GetProperty("source").GetString() == "device").ToList();
        Assert.InRange(samples.Count, 3, 6);
        Assert.DoesNotContain(samples, s => Math.Abs(s.GetProperty("latitude").GetDouble() - 48.137) < 1e-9);

        // Stopping: no more readings are taken.
        var stopped = await PostAsync(driver, $"{path}/vehicle", new { vehicleId = (Guid?)null });
        Assert.Equal(JsonValueKind.Null, stopped.GetProperty("followedVehicleId").ValueKind);
    }

    [Fact]
    public async Task Given_platform_admin_Then_sees_and_suspends_any_hosts_spot_and_settles_a_dispute_with_a_refund_other_orgs_404_wrong_role_403()
    {
        var (admin, shop) = await HostAsync();
        App.Services.GetRequiredService<ParkingOptions>().OperatorOrganizationId = shop;
        var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: shop);
        var (otherHost, _) = await App.NewUserAsync("OtherHost");
        var spot = await PublishedSpotAsync(otherHost, Spot(lat: 40.0, lon: -3.7));

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/v1/parking/admin/listings?pageSize=100", Ct);
        Assert.Contains(all.GetProperty("items").EnumerateArray(), l => Id(l) == Id(spot));
        await ProblemAsync(await tech.GetAsync("/api/v1/parking/admin/listings", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await otherHost.GetAsync("/api/v1/parking/admin/listings", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await otherHost.PostAsJsonAsync($"/api/v1/parking/admin/listings/{Id(spot)}/suspend", new { reason = "mine" }, Ct), HttpStatusCode.NotFound);
        // Outside the operator organisation not even a role without the permission learns the routes exist: 404, not 403.
        App.Services.GetRequiredService<ParkingOptions>().OperatorOrganizationId = Guid.NewGuid();
        await ProblemAsync(await tech.GetAsync("/api/v1/parking/admin/listings", Ct), HttpStatusCode.NotFound);
        App.Services.GetRequiredService<ParkingOptions>().OperatorOrganizationId = shop;

        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/parking/admin/listings/{Id(spot)}/suspend", new { reason = " " }, Ct), HttpStatusCode.BadRequest);
        Assert.True((await otherHost.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{Id(spot)}", Ct)).GetProperty("published").GetBoolean());
        var suspended = await PostAsync(admin, $"/api/v1/parking/admin/listings/{Id(spot)}/suspend", new { reason = "Photos show a fire lane" });
        Assert.False(suspended.GetProperty("published").GetBoolean());
        var (driver, _) = await App.NewUserAsync("DisputeDriver");
        var window = $"from={Uri.EscapeDataString(Hour(30).ToString("O"))}&to={Uri.EscapeDataString(Hour(32).ToString("O"))}";
        var found = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/search?lat=40.0&lon=-3.7&radius=100&{window}", Ct);
        Assert.DoesNotContain(found.GetProperty("items").EnumerateArray(), l => Id(l) == Id(spot));
        var refused = await ProblemAsync(await otherHost.PostAsJsonAsync($"/api/v1/parking/listings/{Id(spot)}/publish", new { }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("fire lane", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await PostAsync(admin, $"/api/v1/parking/admin/listings/{Id(spot)}/reinstate", null);
        await PostAsync(otherHost, $"/api/v1/parking/listings/{Id(spot)}/publish", null);

        // A completed booking disputed by the driver; the platform refunds part of it.
        var booking = await Json(await driver.SendAsync(BookRequest(Id(spot), Soon(), Soon().AddHours(2)), Ct), HttpStatusCode.Created);
        await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/arrive", null);
        var completed = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/complete", null);
        var captured = completed.GetProperty("captured").GetInt64();
        Assert.True(captured > 0);
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/dispute", new { reason = "" }, Ct), HttpStatusCode.BadRequest);
        var disputed = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/dispute", new { reason = "The spot was blocked by a van." });
        Assert.Equal("driver", disputed.GetProperty("disputedBy").GetString());
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/dispute", new { reason = "again" }, Ct), HttpStatusCode.Conflict);
        var queue = await admin.GetFromJsonAsync<JsonElement>("/api/v1/parking/admin/disputes?pageSize=100", Ct);
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), b => Id(b) == Id(booking));
        await ProblemAsync(await otherHost.PostAsJsonAsync($"/api/v1/parking/admin/bookings/{Id(booking)}/resolve", new { refund = 1, note = "x" }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/parking/admin/bookings/{Id(booking)}/resolve", new { refund = captured + 1, note = "too much" }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/parking/admin/bookings/{Id(booking)}/resolve", new { refund = -5, note = "negative" }, Ct), HttpStatusCode.BadRequest);
        var resolved = await PostAsync(admin, $"/api/v1/parking/admin/bookings/{Id(booking)}/resolve", new { refund = captured / 2, note = "Half back: the host confirmed the van." });
        Assert.Equal(captured / 2, resolved.GetProperty("refunded").GetInt64());
        Assert.Equal(captured / 2, (await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(booking)}", Ct)).GetProperty("refunded").GetInt64());
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/parking/admin/bookings/{Id(booking)}/resolve", new { refund = 1, note = "twice" }, Ct), HttpStatusCode.Conflict);
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/v1/parking/admin/disputes?pageSize=100", Ct);
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), b => Id(b) == Id(booking));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_a_crashed_requests_claim_Then_the_booking_is_busy_409_only_until_the_claim_lease_ends()
    {
        var (host, _) = await HostAsync();
        var listing = await PublishedSpotAsync(host, Spot(lat: 41.39, lon: 2.17, policy: "flexible"));
        var (driver, _) = await App.NewUserAsync("CrashDriver");
        var booking = await Json(await driver.SendAsync(BookRequest(Id(listing), Hour(48), Hour(50)), Ct), HttpStatusCode.Created);
        async Task LeaveClaimAsync(TimeSpan age)
        {
            // What a request that died between its claim and its save leaves behind.
            using var scope = App.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ParkingDbContext>();
            var since = DateTime.UtcNow - age;
            await db.Bookings.Where(b => b.Id == Id(booking))
                .ExecuteUpdateAsync(u => u.SetProperty(b => b.SettlingToken, Guid.NewGuid()).SetProperty(b => b.SettlingSince, since), Ct);
        }
        await LeaveClaimAsync(TimeSpan.FromSeconds(5));
        await ProblemAsync(await driver.PostAsJsonAsync($"/api/v1/parking/bookings/{Id(booking)}/cancel", new { }, Ct), HttpStatusCode.Conflict);
        Assert.Equal("confirmed", (await driver.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{Id(booking)}", Ct)).GetProperty("status").GetString());

        await LeaveClaimAsync(Modules.Parking.Bookings.BookingService.ClaimLease + TimeSpan.FromSeconds(5));
        Assert.True(Modules.Parking.Bookings.BookingService.ClaimLease <= TimeSpan.FromMinutes(1));
        var cancelled = await PostAsync(driver, $"/api/v1/parking/bookings/{Id(booking)}/cancel", null);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(cancelled.GetProperty("total").GetInt64(), cancelled.GetProperty("refunded").GetInt64());
        await AssertLedgerSumsToZeroAsync();
    }
}

public sealed class ParkingTestsOnSqlite(SqliteApp app) : ParkingTests(app), IClassFixture<SqliteApp>;

public sealed class ParkingTestsOnPostgres(PostgresApp app) : ParkingTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
