using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// A driver in headless Chromium finds a part that fits their car, adds it and a second part to the cart, checks out and
/// pays each order on the built-in processor's checkout page (the offline default); an order then moves to "shipped" on
/// the open page when the seller ships it. Screenshots at 1366x900 and 390x844 go to $TMPDIR/pitlane-marketplace-screens for a person to look at.
/// </summary>
public sealed class MarketplaceBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const string AccordVin = "1HGCM82633A004352";
    private readonly HeadlessChromium _chromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-marketplace-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(20));

    private void Shoot(ChromeDriver browser, string name)
    {
        foreach (var (size, width, height) in new[] { ("desktop", 1366, 900), ("phone", 390, 844) })
        {
            browser.Manage().Window.Size = new System.Drawing.Size(width, height);
            browser.GetScreenshot().SaveAsFile(Path.Combine(_screens, $"{name}-{size}.png"));
        }
        browser.Manage().Window.Size = new System.Drawing.Size(1366, 900);
    }

    private async Task<HttpClient> ClientAsync(string email, string password, Guid? organization = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (organization is { } org)
        {
            http.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        }
        return http;
    }

    private static object Listing(string title, int yearFrom, int yearTo, string make, string model, long price) => new
    {
        title, partNumber = "BP-" + Guid.NewGuid().ToString("N")[..5], brand = "Akebono", condition = "new", description = "Front ceramic brake pads, pair of axles.",
        price, currency = "usd", quantity = 4, fitment = new[] { new { yearFrom, yearTo, make, model } },
        shipping = new object[] { new { name = "Standard", price = 900, days = 4 }, new { name = "Express", price = 2_400, days = 1 } },
    };

    [Fact]
    public async Task Given_driver_with_a_car_When_finding_a_part_that_fits_and_checking_out_Then_the_order_is_in_escrow_and_shipping_shows_live()
    {
        Directory.CreateDirectory(_screens);
        using var owner = await ClientAsync("owner@demo.pitlane.test", "Pitlane-demo-1");
        var shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        using var seller = await ClientAsync("owner@demo.pitlane.test", "Pitlane-demo-1", shop);
        var marker = "Kc" + Guid.NewGuid().ToString("N")[..6];
        var fits = await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing($"Brake pads {marker} Accord", 2001, 2007, "Honda", "Accord", 6_450), Ct);
        fits.EnsureSuccessStatusCode();
        var fitsId = (await fits.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var other = await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing($"Brake pads {marker} Silverado", 2015, 2019, "Chevrolet", "Silverado", 7_900), Ct);
        other.EnsureSuccessStatusCode();
        var silverado = (await other.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var email = $"driver-{Guid.NewGuid():N}@example.test";
        using (var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            (await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "Correct-horse-9", displayName = "Driver" }, Ct)).EnsureSuccessStatusCode();
        }
        using var driver = await ClientAsync(email, "Correct-horse-9");
        var vehicle = await driver.PostAsJsonAsync("/api/v1/vehicles", new { vin = AccordVin, nickname = "Daily" }, Ct);
        vehicle.EnsureSuccessStatusCode();
        var vehicleId = (await vehicle.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var browser = _chromium.Start();
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys(email);
        browser.FindElement(By.Id("Password")).SendKeys("Correct-horse-9");
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count > 0);

        // Search by words, then pick the car: the list keeps the part that fits and drops the one that does not.
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace");
        Assert.Contains("Find parts", browser.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);
        browser.FindElement(By.Id("q")).SendKeys($"brake {marker}");
        browser.FindElement(By.Id("market-search-go")).Click();
        Wait(browser).Until(d => d.FindElements(By.CssSelector(".market-result")).Count == 2);
        Wait(browser).Until(d => d.FindElements(By.CssSelector($"#vehicleId option[value='{vehicleId}']")).Count == 1);
        new SelectElement(browser.FindElement(By.Id("vehicleId"))).SelectByValue(vehicleId.ToString());
        Wait(browser).Until(d => d.Url.Contains("vehicleId=", StringComparison.Ordinal) && d.FindElements(By.CssSelector(".market-result")).Count == 1);
        var result = browser.FindElement(By.CssSelector(".market-result"));
        Assert.Equal(fitsId.ToString(), result.GetDomAttribute("data-listing"));
        Assert.Contains("fits your car", result.Text, StringComparison.OrdinalIgnoreCase);
        Shoot(browser, "search");

        browser.FindElement(By.CssSelector($"a[href='/Marketplace/Listing/{fitsId}']")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("market-listing")).Count == 1);
        new SelectElement(browser.FindElement(By.Id("shipping"))).SelectByValue("Express");
        Shoot(browser, "listing");
        browser.FindElement(By.CssSelector("[data-market-add]")).Click();
        Wait(browser).Until(d => d.FindElement(By.Id("market-added")).Displayed);

        // A second part of the same seller goes into the cart too: two orders, two payments on the processor's page.
        (await driver.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = silverado }, Ct)).EnsureSuccessStatusCode();
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace/Cart");
        Assert.Equal("176.50 USD", browser.FindElement(By.Id("market-total")).Text);
        Assert.DoesNotContain("pm_", browser.FindElement(By.Id("market-cart")).Text, StringComparison.Ordinal);
        Shoot(browser, "cart");
        browser.FindElement(By.Id("market-pay")).Click();
        browser.PayWithCard();

        // Back on the orders: the first is paid and held, the second waits with "Pay" at the top.
        IWebElement Row(IWebDriver d, string model) => d.FindElements(By.CssSelector("tr.market-order")).Single(r => r.GetDomAttribute("data-title")!.EndsWith(model, StringComparison.Ordinal));
        string StatusOf(IWebDriver d, string model) => Row(d, model).FindElement(By.CssSelector("[data-order-status]")).Text;
        Wait(browser).Until(d => d.Url.Contains("/Marketplace/Orders?paying=", StringComparison.Ordinal) && d.FindElements(By.CssSelector("tr.market-order")).Count == 2);
        Wait(browser).Until(d => d.FindElement(By.Id("live-state")).Text == "live");
        Wait(browser).Until(d => StatusOf(d, "Accord") == "paid, held");
        Assert.Equal("waiting for payment", StatusOf(browser, "Silverado"));
        Assert.True(browser.FindElement(By.Id("market-pay-next")).Displayed);
        Assert.Contains("Silverado: 88.00 USD", browser.FindElement(By.Id("market-pay-next")).Text, StringComparison.Ordinal);
        Shoot(browser, "orders-to-pay");
        browser.FindElement(By.Id("market-pay-next")).Click();
        browser.PayWithCard();
        Wait(browser).Until(d => d.Url.Contains("/Marketplace/Orders?paying=", StringComparison.Ordinal) && StatusOf(d, "Silverado") == "paid, held");
        Assert.False(browser.FindElement(By.Id("market-to-pay")).Displayed);
        Wait(browser).Until(d => d.FindElement(By.Id("live-state")).Text == "live");

        // The seller ships: the open page shows it without a reload, and offers "Confirm delivery".
        var row = Row(browser, "Accord");
        var orderId = row.GetDomAttribute("data-order");
        (await seller.PostAsJsonAsync($"/api/v1/marketplace/orders/{orderId}/ship", new { tracking = "1Z999AA10123456784" }, Ct)).EnsureSuccessStatusCode();
        Wait(browser).Until(d => StatusOf(d, "Accord") == "shipped");
        Assert.True(row.FindElement(By.CssSelector("[data-market-order='confirm-delivery']")).Displayed);
        Shoot(browser, "orders");

        // Delivered, then rated in the form under the row (no browser prompt): a missing star count is said in the form.
        row.FindElement(By.CssSelector("[data-market-order='confirm-delivery']")).Click();
        Wait(browser).Until(d => StatusOf(d, "Accord") == "delivered");
        row.FindElement(By.CssSelector("[data-market-order='rating']")).Click();
        var rating = Wait(browser).Until(d => d.FindElements(By.CssSelector(".market-order-form[data-form='rating']")).SingleOrDefault(f => f.Displayed));
        rating!.FindElement(By.CssSelector("button[type=submit]")).Click();
        Wait(browser).Until(_ => rating.FindElement(By.CssSelector("[data-form-error]")).Displayed);
        Assert.Contains("stars", rating.FindElement(By.CssSelector("[data-form-error]")).Text, StringComparison.Ordinal);
        rating.FindElement(By.CssSelector($"label[for='stars-{orderId}-4']")).Click();
        rating.FindElement(By.Name("comment")).SendKeys("Fast and well packed");
        Shoot(browser, "rating");
        rating.FindElement(By.CssSelector("button[type=submit]")).Click();
        Wait(browser).Until(_ => !rating.Displayed && !row.FindElement(By.CssSelector("[data-market-order='rating']")).Displayed);
        var rated = await driver.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/orders/{orderId}", Ct);
        Assert.Equal(4, rated.GetProperty("rating").GetInt32());
        Assert.Equal("Fast and well packed", rated.GetProperty("ratingComment").GetString());
    }

    public void Dispose() => _chromium.Dispose();
}
