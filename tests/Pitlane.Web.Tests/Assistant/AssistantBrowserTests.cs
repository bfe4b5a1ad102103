using System.Drawing;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Assistant;

/// <summary>The chat page in a real browser: a suggested question streams an answer, a car question cites its records as links; desktop and phone.</summary>
public sealed class AssistantBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(20));

    /// <summary>Saved for a person to look at (PITLANE_SCREENSHOTS, default the temp folder); the test does not judge pixels.</summary>
    private static void Screenshot(IWebDriver browser, string name)
    {
        var folder = Environment.GetEnvironmentVariable("PITLANE_SCREENSHOTS") ?? Path.Combine(Path.GetTempPath(), "pitlane-screenshots");
        Directory.CreateDirectory(folder);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}.png"));
    }

    [Fact]
    public void Given_advisor_When_asking_on_the_chat_page_Then_answers_appear_with_links_to_the_records_on_desktop_and_phone()
    {
        var browser = _chromium.Start(1366, 900);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys("advisor@demo.pitlane.test");
        browser.FindElement(By.Id("Password")).SendKeys("Pitlane-demo-1");
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count > 0);

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Assistant");
        Screenshot(browser, "assistant-empty-desktop");
        browser.FindElements(By.CssSelector(".assistant-suggestion")).First(b => b.Text.Contains("P0301", StringComparison.Ordinal)).Click();
        var first = Wait(browser).Until(d => d.FindElements(By.CssSelector(".assistant-bot .assistant-text")).FirstOrDefault(e => e.Text.Contains("Cylinder 1", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("P0301", first.Text, StringComparison.Ordinal);

        // Pick the first car and ask about its maintenance: the answer links to the vehicle and its maintenance log.
        var select = new SelectElement(browser.FindElement(By.Id("assistant-vehicle")));
        Assert.True(select.Options.Count > 1, "the demo shop has vehicles to pick from");
        select.SelectByIndex(1);
        var vehicleId = select.SelectedOption.GetAttribute("value");
        var input = browser.FindElement(By.Id("assistant-input"));
        input.SendKeys("When is the next service due?");
        browser.FindElement(By.Id("assistant-send")).Click();
        var link = Wait(browser).Until(d => d.FindElements(By.CssSelector(".assistant-sources a")).FirstOrDefault(a => a.GetAttribute("href")!.EndsWith($"/Vehicles/Details/{vehicleId}", StringComparison.Ordinal)));
        Assert.NotNull(link);
        Wait(browser).Until(d => d.FindElement(By.Id("assistant-send")).Enabled);
        Assert.Equal(2, browser.FindElements(By.CssSelector(".assistant-user")).Count);
        Screenshot(browser, "assistant-desktop");

        browser.Manage().Window.Size = new Size(390, 844);
        Screenshot(browser, "assistant-phone");
        // On a phone the page does not scroll sideways, and the Ask button is on screen (below the conversation, in reach).
        var fits = ((IJavaScriptExecutor)browser).ExecuteScript("""
            const r = document.getElementById('assistant-send').getBoundingClientRect();
            return document.documentElement.scrollWidth <= window.innerWidth && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight;
            """);
        Assert.Equal(true, fits);
    }

    public void Dispose() => _chromium.Dispose();
}
