using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Parking;

/// <summary>
/// Issue 16's pages over HTTP on SQLite and PostgreSQL, signed in with the browser's cookie: the host's spot form
/// (create, validation errors that change nothing, edit, blocked times, publish), spot photos on the search and booking
/// pages, and the search's "From" typed in a time zone rather than UTC.
/// </summary>
public abstract partial class ParkingPageTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private sealed record Browser(HttpClient Client, string Cookies)
    {
        public async Task<(HttpStatusCode Status, string Html, string? Location)> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", Cookies);
            using var response = await Client.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.Location?.OriginalString);
        }

        /// <summary>Posts a form the way the page does: with the antiforgery token of <paramref name="pageHtml"/>.</summary>
        public async Task<(HttpStatusCode Status, string Html, string? Location)> PostAsync(string path, string pageHtml, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = LiveAccess.Token(pageHtml);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("Cookie", Cookies);
            using var response = await Client.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.Location?.OriginalString);
        }
    }

    private async Task<Browser> BrowserAsync(string email, string password = "Pitlane-demo-1")
    {
        RequireServer();
        var (cookies, client) = await LiveAccess.CookieSignInAsync(App, email, password);
        return new Browser(client, cookies);
    }

    private async Task<(HttpClient Api, Guid Shop)> OwnerApiAsync()
    {
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return (App.BearerClient((await App.TokensAsync("owner@demo.pitlane.test")).AccessToken, shop), shop);
    }

    private static Dictionary<string, string> SpotFields(string title, double lat, double lon) => new()
    {
        ["Form.Title"] = title, ["Form.Address"] = "Hauptstraße 5, Berlin", ["Form.Latitude"] = lat.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Form.Longitude"] = lon.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Form.TimeZone"] = "Europe/Berlin", ["Form.GeofenceMeters"] = "50",
        ["Form.MaxLengthCm"] = "480", ["Form.MaxHeightCm"] = "190", ["Form.Covered"] = "true", ["Form.EvCharger"] = "false", ["Form.Gated"] = "true",
        ["Form.AccessInstructions"] = "Code 1234", ["Form.HouseRules"] = "Quiet after 22:00", ["Form.Hourly"] = "3.50", ["Form.DailyCap"] = "20",
        ["Form.Monthly"] = "", ["Form.Currency"] = "eur", ["Form.MinimumMinutes"] = "120", ["Form.CancellationPolicy"] = "strict",
        ["Form.Openings[0].Day"] = "weekdays", ["Form.Openings[0].From"] = "07:00", ["Form.Openings[0].To"] = "19:00",
        ["Form.Openings[1].Day"] = "saturday", ["Form.Openings[1].From"] = "10:00", ["Form.Openings[1].To"] = "24:00",
        ["Form.Openings[2].Day"] = "", ["Form.Openings[2].From"] = "", ["Form.Openings[2].To"] = "",
    };

    [GeneratedRegex("/Parking/Spot/([0-9a-f-]{36})")]
    private static partial Regex SpotPath();

    [Fact]
    public async Task Given_host_spot_form_Then_invalid_input_400_with_errors_and_nothing_saved_valid_creates_edits_blocks_publishes_wrong_role_and_org_refused()
    {
        var (api, _) = await OwnerApiAsync();
        var before = (await api.GetFromJsonAsync<JsonElement>("/api/v1/parking/listings?pageSize=100", Ct)).GetProperty("total").GetInt32();
        var owner = await BrowserAsync("owner@demo.pitlane.test");
        var (status, form, _) = await owner.GetAsync("/Parking/Spot");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"spot-form\"", form, StringComparison.Ordinal);

        var bad = SpotFields("", 91, 13.4);
        bad["Form.Hourly"] = "3.555";
        bad["Form.Openings[1].To"] = "09:00";
        var (badStatus, badHtml, _) = await owner.PostAsync("/Parking/Spot", form, bad);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("id=\"spot-errors\"", badHtml, StringComparison.Ordinal);
        Assert.Contains("latitude is between -90 and 90", badHtml, StringComparison.Ordinal);
        Assert.Contains("at most two decimals", badHtml, StringComparison.Ordinal);
        Assert.Equal(before, (await api.GetFromJsonAsync<JsonElement>("/api/v1/parking/listings?pageSize=100", Ct)).GetProperty("total").GetInt32());

        var title = $"Form spot {Guid.NewGuid():N}";
        var (created, _, location) = await owner.PostAsync("/Parking/Spot", form, SpotFields(title, 52.53, 13.41));
        Assert.Equal(HttpStatusCode.Redirect, created);
        var id = Guid.Parse(SpotPath().Match(location!).Groups[1].Value);
        var saved = await api.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{id}", Ct);
        Assert.Equal(title, saved.GetProperty("title").GetString());
        Assert.Equal(350, saved.GetProperty("hourlyRate").GetInt64());
        Assert.Equal(2_000, saved.GetProperty("dailyCap").GetInt64());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("monthlyRate").ValueKind);
        Assert.Equal("strict", saved.GetProperty("cancellationPolicy").GetString());
        Assert.Equal(120, saved.GetProperty("minimumMinutes").GetInt32());
        Assert.True(saved.GetProperty("gated").GetBoolean());
        Assert.Equal(6, saved.GetProperty("availability").GetArrayLength());
        Assert.False(saved.GetProperty("published").GetBoolean());

        // Edit: the page shows the saved values; a change of price and hours is stored.
        var (_, editHtml, _) = await owner.GetAsync($"/Parking/Spot/{id}");
        Assert.Contains("value=\"3.50\"", editHtml, StringComparison.Ordinal);
        var edit = SpotFields(title, 52.53, 13.41);
        edit["Form.Hourly"] = "4";
        edit["Form.Openings[1].Day"] = "";
        Assert.Equal(HttpStatusCode.Redirect, (await owner.PostAsync($"/Parking/Spot/{id}", editHtml, edit)).Status);
        var edited = await api.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{id}", Ct);
        Assert.Equal(400, edited.GetProperty("hourlyRate").GetInt64());
        Assert.Equal(5, edited.GetProperty("availability").GetArrayLength());

        // Blocked time typed in the spot's zone (Berlin, +01:00 in January) is stored as the instant.
        var year = DateTime.UtcNow.Year + 1;
        var (blocked, _, _) = await owner.PostAsync($"/Parking/Spot/{id}?handler=Block", editHtml,
            new() { ["Block.From"] = $"{year}-01-12T09:00", ["Block.To"] = $"{year}-01-12T12:00", ["Block.Reason"] = "Roof works" });
        Assert.Equal(HttpStatusCode.Redirect, blocked);
        var exception = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{id}", Ct)).GetProperty("exceptions")[0];
        Assert.Equal(new DateTime(year, 1, 12, 8, 0, 0, DateTimeKind.Utc), exception.GetProperty("startsAt").GetDateTime().ToUniversalTime());
        var (badBlock, _, _) = await owner.PostAsync($"/Parking/Spot/{id}?handler=Block", editHtml, new() { ["Block.From"] = $"{year}-01-12T09:00", ["Block.To"] = $"{year}-01-12T08:00" });
        Assert.Equal(HttpStatusCode.BadRequest, badBlock);

        Assert.Equal(HttpStatusCode.Redirect, (await owner.PostAsync($"/Parking/Spot/{id}?handler=Publish", editHtml, new() { ["publish"] = "true" })).Status);
        Assert.True((await api.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{id}", Ct)).GetProperty("published").GetBoolean());
        var (_, published, _) = await owner.GetAsync($"/Parking/Spot/{id}");
        Assert.Contains("Unpublish", published, StringComparison.Ordinal);

        // A technician of the same shop may not list spots; another organisation does not see this one.
        var tech = await BrowserAsync("tech@demo.pitlane.test");
        var (_, denied, _) = await tech.GetAsync("/Parking/Spot");
        Assert.Contains("id=\"spot-denied\"", denied, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await tech.PostAsync("/Parking/Spot", denied, SpotFields("Sneaky", 52.5, 13.4))).Status);
        var (_, strangerEmail) = await App.NewUserAsync("SpotStranger");
        var stranger = await BrowserAsync(strangerEmail, LiveAccess.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/Parking/Spot/{id}")).Status);
        var (_, strangerForm, _) = await stranger.GetAsync("/Parking/Spot");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/Parking/Spot/{id}?handler=Publish", strangerForm, new() { ["publish"] = "false" })).Status);
        Assert.True((await api.GetFromJsonAsync<JsonElement>($"/api/v1/parking/listings/{id}", Ct)).GetProperty("published").GetBoolean());
        Assert.Equal(before + 1, (await api.GetFromJsonAsync<JsonElement>("/api/v1/parking/listings?pageSize=100", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_spot_with_photo_Then_search_and_booking_pages_show_it_and_an_unpublished_photo_is_hidden_from_others()
    {
        var (api, _) = await OwnerApiAsync();
        var spot = await Json(await api.PostAsJsonAsync("/api/v1/parking/listings", new
        {
            title = "Photo driveway", address = "Seestraße 3", latitude = 46.01, longitude = 8.96, timeZone = "Europe/Zurich", maxLengthCm = 500, maxHeightCm = 200,
            hourlyRate = 250, availability = new[] { new { day = "daily", from = "00:00", to = "24:00" } },
        }, Ct), HttpStatusCode.Created);
        var png = Media.MediaTests.Png();
        var added = await Json(await api.PostAsync($"/api/v1/parking/listings/{Id(spot)}/photos?name=a.png", new ByteArrayContent(png), Ct), HttpStatusCode.Created);
        var photo = added.GetProperty("photos")[0].GetGuid();
        var (driverApi, driverEmail) = await App.NewUserAsync("PhotoDriver");
        var driver = await BrowserAsync(driverEmail, LiveAccess.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await driver.GetAsync($"/Parking/Photo/{Id(spot)}/{photo}")).Status);

        await PostAsync(api, $"/api/v1/parking/listings/{Id(spot)}/publish", null);
        var day = DateTime.UtcNow.AddDays(3);
        var (_, results, _) = await driver.GetAsync($"/Parking?lat=46.01&lon=8.96&radius=300&from={day:yyyy-MM-dd}T10:00&hours=2&tz=Europe/Zurich");
        Assert.Contains($"src=\"/Parking/Photo/{Id(spot)}/{photo}\"", results, StringComparison.Ordinal);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/Parking/Photo/{Id(spot)}/{photo}"))
        {
            request.Headers.Add("Cookie", driver.Cookies);
            using var response = await driver.Client.SendAsync(request, Ct);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(Ct));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await driver.GetAsync($"/Parking/Photo/{Id(spot)}/{Guid.NewGuid()}")).Status);

        var start = new DateTimeOffset(day.Year, day.Month, day.Day, 12, 0, 0, TimeSpan.Zero);
        using var book = new HttpRequestMessage(HttpMethod.Post, "/api/v1/parking/bookings")
        {
            Content = JsonContent.Create(new { listingId = Id(spot), startsAt = start, endsAt = start.AddHours(2), paymentMethod = "pm_card_visa" }),
        };
        book.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var booking = await Json(await driverApi.SendAsync(book, Ct), HttpStatusCode.Created);
        var (_, bookingPage, _) = await driver.GetAsync($"/Parking/Booking/{Id(booking)}");
        Assert.Contains($"src=\"/Parking/Photo/{Id(spot)}/{photo}\"", bookingPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_search_From_typed_in_a_time_zone_Then_the_window_is_that_zones_wall_clock_not_UTC()
    {
        var (api, _) = await OwnerApiAsync();
        // Open only Mondays 09:00–11:00 Berlin time.
        var spot = await Json(await api.PostAsJsonAsync("/api/v1/parking/listings", new
        {
            title = $"Morning bay {Guid.NewGuid():N}", address = "Torstraße 9", latitude = 52.529, longitude = 13.401, timeZone = "Europe/Berlin",
            maxLengthCm = 500, maxHeightCm = 200, hourlyRate = 100, availability = new[] { new { day = "monday", from = "09:00", to = "11:00" } },
        }, Ct), HttpStatusCode.Created);
        await PostAsync(api, $"/api/v1/parking/listings/{Id(spot)}/publish", null);
        var monday = DateTime.UtcNow.Date.AddDays(8);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var expectedUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(monday.AddHours(9), DateTimeKind.Unspecified), berlin);
        var (_, driverEmail) = await App.NewUserAsync("ZoneDriver");
        var driver = await BrowserAsync(driverEmail, LiveAccess.Password);
        var search = $"/Parking?lat=52.529&lon=13.401&radius=200&from={monday:yyyy-MM-dd}T09:00&hours=2";

        var (_, inBerlin, _) = await driver.GetAsync(search + "&tz=Europe%2FBerlin");
        Assert.Contains($"data-parking-book=\"{Id(spot)}\"", inBerlin, StringComparison.Ordinal);
        Assert.Contains($"data-from=\"{expectedUtc:yyyy-MM-ddTHH:mm:ss}Z\"", inBerlin, StringComparison.Ordinal);
        Assert.Contains("(Europe/Berlin time)", inBerlin, StringComparison.Ordinal);
        Assert.Contains($"value=\"{monday:yyyy-MM-dd}T09:00\"", inBerlin, StringComparison.Ordinal);

        // The same wall-clock time in UTC is an hour or two later in Berlin, outside the opening.
        var (_, inUtc, _) = await driver.GetAsync(search + "&tz=UTC");
        Assert.DoesNotContain($"data-parking-book=\"{Id(spot)}\"", inUtc, StringComparison.Ordinal);
        var (unknownStatus, unknown, _) = await driver.GetAsync(search + "&tz=Mars%2FOlympus");
        Assert.Equal(HttpStatusCode.OK, unknownStatus);
        Assert.Contains("Unknown time zone", unknown, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-parking-book=\"{Id(spot)}\"", unknown, StringComparison.Ordinal);
    }
}

public sealed class ParkingPageTestsOnSqlite(SqliteApp app) : ParkingPageTests(app), IClassFixture<SqliteApp>;

public sealed class ParkingPageTestsOnPostgres(PostgresApp app) : ParkingPageTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
