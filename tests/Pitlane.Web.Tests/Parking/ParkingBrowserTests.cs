using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Modules.Parking;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Parking;

/// <summary>
/// Issue 16 in two real browsers: a driver finds a spot, books it and pays on the payment processor's page, comes back
/// to the booking confirmed, picks the car that checks in; the car's tracking device reports it inside the spot and the
/// host's open booking page turns "arrived" live; the same for the simulated Tesla driving to the spot; a reported
/// problem is settled from the operator's page. Screenshots (desktop and phone) go to $TMPDIR/pitlane-parking-screens.
/// </summary>
public sealed class ParkingBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const double Lat = 53.5511;
    private const double Lon = 9.9937;
    private const string Password = "Correct-horse-9";
    private readonly HeadlessChromium _driverChromium = new();
    private readonly HeadlessChromium _hostChromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-parking-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A wait that survives the page reloading itself (it does when the payment goes through).</summary>
    private static WebDriverWait Wait(IWebDriver browser, int seconds = 30)
    {
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(seconds));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait;
    }

    [Fact]
    public async Task Given_driver_pays_on_the_processors_page_and_the_car_device_reaches_the_spot_Then_the_hosts_page_shows_arrived_live()
    {
        app.Services.GetRequiredService<ParkingOptions>().DevicePollSeconds = 1;
        using var host = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "owner@demo.pitlane.test", Ct);
        var spotId = await SpotAsync(host, Lat, Lon);
        var (driverApi, email) = await DriverAsync();
        using var _ = driverApi;
        var vehicle = await (await driverApi.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352", plate = "HH-PL 42" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var vehicleId = vehicle.GetProperty("id").GetGuid();
        var device = await (await driverApi.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dongle" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var deviceKey = device.GetProperty("key").GetString()!;

        // Search and book from the page: starting in a few minutes, so check-in is already open.
        var driver = _driverChromium.Start(1366, 900);
        driver.SignIn(app.BaseUrl, email, Password);
        var from = DateTime.UtcNow.AddMinutes(3);
        driver.Navigate().GoToUrl($"{app.BaseUrl}/Parking?lat={Lat}&lon={Lon}&radius=500&from={from:yyyy-MM-ddTHH:mm}&hours=2&tz=UTC");
        var book = Wait(driver).Until(d => d.FindElements(By.CssSelector($"[data-parking-book='{spotId}']")).FirstOrDefault());
        driver.Shoot(_screens, "search");
        book!.Click();

        // The processor's page: the card is typed there, never on Pitlane's.
        Wait(driver).Until(d => d.Url.Contains("/Payments/Pay/", StringComparison.Ordinal));
        driver.Shoot(_screens, "pay");
        driver.PayWithCard();

        // Back on the booking, which turns confirmed (the payment reaches Parking through the outbox) with the way in.
        Wait(driver).Until(d => d.Url.Contains("/Parking/Booking/", StringComparison.Ordinal));
        var bookingId = Guid.Parse(driver.Url.Split('/').Last().Split('?')[0]);
        Wait(driver).Until(d => d.FindElement(By.Id("booking-status")).Text == "confirmed" && d.FindElements(By.Id("follow-vehicle")).Count > 0);
        Assert.Contains("Ring 3, the gate opens.", driver.FindElement(By.Id("parking-booking")).Text, StringComparison.Ordinal);
        Assert.Empty(driver.FindElements(By.Id("booking-unpaid")));

        // The car that checks in: chosen on the page.
        new SelectElement(driver.FindElement(By.Id("follow-vehicle-id"))).SelectByValue(vehicleId.ToString());
        driver.FindElement(By.CssSelector("#follow-vehicle button[type='submit']")).Click();
        Wait(driver).Until(d => d.FindElements(By.Id("follow-vehicle-id")).Count > 0
            && new SelectElement(d.FindElement(By.Id("follow-vehicle-id"))).SelectedOption.GetAttribute("value") == vehicleId.ToString()
            && d.FindElement(By.Id("live-state")).Text == "live");
        driver.Shoot(_screens, "booking-driver");

        // The host has the booking open; the device reports the car inside the spot; the host's page changes by itself.
        var hostBrowser = _hostChromium.Start(1366, 900);
        hostBrowser.SignIn(app.BaseUrl, "owner@demo.pitlane.test");
        hostBrowser.Navigate().GoToUrl($"{app.BaseUrl}/Parking/Booking/{bookingId}");
        Wait(hostBrowser).Until(d => d.FindElement(By.Id("live-state")).Text == "live");
        Assert.Equal("confirmed", hostBrowser.FindElement(By.Id("booking-status")).Text);
        Assert.DoesNotContain("Ring 3", hostBrowser.FindElement(By.Id("parking-booking")).Text, StringComparison.Ordinal);
        Assert.Empty(hostBrowser.FindElements(By.Id("follow-vehicle")));

        using var telemetry = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var t = DateTime.UtcNow.ToString("O");
        using var batch = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
        {
            Content = JsonContent.Create(new { batchId = Guid.NewGuid().ToString("N"), samples = new[] { new { t, pid = "gps.lat", value = Lat + 0.0001 }, new { t, pid = "gps.lon", value = Lon } } }),
        };
        batch.Headers.Add("X-Device-Key", deviceKey);
        (await telemetry.SendAsync(batch, Ct)).EnsureSuccessStatusCode();
        Wait(hostBrowser, 40).Until(d => d.FindElement(By.Id("booking-status")).Text == "arrived");
        hostBrowser.Shoot(_screens, "booking-host-arrived");
        Wait(driver).Until(d => d.FindElement(By.Id("booking-status")).Text == "arrived");
        Wait(driver).Until(d => d.FindElement(By.CssSelector("[data-parking-action$='/complete']")).Displayed
            && !d.FindElement(By.CssSelector("[data-parking-action$='/arrive']")).Displayed);

        var booking = await driverApi.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{bookingId}", Ct);
        Assert.Equal("device", booking.GetProperty("arrivalSource").GetString());
        Assert.Equal(500, booking.GetProperty("subtotal").GetInt64());
    }

    [Fact]
    public async Task Given_simulated_Tesla_sent_to_the_spot_When_it_drives_there_Then_the_hosts_open_page_turns_arrived_once()
    {
        app.Services.GetRequiredService<Pitlane.Modules.Parking.Tesla.TeslaOptions>().PollSeconds = 1;
        var simulator = app.Services.GetRequiredService<Pitlane.Modules.Parking.Tesla.TeslaCloudSimulator>();
        simulator.MetersPerSecond = 300;
        using var host = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "owner@demo.pitlane.test", Ct);
        var spotId = await SpotAsync(host, Lat - 0.01, Lon);
        var (driverApi, _) = await DriverAsync();
        using var _ = driverApi;

        // The driver connects the Tesla account (OAuth with PKCE against the simulator) and picks the car.
        var connect = await (await driverApi.PostAsJsonAsync("/api/v1/parking/tesla/connect", new { redirectUri = "/Parking/Tesla" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };
        noRedirect.DefaultRequestHeaders.Authorization = driverApi.DefaultRequestHeaders.Authorization;
        noRedirect.DefaultRequestHeaders.Add("X-Organization-Id", driverApi.DefaultRequestHeaders.GetValues("X-Organization-Id"));
        var redirect = await noRedirect.GetAsync(connect.GetProperty("authorizeUrl").GetString(), Ct);
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Headers.Location!.OriginalString.Split('?', 2)[1]);
        (await driverApi.PostAsJsonAsync("/api/v1/parking/tesla/callback", new { code = query["code"], state = query["state"], redirectUri = "/Parking/Tesla" }, Ct)).EnsureSuccessStatusCode();
        var vin = (await driverApi.GetFromJsonAsync<JsonElement>("/api/v1/parking/tesla/vehicles", Ct))[0].GetProperty("vin").GetString()!;
        Assert.True(simulator.ParkByVin(vin, Lat - 0.01 + 0.006, Lon)); // about 670 m north of the spot

        var start = DateTimeOffset.UtcNow.AddMinutes(3);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/parking/bookings")
        {
            Content = JsonContent.Create(new { listingId = spotId, startsAt = start, endsAt = start.AddHours(2), paymentMethod = "pm_card_visa" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var bookingId = (await (await driverApi.SendAsync(request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var hostBrowser = _hostChromium.Start(1366, 900);
        hostBrowser.SignIn(app.BaseUrl, "owner@demo.pitlane.test");
        hostBrowser.Navigate().GoToUrl($"{app.BaseUrl}/Parking/Booking/{bookingId}");
        Wait(hostBrowser).Until(d => d.FindElement(By.Id("live-state")).Text == "live");
        Assert.Equal("confirmed", hostBrowser.FindElement(By.Id("booking-status")).Text);

        // The spot goes to the car as its navigation destination; the car drives there and the polls see it arrive.
        (await driverApi.PostAsJsonAsync($"/api/v1/parking/bookings/{bookingId}/tesla", new { vin }, Ct)).EnsureSuccessStatusCode();
        Wait(hostBrowser, 60).Until(d => d.FindElement(By.Id("booking-status")).Text == "arrived");
        // The actions follow the status live too: an arrived driver is no no-show.
        Assert.False(hostBrowser.FindElement(By.CssSelector("[data-parking-action$='/no-show']")).Displayed);
        hostBrowser.Shoot(_screens, "booking-host-tesla-arrived");
        var arrived = await driverApi.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{bookingId}", Ct);
        Assert.Equal("tesla", arrived.GetProperty("arrivalSource").GetString());
        // Further polls inside the fence change nothing: arrived once.
        await Task.Delay(TimeSpan.FromSeconds(7), Ct);
        var later = await driverApi.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{bookingId}", Ct);
        Assert.Equal("arrived", later.GetProperty("status").GetString());
        Assert.Equal(arrived.GetProperty("arrivedAt").GetString(), later.GetProperty("arrivedAt").GetString());
    }

    private static async Task<Guid> SpotAsync(HttpClient host, double lat, double lon)
    {
        var created = await host.PostAsJsonAsync("/api/v1/parking/listings", new
        {
            title = "Courtyard by the harbour", address = "Am Sandtorkai 1, Hamburg", latitude = lat, longitude = lon, timeZone = "Europe/Berlin",
            maxLengthCm = 520, maxHeightCm = 210, covered = false, evCharger = false, gated = true, accessInstructions = "Ring 3, the gate opens.",
            hourlyRate = 250, minimumMinutes = 60, currency = "eur", cancellationPolicy = "flexible", geofenceMeters = 40,
            availability = new[] { new { day = "daily", from = "00:00", to = "24:00" } },
        }, Ct);
        created.EnsureSuccessStatusCode();
        var spotId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        (await host.PostAsync($"/api/v1/parking/listings/{spotId}/publish", null, Ct)).EnsureSuccessStatusCode();
        return spotId;
    }

    /// <summary>A new person registered over HTTP, with an API client in their own (personal) account.</summary>
    private async Task<(HttpClient Api, string Email)> DriverAsync()
    {
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var email = $"parker-{Guid.NewGuid():N}@example.test";
        (await api.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, displayName = "Pat Parker" }, Ct)).EnsureSuccessStatusCode();
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email, password = Password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("accessToken").GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var personal = (await api.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid();
        api.DefaultRequestHeaders.Add("X-Organization-Id", personal.ToString());
        return (api, email);
    }

    [Fact]
    public async Task Given_driver_reports_a_problem_on_the_booking_page_Then_the_platform_settles_it_with_a_refund_on_its_page_and_others_get_404()
    {
        using var host = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "owner@demo.pitlane.test", Ct);
        var operatorOrg = Guid.Parse(host.DefaultRequestHeaders.GetValues("X-Organization-Id").Single());
        app.Services.GetRequiredService<ParkingOptions>().OperatorOrganizationId = operatorOrg;
        var spotId = await SpotAsync(host, Lat + 0.01, Lon);
        var (driverApi, email) = await DriverAsync();
        using var _ = driverApi;
        var start = DateTimeOffset.UtcNow.AddMinutes(3);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/parking/bookings")
        {
            Content = JsonContent.Create(new { listingId = spotId, startsAt = start, endsAt = start.AddHours(2), paymentMethod = "pm_card_visa" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var booking = await (await driverApi.SendAsync(request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var bookingId = booking.GetProperty("id").GetGuid();
        // Parked and left: the money is taken, so part of it can be given back.
        (await driverApi.PostAsJsonAsync($"/api/v1/parking/bookings/{bookingId}/arrive", new { }, Ct)).EnsureSuccessStatusCode();
        (await driverApi.PostAsJsonAsync($"/api/v1/parking/bookings/{bookingId}/complete", new { }, Ct)).EnsureSuccessStatusCode();

        var driver = _driverChromium.Start(1366, 900);
        driver.SignIn(app.BaseUrl, email, Password);
        driver.Navigate().GoToUrl($"{app.BaseUrl}/Parking/Operator");
        Assert.DoesNotContain("Reported problems", driver.PageSource, StringComparison.Ordinal);
        driver.Navigate().GoToUrl($"{app.BaseUrl}/Parking/Booking/{bookingId}");
        // Completed: no more check-in or cancel buttons; a review instead.
        Assert.DoesNotContain(driver.FindElements(By.CssSelector("[data-parking-action]")), e => e.Displayed);
        new SelectElement(driver.FindElement(By.Id("review-rating"))).SelectByValue("4");
        driver.FindElement(By.Id("review-comment")).SendKeys("Easy to find.");
        driver.FindElement(By.CssSelector("#review button[type='submit']")).Click();
        Wait(driver).Until(d => d.FindElements(By.Id("your-review")).Count > 0);
        Assert.Contains("4 of 5 · Easy to find.", driver.FindElement(By.Id("your-review")).Text, StringComparison.Ordinal);
        driver.FindElement(By.CssSelector("#report-problem summary")).Click();
        driver.FindElement(By.Id("dispute-reason")).SendKeys("The gate code did not work; I parked on the street.");
        driver.FindElement(By.CssSelector("#report-problem button[type='submit']")).Click();
        Wait(driver).Until(d => d.FindElements(By.Id("booking-dispute")).Count > 0);
        Assert.Contains("The gate code did not work", driver.FindElement(By.Id("booking-dispute")).Text, StringComparison.Ordinal);
        Assert.Empty(driver.FindElements(By.Id("report-problem")));
        driver.Shoot(_screens, "booking-problem-reported");

        var staff = _hostChromium.Start(1366, 900);
        staff.SignIn(app.BaseUrl, "owner@demo.pitlane.test");
        staff.Navigate().GoToUrl($"{app.BaseUrl}/Parking");
        staff.FindElement(By.Id("run-parking")).Click();
        var row = Wait(staff).Until(d => d.FindElements(By.CssSelector($"[data-dispute='{bookingId}']")).FirstOrDefault());
        Assert.Contains("The gate code did not work", row!.Text, StringComparison.Ordinal);
        staff.Shoot(_screens, "operator");
        row.FindElement(By.Name("refund")).SendKeys("two euros");
        row.FindElement(By.Name("note")).SendKeys("Sorry: half back, the host fixed the code.");
        row.FindElement(By.CssSelector("button[type='submit']")).Click();
        Wait(staff).Until(d => d.FindElement(By.Id("parking-message")).Displayed);
        Assert.Contains("12.50", staff.FindElement(By.Id("parking-message")).Text, StringComparison.Ordinal);
        row = staff.FindElement(By.CssSelector($"[data-dispute='{bookingId}']"));
        row.FindElement(By.Name("refund")).Clear();
        row.FindElement(By.Name("refund")).SendKeys("2.75");
        row.FindElement(By.CssSelector("button[type='submit']")).Click();
        Wait(staff).Until(d => d.FindElements(By.CssSelector($"[data-dispute='{bookingId}']")).Count == 0);

        var settled = await driverApi.GetFromJsonAsync<JsonElement>($"/api/v1/parking/bookings/{bookingId}", Ct);
        Assert.Equal(275, settled.GetProperty("refunded").GetInt64());
        Assert.Equal("Sorry: half back, the host fixed the code.", settled.GetProperty("disputeResolution").GetString());
        driver.Navigate().Refresh();
        Assert.Contains("Sorry: half back", driver.FindElement(By.Id("booking-dispute")).Text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _driverChromium.Dispose();
        _hostChromium.Dispose();
    }
}
