using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Diagnostics;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>
/// Script in every field a person types that a page or the PDF shows (issue 11 item 14): display name, organisation
/// name, adapter name, vehicle nickname and plate, service note, payment description. Each page is loaded in headless Chromium; nothing runs,
/// no element is injected, and the text shows as typed.
/// </summary>
public sealed class XssBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const string Password = "Correct-horse-9";
    private const string Payload = "<img src=x onerror=window.__xss=1><script>window.__xss=2</script>";
    private const string PlatePayload = "\"><svg onload=x>";
    private readonly HeadlessChromium _chromium = new();
    private readonly List<IDisposable> _disposables = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Given_script_in_every_user_entered_field_Then_no_page_runs_it_and_the_PDF_prints_it_as_text()
    {
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7 });
        await sim.StartAsync(Ct);
        var email = $"xss-{Guid.NewGuid():N}@example.test";
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        _disposables.Add(api);
        Assert.True((await api.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, displayName = Payload }, Ct)).IsSuccessStatusCode);
        var token = await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email, password = Password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var organization = await api.PostAsJsonAsync("/api/v1/organizations", new { name = Payload, kind = "Shop" }, Ct);
        Assert.Equal(HttpStatusCode.Created, organization.StatusCode);
        // Everything below happens in that shop, which the pages open by default.
        api.DefaultRequestHeaders.Add("X-Organization-Id", (await organization.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid().ToString());

        var adapter = await api.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = Payload, uri = $"tcp://127.0.0.1:{sim.Port}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var started = await api.PostAsJsonAsync("/api/v1/scans", new { vin = SimulatorOptions.DefaultVin, adapterId }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        JsonElement scan;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((scan = await api.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString() is not ("completed" or "failed"))
        {
            Assert.True(DateTime.UtcNow < deadline, "scan did not finish");
            await Task.Delay(100, Ct);
        }
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();
        Assert.True((await api.PatchAsJsonAsync($"/api/v1/vehicles/{vehicleId}", new { nickname = Payload, plate = PlatePayload }, Ct)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/services",
            new { key = "oil-filter", performedOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"), note = Payload }, Ct)).StatusCode);

        var payment = await api.PostAsJsonAsync("/api/v1/payments/intents",
            new { amount = 4_200, currency = "usd", paymentMethod = "pm_card_visa", confirm = true, description = Payload }, Ct);
        Assert.Equal(HttpStatusCode.Created, payment.StatusCode);

        var browser = _chromium.Start();
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys(email);
        browser.FindElement(By.Id("Password")).SendKeys(Password);
        browser.FindElement(By.Id("sign-in")).Click();
        new OpenQA.Selenium.Support.UI.WebDriverWait(browser, TimeSpan.FromSeconds(15)).Until(d => d.FindElements(By.Id("logout")).Count > 0);

        foreach (var (path, shows) in new (string, string)[]
        {
            ("/", Payload),
            ("/Vehicles", Payload),
            ($"/Vehicles/Details/{vehicleId}", PlatePayload),
            ("/Diagnostics", Payload),
            ($"/Diagnostics/Vehicle/{vehicleId}", Payload),
            ("/Organization", Payload),
            ("/Payments", Payload),
        })
        {
            browser.Navigate().GoToUrl(app.BaseUrl + path);
            // The script-built parts (history, health, maintenance) load after the document.
            await Task.Delay(1500, Ct);
            var js = (IJavaScriptExecutor)browser;
            Assert.True(js.ExecuteScript("return window.__xss === undefined;") is true, $"{path}: the payload ran");
            Assert.Equal(0L, js.ExecuteScript("return document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror]').length;"));
            // Shown as typed: in the text, or as the value of the field that edits it.
            var text = (string)js.ExecuteScript("return document.body.innerText + '\\n' + [...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n');")!;
            Assert.Contains(shows, text, StringComparison.Ordinal);
        }

        var report = await api.PostAsync($"/api/v1/scans/{scanId}/report", null, Ct);
        Assert.True(report.IsSuccessStatusCode, await report.Content.ReadAsStringAsync(Ct));
        var reportId = (await report.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await api.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{reportId}", Ct)).GetProperty("status").GetString() == "queued")
        {
            Assert.True(DateTime.UtcNow < deadline, "report not ready");
            await Task.Delay(100, Ct);
        }
        using var pdf = new PdfTools(await api.GetByteArrayAsync($"/api/v1/reports/{reportId}/pdf", Ct));
        Assert.Contains(PlatePayload, pdf.Text(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _chromium.Dispose();
        foreach (var d in _disposables)
        {
            d.Dispose();
        }
    }
}
