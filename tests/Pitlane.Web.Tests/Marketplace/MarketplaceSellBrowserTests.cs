using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Studio;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// A seller lists a part from the page, not the API: from Sales &amp; payouts to "List a part"; a price typed wrong is
/// refused in the form, a fitment row the server refuses is marked on its own row, and nothing is saved either time;
/// then the part is saved with a photo and opens as a listing; an edit changes its price. Screenshots (desktop and
/// phone) go to $TMPDIR/pitlane-marketplace-screens.
/// </summary>
public sealed class MarketplaceSellBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-marketplace-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Shoot(ChromeDriver browser, string name) => browser.Shoot(_screens, name);

    private static void Type(IWebDriver browser, string name, string text)
    {
        var input = browser.FindElement(By.Name(name));
        input.Clear();
        input.SendKeys(text);
    }

    private static async Task<JsonElement[]> MineAsync(HttpClient api, string partNumber) =>
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/listings?pageSize=100", Ct)).GetProperty("items").EnumerateArray()
            .Where(l => l.GetProperty("partNumber").GetString() == partNumber).ToArray();

    [Fact]
    public async Task Given_seller_When_listing_a_part_on_the_page_Then_bad_input_is_marked_and_the_saved_listing_opens_and_edits()
    {
        using var api = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "owner@demo.pitlane.test", Ct);
        var partNumber = $"BP-{Guid.NewGuid():N}"[..12];
        var photo = Path.Combine(Path.GetTempPath(), $"sell-browser-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(photo, StudioTests.CarPhoto(320, 240), Ct);
        try
        {
            var browser = _chromium.Start(1366, 900);
            var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));
            browser.SignIn(app.BaseUrl, "owner@demo.pitlane.test");
            browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace/Sales");
            browser.FindElement(By.Id("list-a-part")).Click();
            wait.Until(d => d.FindElements(By.Id("sell-form")).Count > 0);

            Type(browser, "title", "Front brake pads, ceramic");
            Type(browser, "partNumber", partNumber);
            Type(browser, "brand", "Brembo");
            Type(browser, "price", "forty");
            Type(browser, "fitment[0].yearFrom", "2015");
            Type(browser, "fitment[0].yearTo", "2020");
            Type(browser, "fitment[0].make", "Honda");
            Type(browser, "fitment[0].model", "Civic");
            Shoot(browser, "sell-new");

            // A price that is not an amount: refused in the form before anything is sent.
            browser.FindElement(By.Id("sell-save")).Click();
            wait.Until(d => d.FindElements(By.CssSelector("#sell-errors .alert-danger")).Count > 0);
            Assert.Contains("Write the price as an amount", browser.FindElement(By.Id("sell-errors")).Text, StringComparison.Ordinal);
            Assert.Contains("is-invalid", browser.FindElement(By.Name("price")).GetAttribute("class"), StringComparison.Ordinal);
            Assert.Empty(await MineAsync(api, partNumber));

            // A fitment year the server refuses: marked on its row (the second), nothing saved.
            Type(browser, "price", "49.90");
            Type(browser, "fitment[1].yearFrom", "1800");
            Type(browser, "fitment[1].make", "Honda");
            Type(browser, "fitment[1].model", "Accord");
            browser.FindElement(By.Id("sell-save")).Click();
            wait.Until(d => d.FindElement(By.Id("sell-errors")).Text.Contains("Fits, row 2", StringComparison.Ordinal));
            Assert.Contains("is-invalid", browser.FindElement(By.Name("fitment[1].yearFrom")).GetAttribute("class"), StringComparison.Ordinal);
            Assert.DoesNotContain("is-invalid", browser.FindElement(By.Name("price")).GetAttribute("class"), StringComparison.Ordinal);
            Shoot(browser, "sell-errors");
            Assert.Empty(await MineAsync(api, partNumber));

            // Fixed (the row emptied), with a photo: saved, and the listing opens.
            foreach (var field in new[] { "yearFrom", "make", "model" })
            {
                browser.FindElement(By.Name($"fitment[1].{field}")).Clear();
            }
            browser.FindElement(By.Id("photos")).SendKeys(photo);
            browser.FindElement(By.Id("sell-save")).Click();
            wait.Until(d => d.Url.Contains("/Marketplace/Listing/", StringComparison.Ordinal));
            Assert.Contains("Front brake pads, ceramic", browser.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);
            Assert.Contains("49.90 USD", browser.PageSource, StringComparison.Ordinal);
            var saved = Assert.Single(await MineAsync(api, partNumber));
            Assert.Equal(4990, saved.GetProperty("price").GetInt64());
            Assert.Equal(1, saved.GetProperty("fitment").GetArrayLength());
            Assert.Equal(1, saved.GetProperty("shipping").GetArrayLength());
            var id = saved.GetProperty("id").GetGuid();
            var listing = await api.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{id}", Ct);
            Assert.Equal(1, listing.GetProperty("photoIds").GetArrayLength());

            // Edit from Sales & payouts: a new price.
            browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace/Sales");
            browser.FindElement(By.CssSelector($"a[href='/Marketplace/Sell/{id}']")).Click();
            wait.Until(d => d.FindElements(By.Id("sell-form")).Count > 0);
            Assert.Equal("49.90", browser.FindElement(By.Name("price")).GetAttribute("value"));
            Assert.NotEmpty(browser.FindElements(By.CssSelector("#sell-photos img")));
            Shoot(browser, "sell-edit");
            Type(browser, "price", "45.00");
            browser.FindElement(By.Id("sell-save")).Click();
            wait.Until(d => d.Url.Contains("/Marketplace/Listing/", StringComparison.Ordinal));
            Assert.Contains("45.00 USD", browser.PageSource, StringComparison.Ordinal);
            Assert.Equal(4500, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{id}", Ct)).GetProperty("price").GetInt64());
        }
        finally
        {
            File.Delete(photo);
        }
    }

    [Fact]
    public async Task Given_technician_Then_the_sell_page_refuses_without_showing_the_form()
    {
        using var owner = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "owner@demo.pitlane.test", Ct);
        var created = await owner.PostAsJsonAsync("/api/v1/marketplace/listings", new
        {
            title = "Oil filter", partNumber = $"OF-{Guid.NewGuid():N}"[..12], brand = "Mann", condition = "new", price = 990, currency = "usd", quantity = 3,
            shipping = new[] { new { name = "Standard", price = 500, days = 4 } },
        }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        // The technician may not sell: the page says so, without the form.
        var browser = _chromium.Start(1366, 900);
        browser.SignIn(app.BaseUrl, "tech@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace/Sell");
        Assert.NotEmpty(browser.FindElements(By.Id("sell-forbidden")));
        Assert.Empty(browser.FindElements(By.Id("sell-form")));

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Marketplace/Sell/{id}");
        Assert.NotEmpty(browser.FindElements(By.Id("sell-forbidden")));
        Assert.Empty(browser.FindElements(By.Id("sell-form")));
        Assert.DoesNotContain("Oil filter", browser.PageSource, StringComparison.Ordinal);
    }

    public void Dispose() => _chromium.Dispose();
}
