using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>The live page in headless Chromium: SignalR connects with the page's cookie, joins the vehicle and shows a batch.</summary>
public sealed class LiveBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"pitlane-chromium-{Guid.NewGuid():N}");
    private ChromeDriver? _driver;

    [Fact]
    public async Task Given_open_live_page_When_a_device_sends_a_batch_Then_latest_value_and_chart_update_without_reload()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null || !File.Exists(ChromeDriverPath))
        {
            ServerRequirement.Unavailable("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver).");
        }
        // Over the real socket: this fixture's server is Kestrel, not the in-memory test server.
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email = "owner@demo.pitlane.test", password = "Pitlane-demo-1" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        api.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        var vehicleId = (await api.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var device = await (await api.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Browser test dongle" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = device.GetProperty("key").GetString()!;

        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={_profile}", "--window-size=1280,900");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        var browser = _driver;
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20));
        browser.SignIn(app.BaseUrl, "owner@demo.pitlane.test");

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Details/{vehicleId}");
        browser.FindElement(By.Id("vehicle-live-link")).Click();
        wait.Until(d => d.FindElement(By.Id("live-status")).Text == "live");
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#charts canvas")));

        using var deviceClient = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var t = DateTime.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
        {
            Content = new StringContent($$"""{"batchId":"browser-1","samples":[{"t":"{{t}}","pid":"0C","value":1234.5},{"t":"{{t}}","pid":"gps.speed","value":51}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Device-Key", key);
        (await deviceClient.SendAsync(request)).EnsureSuccessStatusCode();

        var value = wait.Until(d => d.FindElements(By.CssSelector("#latest-values tr[data-pid='0C'] .value")).FirstOrDefault(e => e.Text == "1234.5"));
        Assert.NotNull(value);
        Assert.NotNull(wait.Until(d => d.FindElements(By.CssSelector("#latest-values tr[data-pid='gps.speed'] .value")).FirstOrDefault(e => e.Text == "51")));
        // The engine-speed chart received the point (Chart.js keeps its data on the chart instance).
        var points = ((IJavaScriptExecutor)browser).ExecuteScript(
            "return Chart.getChart(document.querySelector('#charts [data-pid=\"0C\"] canvas')).data.datasets[0].data.length;");
        Assert.Equal(1L, points);
    }

    public void Dispose()
    {
        _driver?.Quit();
        _driver?.Dispose();
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
