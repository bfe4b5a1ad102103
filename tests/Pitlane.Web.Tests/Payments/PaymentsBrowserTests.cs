using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>
/// A customer pays a payment link in headless Chromium: Pitlane's page, the built-in processor's card page, back to the
/// receipts; then the shop sees the money on its payments, statement and payouts pages. Screenshots at desktop and
/// phone sizes go to $TMPDIR/pitlane-payments-screens for a person to look at.
/// </summary>
public sealed class PaymentsBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-payments-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChromeDriver Browser()
    {
        Directory.CreateDirectory(_screens);
        return _chromium.Start();
    }

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(20));

    private void Shoot(ChromeDriver browser, string name)
    {
        foreach (var (size, width, height) in new[] { ("desktop", 1280, 900), ("phone", 390, 844) })
        {
            browser.Manage().Window.Size = new System.Drawing.Size(width, height);
            browser.GetScreenshot().SaveAsFile(Path.Combine(_screens, $"{name}-{size}.png"));
        }
        browser.Manage().Window.Size = new System.Drawing.Size(1280, 900);
    }

    private void SignIn(IWebDriver browser, string email, string password)
    {
        browser.SignIn(app.BaseUrl, email, password);
    }

    [Fact]
    public async Task Given_payment_link_When_customer_pays_by_card_on_the_processor_page_Then_receipt_and_shop_balance_show_it()
    {
        var browser = Browser();
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email = "owner@demo.pitlane.test", password = "Pitlane-demo-1" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var shop = (await http.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        http.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        var created = await http.PostAsJsonAsync("/api/v1/payments/intents", new { amount = 12_950, currency = "usd", description = "Brake pads and labour" }, Ct);
        created.EnsureSuccessStatusCode();
        var intentId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var email = $"driver-{Guid.NewGuid():N}@example.test";
        (await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "Correct-horse-9", displayName = "Driver" }, Ct)).EnsureSuccessStatusCode();
        SignIn(browser, email, "Correct-horse-9");

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Payments/Pay/{intentId}");
        Assert.Equal("129.50 USD", browser.FindElement(By.Id("pay-amount")).Text);
        Assert.Empty(browser.FindElements(By.CssSelector("input[name='number']")));
        Shoot(browser, "pay");
        browser.PayWithCard("4000 0000 0000 0002");
        var declined = Wait(browser).Until(d => d.FindElements(By.CssSelector(".error")).FirstOrDefault());
        Assert.Contains("declined", declined!.Text, StringComparison.Ordinal);
        Shoot(browser, "checkout-declined");

        browser.EnterCard("4242 4242 4242 4242");
        Wait(browser).Until(d => d.Url.Contains("/Payments/Receipts", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (browser.FindElements(By.Id("receipts")).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the receipt did not appear");
            await Task.Delay(300, Ct);
            browser.Navigate().Refresh();
        }
        var receipts = browser.FindElement(By.Id("receipts")).Text;
        Assert.Contains("Pitlane Demo Garage", receipts, StringComparison.Ordinal);
        Assert.Contains("129.50 USD", receipts, StringComparison.Ordinal);
        Assert.Contains("visa ···· 4242", browser.FindElement(By.Id("cards")).Text, StringComparison.Ordinal);
        Shoot(browser, "receipts");

        browser.Manage().Cookies.DeleteAllCookies();
        SignIn(browser, "owner@demo.pitlane.test", "Pitlane-demo-1");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Payments");
        Assert.Contains("Brake pads and labour", browser.FindElement(By.Id("payments")).Text, StringComparison.Ordinal);
        Assert.Contains("USD", browser.FindElement(By.Id("balances")).Text, StringComparison.Ordinal);
        Shoot(browser, "payments");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Payments/Statement");
        Assert.Contains("Payment received", browser.FindElement(By.Id("statement")).Text, StringComparison.Ordinal);
        Shoot(browser, "statement");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Payments/Payouts");
        browser.FindElement(By.Id("amount")).SendKeys("100.00");
        browser.FindElement(By.CssSelector("#payout-form button")).Click();
        Assert.Contains("100.00 USD", Wait(browser).Until(d => d.FindElements(By.Id("payout-message")).FirstOrDefault())!.Text, StringComparison.Ordinal);
        Assert.Contains("pending", browser.FindElement(By.Id("payouts")).Text, StringComparison.Ordinal);
        Shoot(browser, "payouts");
    }

    public void Dispose() => _chromium.Dispose();
}
