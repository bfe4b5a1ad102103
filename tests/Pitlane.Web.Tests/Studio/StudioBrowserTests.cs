using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Studio;

/// <summary>
/// The listing studio in headless Chromium over a real Kestrel socket, as the demo manager: open a car by VIN, upload a
/// photo through the file picker, watch it turn ready on the same page (live, no reload) with the after image drawn;
/// then the workers section: a blank name is refused, a registered worker's key is shown once and works, revoking it
/// makes the same key a 401. Screenshots (desktop and phone) go to $TMPDIR/pitlane-studio-screens.
/// </summary>
public sealed class StudioBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-studio-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Shoot(ChromeDriver browser, string name) => browser.Shoot(_screens, name);

    private HttpClient WorkerClient(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Worker-Key", key);
        client.DefaultRequestHeaders.Add("X-Worker-Instance", Guid.NewGuid().ToString("N"));
        return client;
    }

    [Fact]
    public async Task Given_manager_When_uploading_a_photo_and_managing_a_worker_Then_the_photo_turns_ready_live_and_a_revoked_key_is_refused()
    {
        using var api = await BrowserSignIn.ApiClientAsync(app.BaseUrl, "manager@demo.pitlane.test", Ct);
        var vin = (await api.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=PIT-001", Ct)).GetProperty("items")[0].GetProperty("vin").GetString()!;
        var photo = Path.Combine(Path.GetTempPath(), $"studio-browser-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(photo, StudioTests.CarPhoto(480, 300), Ct);
        try
        {
            var browser = _chromium.Start(1366, 900);
            var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));
            browser.SignIn(app.BaseUrl, "manager@demo.pitlane.test");

            // Open the car by VIN and upload through the file picker.
            browser.Navigate().GoToUrl($"{app.BaseUrl}/Studio");
            browser.FindElement(By.Id("vin")).SendKeys(vin.ToLowerInvariant());
            browser.FindElement(By.Id("open-vehicle")).Click();
            wait.Until(d => d.FindElements(By.Id("upload-form")).Count > 0);
            browser.FindElement(By.Id("photos")).SendKeys(photo);
            browser.FindElement(By.Id("upload")).Click();
            wait.Until(d => d.FindElements(By.CssSelector(".photo[data-status]")).Count == 1);
            var card = browser.FindElement(By.CssSelector(".photo"));
            Assert.Contains(card.GetAttribute("data-status"), new[] { "queued", "running", "ready" });

            // Ready on this same page: a marker set now survives only if the page is not reloaded.
            browser.ExecuteScript("window.__sameDocument = true;");
            new WebDriverWait(browser, TimeSpan.FromMinutes(3)).Until(d => d.FindElement(By.CssSelector(".photo")).GetAttribute("data-status") is "ready" or "failed");
            Assert.Equal("ready", browser.FindElement(By.CssSelector(".photo")).GetAttribute("data-status"));
            Assert.Equal(true, browser.ExecuteScript("return window.__sameDocument === true;"));
            wait.Until(d => ((IJavaScriptExecutor)d).ExecuteScript("const i = document.querySelector('.photo img.after'); return !!i && i.complete && i.naturalWidth > 0;") is true);
            Assert.Empty(browser.FindElements(By.CssSelector(".photo .progress")));
            Shoot(browser, "vehicle");

            // Workers: a blank name is refused in the form, nothing registered.
            browser.Navigate().GoToUrl($"{app.BaseUrl}/Studio");
            browser.FindElement(By.Id("worker-name")).SendKeys("   ");
            browser.FindElement(By.CssSelector("#worker-register button[type=submit]")).Click();
            wait.Until(d => d.FindElements(By.CssSelector("#worker-register .alert-danger")).Count > 0);
            Assert.Empty(browser.FindElements(By.Id("worker-key")));
            Assert.NotEmpty(browser.FindElements(By.Id("workers-empty")));

            // Register: the key is shown once and works.
            var name = browser.FindElement(By.Id("worker-name"));
            name.Clear();
            name.SendKeys("GPU box in the office");
            browser.FindElement(By.CssSelector("#worker-register button[type=submit]")).Click();
            wait.Until(d => d.FindElements(By.Id("worker-key")).Count > 0);
            var key = browser.FindElement(By.CssSelector("#worker-key code")).Text.Trim();
            Assert.False(string.IsNullOrEmpty(key));
            Assert.Contains("GPU box in the office", browser.FindElement(By.Id("studio-workers")).Text, StringComparison.Ordinal);
            Shoot(browser, "workers");
            using (var worker = WorkerClient(key))
            {
                Assert.Equal(HttpStatusCode.NoContent, (await worker.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct)).StatusCode);
            }

            // A reload does not show the key again.
            browser.Navigate().GoToUrl($"{app.BaseUrl}/Studio");
            Assert.Empty(browser.FindElements(By.Id("worker-key")));
            Assert.DoesNotContain(key, browser.PageSource, StringComparison.Ordinal);

            // Revoke: the badge says so and the same key is refused.
            browser.FindElement(By.CssSelector("#studio-workers form button[type=submit]")).Click();
            wait.Until(d => d.FindElements(By.CssSelector("#studio-workers .badge")).Any(b => b.Text == "revoked"));
            using (var worker = WorkerClient(key))
            {
                var refused = await worker.GetAsync("/api/v1/studio/worker/work?waitSeconds=0", Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            File.Delete(photo);
        }
    }

    public void Dispose() => _chromium.Dispose();
}
