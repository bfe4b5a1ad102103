using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>
/// The customer kiosk and the technician dashboard in headless Chromium against the app on Kestrel, with the ELM327
/// simulator as the car: every person is new, so each test has its own organisation, adapter and vehicle.
/// </summary>
public sealed class DiagnosticsBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private const string Password = "Correct-horse-9";
    private const string Vin = SimulatorOptions.DefaultVin;
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"pitlane-chromium-{Guid.NewGuid():N}");
    private readonly List<IDisposable> _disposables = [];
    private ChromeDriver? _driver;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Given_kiosk_When_customer_enters_VIN_Then_progress_moves_codes_score_and_report_QR_appear()
    {
        var browser = Browser(1080, 1920);
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        SignIn(browser, shop.Email);

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Kiosk?adapter={shop.AdapterId}");
        var wait = Wait(browser, 20);
        var vin = wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed));
        // Typed in lower case with a space, as on a phone keyboard: the kiosk cleans it up.
        vin!.SendKeys(Vin[..8].ToLowerInvariant() + " " + Vin[8..]);
        wait.Until(d => d.FindElement(By.Id("kiosk-start")).Enabled);
        Assert.Equal(Vin, vin.GetAttribute("value"));
        Assert.Equal("valid", browser.FindElement(By.Id("kiosk-vin-status")).GetAttribute("data-state"));
        browser.FindElement(By.Id("kiosk-start")).Click();

        // The simulator answers in milliseconds: the progress step may already have given way to the result when the
        // driver looks (two CI runs waited for the progress step after the result had replaced it). Either shows the
        // check started; the progress value is asserted below either way.
        var started = wait.Until(d => d.FindElements(By.CssSelector("#step-progress, #step-result")).FirstOrDefault(e => e.Displayed));
        Assert.NotNull(started);
        wait.Until(d => int.Parse(d.FindElement(By.Id("kiosk-progress")).GetAttribute("data-progress")!, System.Globalization.CultureInfo.InvariantCulture) > 0);

        var p0300 = Wait(browser, 60).Until(d => d.FindElements(By.CssSelector("#kiosk-dtcs li[data-code='P0300']")).FirstOrDefault(e => e.Displayed));
        Assert.Contains("misfire", p0300!.Text, StringComparison.OrdinalIgnoreCase);
        var score = wait.Until(d => d.FindElement(By.Id("kiosk-score")).Text is var t && int.TryParse(t, out _) ? t : null);
        Assert.InRange(int.Parse(score!, System.Globalization.CultureInfo.InvariantCulture), 0, 84);
        Assert.False(string.IsNullOrEmpty(browser.FindElement(By.Id("kiosk-band")).GetAttribute("data-band")));
        wait.Until(d => !d.FindElement(By.Id("kiosk-summary")).Text.StartsWith("Preparing", StringComparison.Ordinal));
        Assert.True(browser.FindElement(By.Id("kiosk-mismatch")).GetAttribute("hidden") is not null, "no VIN mismatch for the same car");

        // The report's share link as a QR code drawn by the page handler: the image must load.
        Wait(browser, 60).Until(d => (bool)((IJavaScriptExecutor)d).ExecuteScript(
            "const i = document.getElementById('kiosk-qr'); return !!i && i.complete && i.naturalWidth > 0;")!);
        var shareUrl = browser.FindElement(By.Id("kiosk-share-url")).Text;
        Assert.Contains("/r/", shareUrl, StringComparison.Ordinal);
        Assert.True(NoHorizontalScroll(browser), "the portrait kiosk fits 1080 px without sideways scrolling");

        browser.Manage().Window.Size = new System.Drawing.Size(1280, 800);
        Assert.True(NoHorizontalScroll(browser), "the landscape kiosk fits 1280 px without sideways scrolling");

        Click(browser, browser.FindElement(By.Id("kiosk-restart")));
        wait.Until(d => d.FindElement(By.Id("kiosk-vin")).Displayed && d.FindElement(By.Id("kiosk-vin")).GetAttribute("value") == "");
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_manager_pairs_a_kiosk_screen_Then_a_customer_there_checks_a_car_without_anyone_signed_in()
    {
        var browser = Browser(1280, 800);
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.Id("kiosk-name")).FirstOrDefault(e => e.Displayed))!.SendKeys("Lane 1 kiosk");
        Click(browser, browser.FindElement(By.Id("kiosk-create-submit")));
        var link = wait.Until(d => d.FindElements(By.Id("kiosk-pairing-url")).FirstOrDefault(e => e.Displayed))!.Text;
        Assert.Contains("/Kiosk/Pair/", link, StringComparison.Ordinal);
        Assert.Contains("not paired", browser.FindElement(By.Id("kiosk-list")).Text, StringComparison.Ordinal);

        // The screen in the lane: nobody's session, only the pairing link.
        browser.Manage().Cookies.DeleteAllCookies();
        browser.Navigate().GoToUrl(link);
        Assert.Equal("Lane 1 kiosk", wait.Until(d => d.FindElements(By.Id("pair-kiosk")).FirstOrDefault())!.Text);
        Click(browser, browser.FindElement(By.Id("pair-confirm")));
        var vin = wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed));
        Assert.EndsWith("/Kiosk", new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.True(browser.FindElement(By.Id("kiosk-change-adapter")).GetAttribute("hidden") is not null, "a kiosk's adapter is fixed");
        vin!.SendKeys(Vin);
        wait.Until(d => d.FindElement(By.Id("kiosk-start")).Enabled);
        browser.FindElement(By.Id("kiosk-start")).Click();
        Wait(browser, 60).Until(d => d.FindElements(By.CssSelector("#kiosk-dtcs li[data-code='P0300']")).FirstOrDefault(e => e.Displayed));
        wait.Until(d => d.FindElement(By.Id("kiosk-score")).Text is var t && int.TryParse(t, out _));
        Wait(browser, 60).Until(d => (bool)((IJavaScriptExecutor)d).ExecuteScript(
            "const i = document.getElementById('kiosk-qr'); return !!i && i.complete && i.naturalWidth > 0;")!);
        Assert.Contains("/r/", browser.FindElement(By.Id("kiosk-share-url")).Text, StringComparison.Ordinal);
        AssertNoCspViolations(browser);

        // The shop's own pages stay shut to the screen.
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics");
        wait.Until(d => new Uri(d.Url).AbsolutePath == "/Account/Login");
    }

    [Fact]
    public async Task Given_slow_car_Then_kiosk_shows_each_stage_as_it_arrives_over_the_live_channel()
    {
        var browser = Browser(1280, 800);
        // 120 ms per OBD answer: a scan of a few seconds, so stages arrive while the page watches.
        var sim = new ElmSimulatorServer(new SimulatorOptions
        {
            Scenario = "misfire", Port = 0, Seed = 7, Quirks = SimQuirks.SlowAnswers, SlowAnswerDelay = TimeSpan.FromMilliseconds(120),
        });
        await using var _ = sim;
        await sim.StartAsync(Ct);
        var shop = await ShopAsync(sim);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Kiosk?adapter={shop.AdapterId}");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.Id("kiosk-read-vin")).FirstOrDefault(e => e.Displayed && e.Enabled))!.Click();

        // A later stage is marked active while the scan still runs, then the result appears.
        wait.Until(d => d.FindElements(By.CssSelector("#kiosk-stages [data-stage='readiness'].active, #kiosk-stages [data-stage='freeze frame'].active, #kiosk-stages [data-stage='live snapshot'].active")).Count > 0);
        Wait(browser, 60).Until(d => d.FindElements(By.CssSelector("#kiosk-dtcs li[data-code='P0300']")).Any(e => e.Displayed));
        var live = (string?)((IJavaScriptExecutor)browser).ExecuteScript("return document.documentElement.dataset.liveMessages || '0';");
        Assert.True(int.Parse(live!, System.Globalization.CultureInfo.InvariantCulture) >= 2, $"only {live} progress updates came over the hub");
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_kiosk_with_car_reporting_other_VIN_Then_mismatch_is_shown()
    {
        var browser = Browser(1280, 800);
        await using var sim = await SimulatorAsync("misfire", vin: "1FTFW1ET5DFC10312");
        var shop = await ShopAsync(sim);
        SignIn(browser, shop.Email);
        // No ?adapter: the one-time picker, remembered for the next visit.
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Kiosk");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.CssSelector($"#adapter-choices [data-adapter-id='{shop.AdapterId}']")).FirstOrDefault(e => e.Displayed))!.Click();
        browser.Navigate().Refresh();
        var vin = wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed));
        vin!.SendKeys(Vin);
        wait.Until(d => d.FindElement(By.Id("kiosk-start")).Enabled);
        browser.FindElement(By.Id("kiosk-start")).Click();
        var mismatch = Wait(browser, 60).Until(d => d.FindElements(By.Id("kiosk-mismatch")).FirstOrDefault(e => e.Displayed));
        Assert.Contains("1FTFW1ET5DFC10312", mismatch!.Text, StringComparison.Ordinal);
        Assert.Contains(Vin, mismatch.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_paired_kiosk_When_typed_VIN_is_another_vehicles_Then_result_and_report_show_only_the_car_on_the_adapter()
    {
        const string carVin = "1FTFW1ET9DFC10312";
        var browser = Browser(1280, 800);
        await using var sim = await SimulatorAsync("misfire", vin: carVin);
        var shop = await ShopAsync(sim);
        // The typed VIN belongs to another customer's car, with its plate, odometer and service history.
        var typed = await shop.Api.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin, odometerKm = 187_654, plate = "TYPED-42" }, Ct);
        Assert.Equal(HttpStatusCode.Created, typed.StatusCode);
        var typedId = (await typed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await shop.Api.PostAsJsonAsync($"/api/v1/vehicles/{typedId}/services",
            new { key = "oil-filter", performedOn = "2026-01-15", odometerKm = 180_000 }, Ct)).StatusCode);
        var wait = await PairScreenAsync(browser, shop);

        wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed))!.SendKeys(Vin);
        wait.Until(d => d.FindElement(By.Id("kiosk-start")).Enabled);
        browser.FindElement(By.Id("kiosk-start")).Click();

        var mismatch = Wait(browser, 60).Until(d => d.FindElements(By.Id("kiosk-mismatch")).FirstOrDefault(e => e.Displayed));
        Assert.Contains(carVin, mismatch!.Text, StringComparison.Ordinal);
        Assert.Contains(Vin, mismatch.Text, StringComparison.Ordinal);
        // The car on the adapter has its own score; the report is the car's.
        wait.Until(d => d.FindElement(By.Id("kiosk-score")).Text is var t && int.TryParse(t, out _));
        wait.Until(d => !d.FindElement(By.Id("kiosk-summary")).Text.StartsWith("Preparing", StringComparison.Ordinal));
        var shareUrl = Wait(browser, 60).Until(d => d.FindElements(By.Id("kiosk-share-url")).FirstOrDefault(e => e.Text.Contains("/r/", StringComparison.Ordinal)))!.Text;
        var screen = browser.FindElement(By.TagName("body")).Text;
        foreach (var typedFact in new[] { "TYPED-42", "187,654", "187654", "187 654" })
        {
            Assert.DoesNotContain(typedFact, screen, StringComparison.Ordinal);
        }

        browser.Navigate().GoToUrl(shareUrl);
        var vin = wait.Until(d => d.FindElements(By.Id("vin")).FirstOrDefault());
        Assert.Contains(carVin, vin!.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("TYPED-42", browser.PageSource, StringComparison.Ordinal);
        Assert.DoesNotContain("187,654", browser.PageSource, StringComparison.Ordinal);
        Assert.Equal(0, (await shop.Api.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{typedId}/scans", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_paired_kiosk_When_typed_VIN_has_a_wrong_check_digit_Then_the_screen_says_so_and_no_scan_starts()
    {
        var browser = Browser(1080, 1920);
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var wait = await PairScreenAsync(browser, shop);

        // One character mistyped (the last): position 9 no longer matches the rest (49 CFR 565).
        wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed))!.SendKeys("1HGCM82633A004353");
        var status = wait.Until(d => d.FindElements(By.CssSelector("#kiosk-vin-status[data-state='typo']")).FirstOrDefault());
        Assert.Contains("mistyped", status!.Text, StringComparison.Ordinal);
        Assert.False(browser.FindElement(By.Id("kiosk-start")).Enabled, "a typo'd VIN cannot start a check");

        // Forced anyway (an old page, a script): the server refuses and the screen stays on the VIN with its reason.
        ((IJavaScriptExecutor)browser).ExecuteScript("const b = document.getElementById('kiosk-start'); b.disabled = false; b.click();");
        wait.Until(d => d.FindElement(By.Id("step-vin")).Displayed
            && d.FindElement(By.Id("kiosk-vin-status")).Text.Contains("mistyped", StringComparison.Ordinal));
        Assert.False(browser.FindElement(By.Id("step-result")).Displayed);
        Assert.Equal(0, (await shop.Api.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_kiosk_When_VIN_is_read_from_a_healthy_car_Then_no_codes_and_a_good_score()
    {
        var browser = Browser(1080, 1920);
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Kiosk?adapter={shop.AdapterId}");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.Id("kiosk-read-vin")).FirstOrDefault(e => e.Displayed))!.Click();
        Wait(browser, 60).Until(d => d.FindElements(By.CssSelector("#kiosk-dtcs .kiosk-no-dtcs")).FirstOrDefault(e => e.Displayed));
        Assert.Equal("good", wait.Until(d => d.FindElement(By.Id("kiosk-band")).GetAttribute("data-band") is { Length: > 0 } b ? b : null));
        Assert.InRange(int.Parse(browser.FindElement(By.Id("kiosk-score")).Text, System.Globalization.CultureInfo.InvariantCulture), 85, 100);
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_scanned_vehicle_Then_dashboard_shows_codes_per_ECU_readiness_history_live_values_report_and_clears_codes()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Api, new { vin = Vin, adapterId = shop.AdapterId });
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();
        var scanId = scan.GetProperty("id").GetGuid();
        var p0300Ecu = scan.GetProperty("dtcs").EnumerateArray().First(d => d.GetProperty("code").GetString() == "P0300").GetProperty("ecu").GetString();
        var device = await (await shop.Api.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dashboard dongle" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var key = device.GetProperty("key").GetString()!;
        // Sent before the page opens: shown from GET .../telemetry/latest on load.
        await PostBatchAsync(key, "before", ("0D", 42));

        var browser = Browser(1280, 900);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Details/{vehicleId}");
        browser.FindElement(By.Id("vehicle-diagnostics-link")).Click();
        var wait = Wait(browser, 20);
        wait.Until(d => d.Url.Contains($"/Diagnostics/Vehicle/{vehicleId}", StringComparison.Ordinal));

        var code = wait.Until(d => d.FindElements(By.CssSelector($"#dtcs .dash-ecu[data-ecu='{p0300Ecu}'] tr[data-code='P0300']")).FirstOrDefault());
        Assert.Contains("misfire", code!.Text, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#readiness .dash-ecu tr[data-monitor]")));
        Assert.NotEmpty(browser.FindElements(By.CssSelector($"#scan-history tr[data-scan-id='{scanId}']")));
        wait.Until(d => int.TryParse(d.FindElement(By.CssSelector("#health-score .score")).Text, out _));
        Assert.Contains(browser.FindElements(By.CssSelector("#findings li")), li => li.Text.Contains("P0300", StringComparison.Ordinal));
        Assert.Equal("rules", wait.Until(d => d.FindElement(By.Id("interpretation-source")).Text is { Length: > 0 } s ? s : null));
        wait.Until(d => d.FindElements(By.CssSelector("#latest-values tr[data-pid='0D'] .value")).FirstOrDefault(e => e.Text == "42"));

        // Live: a batch after the page opened changes the value without a reload.
        wait.Until(d => d.FindElement(By.Id("live-status")).Text == "live");
        await PostBatchAsync(key, "live", ("0C", 1234.5), ("0D", 57));
        wait.Until(d => d.FindElements(By.CssSelector("#latest-values tr[data-pid='0D'] .value")).FirstOrDefault(e => e.Text == "57"));
        Assert.NotNull(wait.Until(d => d.FindElements(By.CssSelector("#latest-values tr[data-pid='0C'] .value")).FirstOrDefault(e => e.Text == "1234.5")));

        // The report: generated here, then a share link and the PDF.
        var generate = wait.Until(d => d.FindElements(By.Id("generate-report")).FirstOrDefault(e => e.Displayed));
        Click(browser, generate!);
        Wait(browser, 60).Until(d => d.FindElements(By.Id("report-status")).FirstOrDefault(e => e.Text.Contains("ready", StringComparison.Ordinal)));
        Assert.Contains("/r/", browser.FindElement(By.Id("report-share")).GetAttribute("href"), StringComparison.Ordinal);

        // Clear codes: behind a dialog that says what is erased.
        Assert.Equal("No code clearing recorded.", wait.Until(d => d.FindElements(By.Id("last-clearing")).FirstOrDefault(e => e.Text.Length > 0))!.Text);
        Click(browser, browser.FindElement(By.Id("clear-codes")));
        var dialog = wait.Until(d => d.FindElements(By.Id("clear-dialog")).FirstOrDefault(e => e.Displayed));
        Assert.Contains("freeze frames", dialog!.Text, StringComparison.Ordinal);
        Assert.Contains("readiness monitor", dialog.Text, StringComparison.Ordinal);
        wait.Until(d => d.FindElement(By.Id("clear-confirm")).Displayed);
        browser.FindElement(By.Id("clear-confirm")).Click();
        var cleared = Wait(browser, 60).Until(d => d.FindElements(By.Id("clear-success")).FirstOrDefault());
        Assert.Contains("Codes cleared", cleared!.Text, StringComparison.Ordinal);
        var last = wait.Until(d => d.FindElements(By.Id("last-clearing")).FirstOrDefault(e => e.Text.StartsWith("Codes last cleared", StringComparison.Ordinal)));
        Assert.Contains("7E8", last!.Text, StringComparison.Ordinal);
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_dashboard_new_scan_Then_progress_and_new_history_row_without_reload()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var first = await ScanAsync(shop.Api, new { vin = Vin, adapterId = shop.AdapterId });
        var vehicleId = first.GetProperty("vehicleId").GetGuid();
        var browser = Browser(1280, 900);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Vehicle/{vehicleId}");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.CssSelector("#scan-history tr[data-scan-id]")).Count == 1);
        ((IJavaScriptExecutor)browser).ExecuteScript("window.__sameDocument = true;");
        Click(browser, browser.FindElement(By.Id("start-scan")));
        Wait(browser, 60).Until(d => d.FindElements(By.CssSelector("#scan-history tr[data-scan-id]")).Count == 2);
        // P0300 and P0301 are each reported stored and permanent: two trouble codes, not four.
        Assert.Equal("Scan complete: 2 trouble codes.", wait.Until(d => d.FindElement(By.Id("scan-start-result")).Text));
        wait.Until(d => d.FindElement(By.Id("scan-summary")).Text.Contains("2 trouble codes", StringComparison.Ordinal));
        Assert.Equal(true, ((IJavaScriptExecutor)browser).ExecuteScript("return window.__sameDocument === true;"));
        Assert.Contains("?scan=", browser.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_dashboard_When_a_service_is_recorded_Then_its_reminder_turns_ok_without_reload()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        var created = await shop.Api.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin, odometerKm = 100_000 }, Ct);
        var vehicleId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var browser = Browser(1280, 900);
        SignIn(browser, shop.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Vehicle/{vehicleId}");
        var wait = Wait(browser, 20);
        // Never serviced at 100,000 km: the oil counts from new and is overdue.
        wait.Until(d => d.FindElements(By.CssSelector("#maintenance tr[data-reminder='oil-filter'][data-urgency='overdue']")).Count == 1);
        // How far past due, in words: "… km overdue", never a negative distance or a "-184 days".
        var due = browser.FindElement(By.CssSelector("#maintenance tr[data-reminder='oil-filter']")).FindElements(By.TagName("td"))[2].Text;
        Assert.Contains("overdue", due, StringComparison.Ordinal);
        Assert.DoesNotContain("-", due, StringComparison.Ordinal);
        // Never scanned: no score that reads as a clean bill of health, a line saying what to do, and the overdue items listed.
        wait.Until(d => d.FindElement(By.Id("health-score")).GetAttribute("data-band") == "unmeasured");
        Assert.Equal("–", browser.FindElement(By.CssSelector("#health-score .score")).Text);
        Assert.Contains("Not scanned yet", browser.FindElement(By.Id("health-unmeasured")).Text, StringComparison.Ordinal);
        Assert.Contains("service overdue", browser.FindElement(By.Id("findings")).Text, StringComparison.Ordinal);

        new SelectElement(browser.FindElement(By.Id("service-key"))).SelectByValue("oil-filter");
        browser.FindElement(By.Id("service-km")).SendKeys("99500");
        Click(browser, browser.FindElement(By.Id("service-save")));

        wait.Until(d => d.FindElements(By.CssSelector("#maintenance tr[data-reminder='oil-filter'][data-urgency='ok']")).Count == 1);
        Assert.Equal("Saved.", browser.FindElement(By.Id("service-result")).Text);
        var log = await shop.Api.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/services", Ct);
        Assert.Equal(99_500, log[0].GetProperty("odometerKm").GetInt32());
        AssertNoCspViolations(browser);
    }

    [Fact]
    public async Task Given_other_organisations_vehicle_or_report_Then_404()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Api, new { vin = Vin, adapterId = shop.AdapterId });
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();
        var report = await (await shop.Api.PostAsJsonAsync($"/api/v1/scans/{scan.GetProperty("id").GetGuid()}/report", new { }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var reportId = report.GetProperty("id").GetGuid();
        await AwaitReportAsync(shop.Api, reportId);

        var stranger = await NewUserAsync("Stranger");
        using var strangerPages = await CookieClientAsync(stranger.Email);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerPages.GetAsync($"/Diagnostics/Vehicle/{vehicleId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerPages.GetAsync($"/Diagnostics/Kiosk?handler=Qr&reportId={reportId}", Ct)).StatusCode);
        using var ownerPages = await CookieClientAsync(shop.Email);
        var qr = await ownerPages.GetAsync($"/Diagnostics/Kiosk?handler=Qr&reportId={reportId}", Ct);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);

        var browser = Browser(1280, 900);
        SignIn(browser, stranger.Email);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Diagnostics/Vehicle/{vehicleId}");
        Assert.Contains("404", browser.PageSource, StringComparison.Ordinal);
        Assert.Empty(browser.FindElements(By.Id("diag-vehicle")));
    }

    // ---- helpers ----

    private sealed record Shop(HttpClient Api, string Email, Guid AdapterId);

    private ChromeDriver Browser(int width, int height)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null || !File.Exists(ChromeDriverPath))
        {
            ServerRequirement.Unavailable("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver).");
        }
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.SetLoggingPreference(LogType.Browser, OpenQA.Selenium.LogLevel.All);
        // The closed network here: no background services, sync or component updates, or Chromium stalls on them.
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={_profile}", $"--window-size={width},{height}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return _driver;
    }

    private static WebDriverWait Wait(IWebDriver driver, int seconds) => new(driver, TimeSpan.FromSeconds(seconds));

    /// <summary>Bootstrap scrolls smoothly: bring the element into view at once, or the click lands while the page still moves.</summary>
    private static void Click(IWebDriver browser, IWebElement element)
    {
        ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' });", element);
        element.Click();
    }

    /// <summary>The pages run under a strict CSP (no inline script or style): a violation shows in the console.</summary>
    private static void AssertNoCspViolations(IWebDriver browser)
    {
        var violations = browser.Manage().Logs.GetLog(LogType.Browser)
            .Where(e => e.Message.Contains("Content Security Policy", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static bool NoHorizontalScroll(IWebDriver browser) =>
        (bool)((IJavaScriptExecutor)browser).ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth;")!;

    private void SignIn(IWebDriver browser, string email)
    {
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys(email);
        browser.FindElement(By.Id("Password")).SendKeys(Password);
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser, 15).Until(d => d.FindElements(By.Id("logout")).Count > 0);
    }

    private static async Task<ElmSimulatorServer> SimulatorAsync(string scenario, string vin = Vin)
    {
        var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = scenario, Port = 0, Seed = 7, Vin = vin });
        await sim.StartAsync(Ct);
        return sim;
    }

    /// <summary>A new person over the real socket, signed in with a bearer token, working in their own organisation.</summary>
    private async Task<(HttpClient Api, string Email)> NewUserAsync(string name)
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        _disposables.Add(api);
        (await api.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, displayName = name }, Ct)).EnsureSuccessStatusCode();
        var token = await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email, password = Password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return (api, email);
    }

    /// <summary>A new person whose (personal) organisation has the simulator registered as its adapter.</summary>
    private async Task<Shop> ShopAsync(ElmSimulatorServer sim)
    {
        var (api, email) = await NewUserAsync("Lane");
        var adapter = await api.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Lane sim", uri = $"tcp://127.0.0.1:{sim.Port}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        return new Shop(api, email, (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
    }

    /// <summary>A kiosk for the shop's adapter, paired on this browser (nobody signed in there); waits for the VIN screen.</summary>
    private async Task<WebDriverWait> PairScreenAsync(IWebDriver browser, Shop shop)
    {
        var created = await shop.Api.PostAsJsonAsync("/api/v1/diagnostics/kiosks", new { name = "Lane kiosk", adapterId = shop.AdapterId }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("pairingUrl").GetString()!);
        browser.Navigate().GoToUrl($"{app.BaseUrl}{link.PathAndQuery}");
        var wait = Wait(browser, 20);
        wait.Until(d => d.FindElements(By.Id("pair-confirm")).FirstOrDefault(e => e.Displayed));
        Click(browser, browser.FindElement(By.Id("pair-confirm")));
        wait.Until(d => d.FindElements(By.Id("kiosk-vin")).FirstOrDefault(e => e.Displayed));
        return wait;
    }

    /// <summary>The pages with a sign-in cookie, as a browser would have them, for status-code checks.</summary>
    private async Task<HttpClient> CookieClientAsync(string email)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = new Uri(app.BaseUrl) };
        _disposables.Add(client);
        var login = await client.GetStringAsync("/Account/Login", Ct);
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var posted = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = Password, ["__RequestVerificationToken"] = token,
        }), Ct);
        Assert.True(posted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"sign-in answered {posted.StatusCode}");
        return client;
    }

    private static async Task<JsonElement> ScanAsync(HttpClient api, object request)
    {
        var started = await api.PostAsJsonAsync("/api/v1/scans", request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var scan = await api.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{id}", Ct);
            if (scan.GetProperty("status").GetString() is "completed" or "failed")
            {
                Assert.Equal("completed", scan.GetProperty("status").GetString());
                return scan;
            }
            Assert.True(DateTime.UtcNow < deadline, $"scan {id} did not finish in 60 s");
            await Task.Delay(100, Ct);
        }
    }

    private static async Task AwaitReportAsync(HttpClient api, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await api.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct)).GetProperty("status").GetString() == "queued")
        {
            Assert.True(DateTime.UtcNow < deadline, $"report {id} not ready in 60 s");
            await Task.Delay(100, Ct);
        }
    }

    private async Task PostBatchAsync(string deviceKey, string batchId, params (string Pid, double Value)[] samples)
    {
        using var device = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var t = DateTime.UtcNow.AddMilliseconds(-500).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = JsonSerializer.Serialize(new { batchId = $"{batchId}-{Guid.NewGuid():N}", samples = samples.Select(s => new { t, pid = s.Pid, value = s.Value }) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Device-Key", deviceKey);
        (await device.SendAsync(request, Ct)).EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        _driver?.Quit();
        _driver?.Dispose();
        foreach (var d in _disposables)
        {
            d.Dispose();
        }
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits (or never created it); the temp cleaner takes it.
        }
    }
}
