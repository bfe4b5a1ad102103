using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Shop;

/// <summary>
/// Issue 13, item 9 in headless Chromium: the shop's manager checks a CSV file on /Shop/Imports (nothing saved), imports
/// it, sees what it did and the past import in the shop's time zone, and finds the customer; a technician is told the
/// page is for managers. Screenshots at 1366x900 and 390x844 go to $TMPDIR/pitlane-shop-import-screens.
/// </summary>
public sealed class ShopImportBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly HeadlessChromium _techChromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-shop-import-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Given_a_manager_with_a_CSV_file_When_checked_then_imported_on_the_page_Then_customers_appear_and_the_import_is_listed_in_shop_time()
    {
        var tag = "Imp" + Guid.NewGuid().ToString("N")[..6];
        var file = Path.Combine(Path.GetTempPath(), $"customers-{tag}.csv");
        await File.WriteAllTextAsync(file,
            "Customer Name,Phone,E-mail,License Plate,VIN,Year,Make,Model\r\n"
            + $"Ada {tag},+49 30 1234567,ada.{tag}@example.test,B-AD 1,1HGCM82633A004352,2003,Honda,Accord\r\n"
            + $"Bob {tag},+49 30 7654321,,,,,,\r\n"
            + $"Broken {tag},,not-an-email,,NOTAVIN,,,\r\n", Ct);
        using var api = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "manager@demo.pitlane.test", Ct);

        var browser = _chromium.Start(1366, 900);
        browser.SignIn(app.BaseUrl, "manager@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Imports");
        Wait(browser).Until(d => d.FindElement(By.Id("import-runs")).Text.Length > 0 && !d.FindElement(By.Id("import-runs")).Text.Contains("Loading", StringComparison.Ordinal));
        var before = (await api.GetFromJsonAsync<JsonElement>("/api/v1/shop/imports/runs?pageSize=1", Ct)).GetProperty("total").GetInt32();

        // Check first: the result says what would happen, and nothing is saved yet.
        browser.FindElement(By.Id("csv-file")).SendKeys(file);
        browser.FindElement(By.Id("csv-check")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("csv-result")).Count == 1 && d.FindElement(By.Id("csv-import")).Enabled);
        Assert.Contains("Broken", browser.FindElement(By.Id("csv-result")).Text, StringComparison.Ordinal);
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q={tag}", Ct)).GetProperty("total").GetInt32());
        browser.Shoot(_screens, "checked");

        browser.FindElement(By.Id("csv-import")).Click();
        var zone = browser.FindElement(By.Id("import-runs")).GetDomAttribute("data-time-zone")!;
        Wait(browser).Until(d => d.FindElements(By.CssSelector("#import-runs li")).Count == Math.Min(before + 1, 20));
        var latest = browser.FindElement(By.CssSelector("#import-runs li"));
        Assert.Contains($"CSV customers-{tag}.csv", latest.Text, StringComparison.Ordinal);
        Assert.Contains("2 new customers", latest.Text, StringComparison.Ordinal);
        Assert.Contains($"({zone})", latest.Text, StringComparison.Ordinal);
        browser.Shoot(_screens, "imported");
        // At phone width nothing makes the page scroll sideways (the result table scrolls in its own box).
        browser.Manage().Window.Size = new System.Drawing.Size(390, 844);
        Assert.True((bool)((IJavaScriptExecutor)browser).ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth;")!,
            "the import page is wider than a phone");
        browser.Manage().Window.Size = new System.Drawing.Size(1366, 900);

        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q={tag}", Ct);
        Assert.Equal(2, found.GetProperty("total").GetInt32());

        // A technician of the same shop is told who may import, and the API refuses them too.
        var tech = _techChromium.Start(390, 844);
        tech.SignIn(app.BaseUrl, "tech@demo.pitlane.test");
        tech.Navigate().GoToUrl($"{app.BaseUrl}/Shop/Imports");
        Assert.Contains("managers", tech.FindElement(By.Id("imports-denied")).Text, StringComparison.Ordinal);
        Assert.Empty(tech.FindElements(By.Id("csv-form")));
        using var techApi = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "tech@demo.pitlane.test", Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await techApi.GetAsync("/api/v1/shop/imports/runs", Ct)).StatusCode);
        File.Delete(file);
    }

    public void Dispose()
    {
        _chromium.Dispose();
        _techChromium.Dispose();
    }
}
