using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Inspections;

namespace Pitlane.Web.Tests.Shop;

/// <summary>
/// Issue 13's "Done when" in headless Chromium over a real Kestrel socket, in one flow with three people signed in at
/// once: the advisor adds the scanned car's owner and makes the repair order from the scan in one click; the manager's
/// job board (a second browser) moves the card live; the technician starts and clocks on the job from a 390×844 window;
/// once the order is invoiced the manager's KPIs count one more car; the manager books a bay on the touch terminal.
/// Screenshots (desktop and phone) go to $TMPDIR/pitlane-shop-screens.
/// </summary>
public sealed class ShopBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _advisor = new();
    private readonly HeadlessChromium _tech = new();
    private readonly HeadlessChromium _manager = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-shop-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>30 s; an element that a page reload replaced between finding and reading it is simply looked up again.</summary>
    private static WebDriverWait Wait(IWebDriver driver)
    {
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(30));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait;
    }

    /// <summary>A real 390×844 phone viewport (headless Chromium keeps windows at least 500 px wide).</summary>
    private static void Phone(ChromeDriver browser) =>
        browser.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = 390, ["height"] = 844, ["deviceScaleFactor"] = 1, ["mobile"] = true,
        });

    private void Shoot(ChromeDriver browser, string name)
    {
        Directory.CreateDirectory(_screens);
        var before = browser.Manage().Window.Size;
        browser.Manage().Window.Size = new System.Drawing.Size(1366, 900);
        browser.GetScreenshot().SaveAsFile(Path.Combine(_screens, $"{name}-desktop.png"));
        Phone(browser);
        browser.GetScreenshot().SaveAsFile(Path.Combine(_screens, $"{name}-phone.png"));
        browser.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", []);
        browser.Manage().Window.Size = before;
    }

    private async Task<HttpClient> ClientAsync(string role, Guid? shop = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email = $"{role}@demo.pitlane.test", password = "Pitlane-demo-1" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        shop ??= (await http.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        http.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return http;
    }

    private static async Task<JsonElement> Send(HttpClient http, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private ChromeDriver SignIn(HeadlessChromium chromium, string role, int width, int height)
    {
        var browser = chromium.Start(width, height);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys($"{role}@demo.pitlane.test");
        browser.FindElement(By.Id("Password")).SendKeys("Pitlane-demo-1");
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count > 0);
        return browser;
    }

    /// <summary>A DOM click after scrolling the element to the middle: at phone size the fixed navigation may cover it.</summary>
    private static void Click(ChromeDriver browser, IWebElement element) =>
        browser.ExecuteScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element);

    private static int CarCount(ChromeDriver manager)
    {
        Wait(manager).Until(d => d.FindElements(By.Id("kpi-car-count")).Count + d.FindElements(By.Id("kpis-empty")).Count > 0);
        return manager.FindElements(By.Id("kpi-car-count")) is [var count] ? int.Parse(count.Text, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static bool OnBoard(IWebDriver board, string column, Guid order) =>
        board.FindElements(By.CssSelector($"section[data-status='{column}'] [data-order-id='{order}']")).Count > 0;

    [Fact]
    public async Task Given_a_scan_When_advisor_makes_the_order_and_technician_clocks_on_from_a_phone_Then_board_is_live_kpis_change_and_floor_books_a_bay()
    {
        using var advisorApi = await ClientAsync("advisor");
        var shop = Guid.Parse(advisorApi.DefaultRequestHeaders.GetValues("X-Organization-Id").Single());
        using var managerApi = await ClientAsync("manager", shop);
        using var techApi = await ClientAsync("tech", shop);
        // A demo car without a repair order, and the simulator answering with its VIN.
        var busy = (await advisorApi.GetFromJsonAsync<JsonElement>("/api/v1/shop/orders?pageSize=100", Ct)).GetProperty("items").EnumerateArray()
            .Select(o => o.GetProperty("vehicleId").GetGuid()).ToHashSet();
        var car = (await advisorApi.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?pageSize=100", Ct)).GetProperty("items").EnumerateArray()
            .First(v => !busy.Contains(v.GetProperty("id").GetGuid()));
        var vehicle = car.GetProperty("id").GetGuid();
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7, Vin = car.GetProperty("vin").GetString()! });
        await sim.StartAsync(Ct);
        var adapter = (await Send(managerApi, HttpMethod.Post, "/api/v1/diagnostics/adapters", new { name = "Lane sim", uri = $"tcp://127.0.0.1:{sim.Port}" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var scan = (await Send(advisorApi, HttpMethod.Post, "/api/v1/scans", new { vehicleId = vehicle, adapterId = adapter }, HttpStatusCode.Accepted)).GetProperty("id").GetGuid();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ;)
        {
            var status = (await advisorApi.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scan}", Ct)).GetProperty("status").GetString();
            if (status == "completed")
            {
                break;
            }
            Assert.True(status != "failed" && DateTime.UtcNow < deadline, $"scan {status}");
            await Task.Delay(100, Ct);
        }

        // The manager: KPIs before, then the job board, live.
        var manager = SignIn(_manager, "manager", 1366, 900);
        manager.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Kpis");
        var carsBefore = CarCount(manager);
        manager.Navigate().GoToUrl($"{app.BaseUrl}/Shop");
        Wait(manager).Until(d => d.FindElement(By.Id("live-status")).Text == "live");

        // The advisor on the scan's page: the car has no owner in the shop yet, so the button adds them first.
        var advisor = SignIn(_advisor, "advisor", 1366, 900);
        var scanPage = $"{app.BaseUrl}/Diagnostics/Vehicle/{vehicle}";
        advisor.Navigate().GoToUrl(scanPage);
        Click(advisor, Wait(advisor).Until(d => d.FindElements(By.Id("scan-add-owner")).FirstOrDefault())!);
        Wait(advisor).Until(d => d.FindElements(By.Id("customer-form")).Count > 0);
        Shoot(advisor, "customer-new");
        advisor.FindElement(By.Id("Name")).SendKeys("Jordan Reyes");
        advisor.FindElement(By.Id("Phone")).SendKeys("+1 555 010 7777");
        advisor.FindElement(By.Id("SmsConsent")).Click();
        advisor.FindElement(By.Id("save-customer")).Click();
        Wait(advisor).Until(d => d.Url.Contains("/Shop/Customers/", StringComparison.Ordinal) && d.PageSource.Contains(car.GetProperty("vin").GetString()!, StringComparison.Ordinal));
        Shoot(advisor, "customer-details");
        var customer = advisor.Url.Split('/')[^1];
        advisor.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Orders/New?customerId={customer}");
        Shoot(advisor, "order-new");
        advisor.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Customers?q=reyes");
        Assert.Single(advisor.FindElements(By.CssSelector($"[data-customer-id='{customer}']")));
        Shoot(advisor, "customers");

        // One click on the scan's page: the findings become the order's jobs.
        advisor.Navigate().GoToUrl(scanPage);
        var create = Wait(advisor).Until(d => d.FindElements(By.Id("scan-create-order")).FirstOrDefault())!;
        Shoot(advisor, "scan-page");
        Click(advisor, create);
        Wait(advisor).Until(d => d.Url.Contains("/Shop/Orders/", StringComparison.Ordinal) && d.FindElements(By.Id("order-status")).Count > 0);
        var order = Guid.Parse(advisor.Url.Split('/')[^1]);
        Assert.Contains("P0300", advisor.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
        var jobs = advisor.FindElements(By.CssSelector(".job-card")).Count;
        Assert.True(jobs > 0);
        Assert.Equal("estimate", advisor.FindElement(By.Id("order-status")).Text);
        Wait(manager).Until(d => OnBoard(d, "Estimate", order));
        // The check-in at the counter, with a walk-around photo through the file input.
        var odometer = advisor.FindElement(By.Id("check-odometer"));
        odometer.Clear();
        odometer.SendKeys("40500");
        advisor.FindElement(By.Id("check-key")).SendKeys("K-9");
        advisor.FindElement(By.Id("check-photos")).SendKeys(Clips.Photo());
        Click(advisor, advisor.FindElement(By.Id("check-save")));
        Wait(advisor).Until(d => Equals(true, ((IJavaScriptExecutor)d).ExecuteScript(
            "const img = document.querySelector('.vehicle-check .check-photos img'); return !!img && img.complete && img.naturalWidth > 0;")));
        Assert.Contains("key K-9", advisor.FindElement(By.Id("vehicle-checks")).Text, StringComparison.Ordinal);
        advisor.ExecuteScript("window.scrollTo(0, 0);");
        Shoot(advisor, "order-from-scan");
        Click(advisor, advisor.FindElement(By.Id("next-step")));
        Wait(advisor).Until(d => d.FindElement(By.Id("order-status")).Text == "authorised");
        Wait(manager).Until(d => OnBoard(d, "Authorised", order));

        // The technician on a phone: start the work, clock on the first job.
        var tech = SignIn(_tech, "tech", 500, 844);
        Phone(tech);
        tech.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Orders/{order}");
        Click(tech, Wait(tech).Until(d => d.FindElement(By.Id("next-step"))));
        Wait(tech).Until(d => d.FindElement(By.Id("order-status")).Text == "in progress" || d.FindElement(By.Id("shop-error")).Displayed);
        Assert.True(tech.FindElement(By.Id("order-status")).Text == "in progress", $"start refused: {tech.FindElement(By.Id("shop-error")).Text}");
        Assert.Equal(390L, tech.ExecuteScript("return window.innerWidth;"));
        Wait(manager).Until(d => OnBoard(d, "InProgress", order));
        Click(tech, Wait(tech).Until(d => d.FindElements(By.CssSelector("button.clock-in")).FirstOrDefault()));
        var running = Wait(tech).Until(d => d.FindElements(By.Id("clock-running")).FirstOrDefault());
        Assert.True(Equals(true, tech.ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth;")), "the phone page scrolls sideways");
        var clock = await Send(techApi, HttpMethod.Get, "/api/v1/shop/clock", null, HttpStatusCode.OK);
        Assert.Equal(order, clock.GetProperty("repairOrderId").GetGuid());
        tech.ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", running);
        tech.GetScreenshot().SaveAsFile(Path.Combine(_screens, "technician-clock-phone.png"));
        Click(tech, tech.FindElement(By.Id("clock-out")));
        Wait(tech).Until(d => d.FindElements(By.CssSelector("button.clock-in")).Count > 0);
        await Send(techApi, HttpMethod.Get, "/api/v1/shop/clock", null, HttpStatusCode.NoContent);

        // Finished, invoiced and paid over the API; the manager's KPIs count one more car.
        var ro = $"/api/v1/shop/orders/{order}";
        foreach (var job in (await advisorApi.GetFromJsonAsync<JsonElement>(ro, Ct)).GetProperty("jobs").EnumerateArray())
        {
            if (job.GetProperty("status").GetString() is "authorised" or "in_progress")
            {
                await Send(techApi, HttpMethod.Post, $"{ro}/jobs/{job.GetProperty("id").GetGuid()}/work", new { state = "done" }, HttpStatusCode.OK);
            }
        }
        await Send(techApi, HttpMethod.Post, $"{ro}/complete", new { }, HttpStatusCode.OK);
        var invoiced = await Send(advisorApi, HttpMethod.Post, $"{ro}/invoice", new { }, HttpStatusCode.OK);
        await Send(advisorApi, HttpMethod.Post, $"{ro}/payments", new { method = "cash", amount = invoiced.GetProperty("balanceDue").GetInt64() }, HttpStatusCode.OK);
        manager.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Kpis");
        Assert.Equal(carsBefore + 1, CarCount(manager));

        // The loaner page: lend a car to the new customer, then take it back.
        var loaner = (await Send(managerApi, HttpMethod.Post, "/api/v1/shop/loaners", new { name = "Loaner Golf", plate = "LOAN-1", odometerKm = 12_000, fuelEighths = 8 },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        advisor.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Loaners?customerId={customer}");
        Click(advisor, Wait(advisor).Until(d => d.FindElement(By.Id($"lend-{loaner}"))));
        var agreement = Wait(advisor).Until(d => d.FindElements(By.CssSelector($"section[data-loaner-id='{loaner}'] .agreement")).FirstOrDefault());
        Assert.Contains("Jordan Reyes", agreement!.Text, StringComparison.Ordinal);
        Shoot(advisor, "loaners");
        var returned = agreement.FindElement(By.CssSelector("input[name='odometerInKm']"));
        returned.SendKeys("12080");
        Click(advisor, agreement.FindElement(By.CssSelector("button[type='submit']")));
        Wait(advisor).Until(d => d.FindElements(By.CssSelector($"section[data-loaner-id='{loaner}'] .agreement")).Count == 0);
        var fleet = await advisorApi.GetFromJsonAsync<JsonElement>("/api/v1/shop/loaners", Ct);
        Assert.Equal(12_080, fleet.EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == loaner).GetProperty("odometerKm").GetInt32());

        // The touch terminal (1080p landscape): one tap books the first bay's next free half hour.
        manager.Manage().Window.Size = new System.Drawing.Size(1920, 1080);
        manager.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Floor");
        var bay = Wait(manager).Until(d => d.FindElements(By.CssSelector("section.floor-bay")).FirstOrDefault())!.GetAttribute("data-bay-id");
        int Bookings(IWebDriver d) => d.FindElements(By.CssSelector($"section[data-bay-id='{bay}'] .floor-booking")).Count;
        var before = Bookings(manager);
        manager.FindElement(By.CssSelector($"[data-book-bay='{bay}'][data-minutes='30']")).Click();
        Wait(manager).Until(d => Bookings(d) == before + 1);
    }

    public void Dispose()
    {
        // What each browser showed when the test ended (kept for a failure; overwritten by the next run).
        foreach (var (name, chromium) in new[] { ("advisor", _advisor), ("tech", _tech), ("manager", _manager) })
        {
            try
            {
                Directory.CreateDirectory(_screens);
                chromium.Start().GetScreenshot().SaveAsFile(Path.Combine(_screens, $"last-{name}.png"));
            }
            catch (WebDriverException)
            {
                // That browser was never started or has gone.
            }
        }
        _advisor.Dispose();
        _tech.Dispose();
        _manager.Dispose();
    }
}
