using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>Pairing a kiosk screen and driving it as a device over HTTP.</summary>
public abstract partial class KioskTestBase(PitlaneApp app) : DiagnosticsTestBase(app)
{
    /// <summary>POST /api/v1/diagnostics/kiosks as the shop; returns the 201 body.</summary>
    protected static async Task<JsonElement> CreateKioskAsync(HttpClient shop, Guid adapterId, string name = "Lane 1 kiosk")
    {
        var created = await shop.PostAsJsonAsync("/api/v1/diagnostics/kiosks", new { name, adapterId }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("data-csrf=\"([^\"]+)\"")]
    private static partial Regex PageToken();

    /// <summary>A browser-like client (cookies, no redirects followed) on the device.</summary>
    protected HttpClient Device() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client sending only this kiosk cookie: no antiforgery cookie, no token.</summary>
    protected HttpClient WithCookie(string cookie)
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"pitlane.kiosk={cookie}");
        return client;
    }

    /// <summary>Opens the pairing link on a fresh device, presses "Pair", loads /Kiosk and takes its antiforgery token.</summary>
    protected async Task<(HttpClient Device, string Cookie)> PairAsync(string pairingUrl)
    {
        var device = Device();
        var path = new Uri(pairingUrl).AbsolutePath;
        var page = await device.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = FormToken().Match(await page.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        var paired = await device.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, paired.StatusCode);
        Assert.Equal("/Kiosk", paired.Headers.Location?.OriginalString);
        var cookie = paired.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pitlane.kiosk=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var kioskPage = await device.GetAsync("/Kiosk", Ct);
        Assert.Equal(HttpStatusCode.OK, kioskPage.StatusCode);
        var html = await kioskPage.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-mode=\"device\"", html, StringComparison.Ordinal);
        device.DefaultRequestHeaders.Add("RequestVerificationToken", WebUtility.HtmlDecode(PageToken().Match(html).Groups[1].Value));
        return (device, cookie["pitlane.kiosk=".Length..cookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    protected static async Task<JsonElement> AwaitKioskScanAsync(HttpClient device, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var scan = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/scans/{id}", Ct);
            if (scan.GetProperty("status").GetString() is "completed" or "failed")
            {
                return scan;
            }
            Assert.True(DateTime.UtcNow < deadline, $"kiosk scan {id} did not finish");
            await Task.Delay(100, Ct);
        }
    }

}

/// <summary>Paired kiosk screens: pairing, the kiosk API's reach (its adapter, its own recent scans, nothing else) and revocation.</summary>
public abstract class KioskTests(PitlaneApp app) : KioskTestBase(app)
{
    [Fact]
    public async Task Given_paired_kiosk_Then_it_scans_on_its_adapter_and_reaches_only_its_own_results()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskShop");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var pairingUrl = kiosk.GetProperty("pairingUrl").GetString()!;
        Assert.StartsWith("http://localhost/Kiosk/Pair/", pairingUrl, StringComparison.Ordinal);
        Assert.InRange(kiosk.GetProperty("pairingExpiresAt").GetDateTime(), DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
        Assert.False(kiosk.GetProperty("paired").GetBoolean());

        // Looking at the link (a chat preview, say) pairs nothing.
        using (var preview = Device())
        {
            var page = await preview.GetAsync(new Uri(pairingUrl).AbsolutePath, Ct);
            Assert.Contains("Lane 1 kiosk", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        var listed = (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct))[0];
        Assert.False(listed.GetProperty("paired").GetBoolean());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("pairingUrl").ValueKind);

        var (device, cookie) = await PairAsync(pairingUrl);
        using var _ = device;
        Assert.True((await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct))[0].GetProperty("paired").GetBoolean());
        // The code is spent.
        using (var second = Device())
        {
            var again = await second.GetAsync(new Uri(pairingUrl).AbsolutePath, Ct);
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        var info = await device.GetFromJsonAsync<JsonElement>("/api/v1/kiosk", Ct);
        Assert.Equal("Lane 1 kiosk", info.GetProperty("name").GetString());
        Assert.Equal("Bay 1", info.GetProperty("adapterName").GetString());
        Assert.True((await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/vin/{Vin}", Ct)).GetProperty("isValid").GetBoolean());
        await ProblemAsync(await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = "NOT-A-VIN" }, Ct), HttpStatusCode.BadRequest);

        var started = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/kiosk/scans/{scanId}", started.Headers.Location?.OriginalString);
        var scan = await AwaitKioskScanAsync(device, scanId);
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Contains("P0300", scan.GetProperty("dtcs").EnumerateArray().Select(d => d.GetProperty("code").GetString()));
        Assert.Equal(shop.AdapterId, scan.GetProperty("adapterId").GetGuid());

        var health = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/scans/{scanId}/health", Ct);
        Assert.InRange(health.GetProperty("score").GetInt32(), 0, 99);
        var interpretation = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/scans/{scanId}/interpretation", Ct);
        Assert.NotEmpty(interpretation.GetProperty("recommendations").EnumerateArray());
        var queued = await device.PostAsJsonAsync($"/api/v1/kiosk/scans/{scanId}/report", new { }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var reportId = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        JsonElement report;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100, Ct);
            report = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/reports/{reportId}", Ct);
            Assert.True(DateTime.UtcNow < deadline, "report not ready");
        }
        while (report.GetProperty("status").GetString() == "queued");
        Assert.Equal("ready", report.GetProperty("status").GetString());
        Assert.StartsWith("http://localhost/r/", report.GetProperty("shareUrl").GetString(), StringComparison.Ordinal);
        var qr = await device.GetAsync($"/Kiosk?handler=Qr&reportId={reportId}", Ct);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        // The shop sees the kiosk's scan like any other.
        Assert.Equal("completed", (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString());

        // Nothing else of the shop: not staff scans, not its reports, not the staff API.
        var staffScan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var staffScanId = staffScan.GetProperty("id").GetGuid();
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/scans/{staffScanId}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/scans/{staffScanId}/health", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await device.PostAsJsonAsync($"/api/v1/kiosk/scans/{staffScanId}/report", new { }, Ct), HttpStatusCode.NotFound);
        var staffReport = await shop.Client.PostAsync($"/api/v1/scans/{staffScanId}/report", null, Ct);
        var staffReportId = (await staffReport.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/reports/{staffReportId}", Ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await device.GetAsync($"/Kiosk?handler=Qr&reportId={staffReportId}", Ct)).StatusCode);
        foreach (var path in new[] { "/api/v1/scans", $"/api/v1/scans/{scanId}", "/api/v1/vehicles", "/api/v1/diagnostics/kiosks", "/api/v1/me" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await device.GetAsync(path, Ct)).StatusCode);
        }
        var staffPage = await device.GetAsync("/Diagnostics", Ct);
        Assert.Equal(HttpStatusCode.Redirect, staffPage.StatusCode);
        Assert.Contains("/Account/Login", staffPage.Headers.Location?.OriginalString, StringComparison.Ordinal);

        // The cookie alone reads, but an unsafe request without the page's antiforgery token is refused (and starts nothing).
        using var bare = WithCookie(cookie);
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/api/v1/kiosk", Ct)).StatusCode);
        var before = (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32();
        await ProblemAsync(await bare.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(before, (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_kiosk_scan_still_running_Then_another_start_is_409_until_it_is_over()
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync("KioskBusy");
        var created = await client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Lane Pi" }, Ct);
        var agentBody = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Agent lane", uri = $"agent://{agentBody.GetProperty("id").GetGuid()}" }, Ct);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var kiosk = await CreateKioskAsync(client, adapterId);
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;
        using var agent = App.CreateClient();
        agent.DefaultRequestHeaders.Add("X-Agent-Key", agentBody.GetProperty("key").GetString());

        // The scan waits for the agent next to the car: the screen cannot queue another behind it.
        var first = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var scanId = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await ProblemAsync(await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { }, Ct), HttpStatusCode.Conflict);
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());

        var work = await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=15", Ct);
        Assert.Equal(scanId, (await work.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent,
            (await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/failure", new { error = "Ignition off." }, Ct)).StatusCode);
        Assert.Equal("failed", (await AwaitKioskScanAsync(device, scanId)).GetProperty("status").GetString());

        // Over: the next customer can start.
        Assert.Equal(HttpStatusCode.Accepted, (await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_typed_VIN_of_another_vehicle_Then_the_kiosk_scan_goes_to_the_car_that_answered_and_shows_none_of_the_typed_vehicles_history()
    {
        const string carVin = "1FTFW1ET9DFC10312";
        await using var sim = await SimulatorAsync("misfire", vin: carVin);
        var shop = await ShopAsync(sim, "KioskTyped");
        // The typed VIN is another customer's car, known to the shop with its plate, odometer and service history.
        var created = await shop.Client.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin, odometerKm = 187_654, plate = "TYPED-42" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var typedId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await shop.Client.PostAsJsonAsync($"/api/v1/vehicles/{typedId}/services",
            new { key = "oil-filter", performedOn = "2026-01-15", odometerKm = 180_000 }, Ct)).StatusCode);
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;

        var started = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var queued = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("vehicleId").ValueKind);
        var scanId = queued.GetProperty("id").GetGuid();
        var scan = await AwaitKioskScanAsync(device, scanId);

        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.True(scan.GetProperty("vinMismatch").GetBoolean());
        Assert.Equal(carVin, scan.GetProperty("vin").GetString());
        Assert.Equal(Vin, scan.GetProperty("expectedVin").GetString());
        var carId = scan.GetProperty("vehicleId").GetGuid();
        Assert.NotEqual(typedId, carId);
        Assert.Equal(carVin, (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{carId}", Ct)).GetProperty("vin").GetString());
        Assert.Equal(0, (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{typedId}/scans", Ct)).GetProperty("total").GetInt32());

        // Nothing of the typed vehicle reaches the screen: not its odometer, not its service history, not its plate.
        var health = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/scans/{scanId}/health", Ct);
        Assert.Equal(carId, health.GetProperty("vehicleId").GetGuid());
        Assert.NotEqual(187_654, health.GetProperty("odometerKm").ValueKind == JsonValueKind.Number ? health.GetProperty("odometerKm").GetDouble() : 0);
        Assert.DoesNotContain(health.GetProperty("reminders").EnumerateArray(), r => r.GetProperty("lastDone").ValueKind != JsonValueKind.Null);
        var reportId = (await (await device.PostAsJsonAsync($"/api/v1/kiosk/scans/{scanId}/report", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("id").GetGuid();
        JsonElement report;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((report = await device.GetFromJsonAsync<JsonElement>($"/api/v1/kiosk/reports/{reportId}", Ct)).GetProperty("status").GetString() == "queued")
        {
            Assert.True(DateTime.UtcNow < deadline, "report not ready");
            await Task.Delay(100, Ct);
        }
        Assert.Equal(carId, report.GetProperty("vehicleId").GetGuid());
        using var anyone = App.CreateClient();
        var page = await anyone.GetStringAsync(new Uri(report.GetProperty("shareUrl").GetString()!).PathAndQuery, Ct);
        Assert.Contains(carVin, page, StringComparison.Ordinal);
        Assert.DoesNotContain("TYPED-42", page, StringComparison.Ordinal);
        Assert.DoesNotContain("187,654", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_typed_VIN_with_wrong_check_digit_Then_the_kiosk_refuses_with_a_clear_message_and_starts_nothing()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskTypo");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;

        // The last character mistyped: position 9 no longer matches (49 CFR 565, a vehicle built for North America).
        var problem = await ProblemAsync(await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = "1HGCM82633A004353" }, Ct), HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("vin")[0].GetString()!;
        Assert.Contains("mistyped", message, StringComparison.Ordinal);
        Assert.DoesNotContain("check digit", message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(0, (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles", Ct)).GetProperty("total").GetInt32());
        // The right VIN starts.
        Assert.Equal(HttpStatusCode.Accepted, (await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_forged_malformed_replaced_or_revoked_kiosk_cookie_Then_401_and_the_screen_says_it_is_not_paired()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskRevoke");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var kioskId = kiosk.GetProperty("id").GetGuid();
        var (first, cookie) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var _ = first;

        using (var anonymous = Device())
        {
            await ProblemAsync(await anonymous.GetAsync("/api/v1/kiosk", Ct), HttpStatusCode.Unauthorized);
            // No cookie: refused before the body is read, whatever it holds.
            await ProblemAsync(await anonymous.PostAsync("/api/v1/kiosk/scans", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"), Ct),
                HttpStatusCode.Unauthorized);
            var page = await anonymous.GetAsync("/Kiosk", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
            Assert.Contains("not a paired kiosk", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        var secret = cookie[33..];
        var otherSecret = string.Concat(secret.AsSpan(0, secret.Length - 1), secret[^1] == 'A' ? "B" : "A");
        foreach (var forged in new[] { "garbage", "", $"{kioskId:N}", $"{kioskId:N}.{otherSecret}", $"{Guid.NewGuid():N}.{secret}", $"{kioskId:N}.{secret}{new string('x', 500)}", $"{kioskId}.{secret}" })
        {
            using var client = WithCookie(forged);
            Assert.True((await client.GetAsync("/api/v1/kiosk", Ct)).StatusCode == HttpStatusCode.Unauthorized, forged);
        }

        // A new pairing link leaves the first screen working until a second screen uses it.
        var again = await shop.Client.PostAsync($"/api/v1/diagnostics/kiosks/{kioskId}/pairing", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/kiosk", Ct)).StatusCode);
        var (second, _) = await PairAsync((await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("pairingUrl").GetString()!);
        using var __ = second;
        await ProblemAsync(await first.GetAsync("/api/v1/kiosk", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/kiosk", Ct)).StatusCode);

        // The lane's adapter cannot be removed from under a working screen.
        var refused = await ProblemAsync(await shop.Client.DeleteAsync($"/api/v1/diagnostics/adapters/{shop.AdapterId}", Ct), HttpStatusCode.Conflict);
        Assert.Contains("'Lane 1 kiosk'", refused.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/kiosk", Ct)).StatusCode);

        // Revoked: the screen is refused at its next request.
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Client.DeleteAsync($"/api/v1/diagnostics/kiosks/{kioskId}", Ct)).StatusCode);
        await ProblemAsync(await second.GetAsync("/api/v1/kiosk", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/Kiosk", Ct)).StatusCode);
        await ProblemAsync(await shop.Client.PostAsync($"/api/v1/diagnostics/kiosks/{kioskId}/pairing", null, Ct), HttpStatusCode.Conflict);
        // Then the adapter can go, and its revoked kiosk with it.
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Client.DeleteAsync($"/api/v1/diagnostics/adapters/{shop.AdapterId}", Ct)).StatusCode);
        Assert.Empty((await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Given_wrong_role_other_organisation_or_bad_input_Then_kiosk_management_refuses_and_changes_nothing()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskAdmin");
        var (stranger, _) = await App.NewUserAsync("Stranger");
        var strangerAdapter = await stranger.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Theirs", uri = $"tcp://127.0.0.1:{sim.Port}" }, Ct);
        var strangerAdapterId = (await strangerAdapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        foreach (var (body, field) in new (object, string)[]
        {
            (new { name = "", adapterId = shop.AdapterId }, "name"),
            (new { name = new string('k', 81), adapterId = shop.AdapterId }, "name"),
            (new { name = "No adapter" }, "adapterId"),
            (new { name = "Their adapter", adapterId = strangerAdapterId }, "adapterId"),
        })
        {
            var problem = await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/kiosks", body, Ct), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/kiosks", new { name = "Lane 1 kiosk", adapterId = shop.AdapterId }, Ct), HttpStatusCode.BadRequest);
        var kioskId = kiosk.GetProperty("id").GetGuid();

        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct)).EnumerateArray());
        await ProblemAsync(await stranger.PostAsync($"/api/v1/diagnostics/kiosks/{kioskId}/pairing", null, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/diagnostics/kiosks/{kioskId}", Ct), HttpStatusCode.NotFound);

        // A technician of the demo garage works the lane but does not set up its screens.
        using var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var demo = me.GetProperty("organizations").EnumerateArray().First(o => o.GetProperty("name").GetString() == "Pitlane Demo Garage").GetProperty("id").GetGuid();
        using var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: demo);
        using var demoOwner = await App.SignedInClientAsync("owner@demo.pitlane.test", organizationId: demo);
        var demoAdapter = (await demoOwner.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct))[0].GetProperty("id").GetGuid();
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/diagnostics/kiosks", new { name = "Tech's kiosk", adapterId = demoAdapter }, Ct), HttpStatusCode.Forbidden);
        Assert.DoesNotContain("Tech's kiosk", await demoOwner.GetStringAsync("/api/v1/diagnostics/kiosks", Ct), StringComparison.Ordinal);

        Assert.Single((await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct)).EnumerateArray());
        Assert.True((await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/kiosks", Ct))[0].GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
    }
}

public sealed class KioskTestsOnSqlite(SqliteApp app) : KioskTests(app), IClassFixture<SqliteApp>;

public sealed class KioskTestsOnPostgres(PostgresApp app) : KioskTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

/// <summary>The wall clock moved forward at will (timestamps and timers stay real), to get past a kiosk's 30 minutes.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>A SQLite app whose clock a test can move forward, and whose kiosks keep results for 10 minutes.</summary>
public sealed class ShiftedClockApp : PitlaneApp
{
    public ShiftedTime Clock { get; } = new();

    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Diagnostics:KioskResultMinutes", "10");
        return base.InitializeAsync();
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>A kiosk keeps a customer's results only for their visit: after KioskResultMinutes the screen cannot open them again.</summary>
public sealed class KioskResultWindowTests(ShiftedClockApp app) : KioskTestBase(app), IClassFixture<ShiftedClockApp>
{
    [Fact]
    public async Task Given_kiosk_scan_older_than_the_result_window_Then_the_kiosk_no_longer_reaches_it()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "KioskClock");
        var kiosk = await CreateKioskAsync(shop.Client, shop.AdapterId);
        var (device, _) = await PairAsync(kiosk.GetProperty("pairingUrl").GetString()!);
        using var __ = device;
        var started = await device.PostAsJsonAsync("/api/v1/kiosk/scans", new { vin = Vin }, Ct);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal("completed", (await AwaitKioskScanAsync(device, scanId)).GetProperty("status").GetString());

        var report = await device.PostAsJsonAsync($"/api/v1/kiosk/scans/{scanId}/report", new { }, Ct);
        var reportId = (await report.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        app.Clock.Offset = TimeSpan.FromMinutes(9);
        Assert.Equal(HttpStatusCode.OK, (await device.GetAsync($"/api/v1/kiosk/scans/{scanId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await device.GetAsync($"/api/v1/kiosk/reports/{reportId}", Ct)).StatusCode);
        app.Clock.Offset = TimeSpan.FromMinutes(11);
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/reports/{reportId}", Ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await device.GetAsync($"/Kiosk?handler=Qr&reportId={reportId}", Ct)).StatusCode);
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/scans/{scanId}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await device.GetAsync($"/api/v1/kiosk/scans/{scanId}/interpretation", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await device.PostAsJsonAsync($"/api/v1/kiosk/scans/{scanId}/report", new { }, Ct), HttpStatusCode.NotFound);
        app.Clock.Offset = TimeSpan.Zero;
    }
}
