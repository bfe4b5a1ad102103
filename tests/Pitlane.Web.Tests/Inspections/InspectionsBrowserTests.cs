using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>
/// The customer's approval page in headless Chromium at phone size (390×844), over a real Kestrel socket: the inspection
/// with its photo, transcoded video (poster) and spoken summary through signed media links, three proposed jobs; the
/// customer says yes to two, no to one, signs and sends; the RO has the decisions. Screenshots (phone and desktop) go to
/// $TMPDIR/pitlane-inspections-screens.
/// </summary>
public sealed class InspectionsBrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly HeadlessChromium _chromium = new();
    private readonly string _screens = Path.Combine(Path.GetTempPath(), "pitlane-inspections-screens");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(30));

    private void Shoot(ChromeDriver browser, string name)
    {
        Directory.CreateDirectory(_screens);
        foreach (var (size, width, height) in new[] { ("desktop", 1366, 900), ("phone", 390, 844) })
        {
            browser.Manage().Window.Size = new System.Drawing.Size(width, height);
            browser.GetScreenshot().SaveAsFile(Path.Combine(_screens, $"{name}-{size}.png"));
        }
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

    private static async Task<JsonElement> Job(HttpClient http, Guid job)
    {
        for (var i = 0; i < 600; i++)
        {
            var state = await http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job}", Ct);
            if (state.GetProperty("state").GetString() is "succeeded" or "dead" or "cancelled")
            {
                return state;
            }
            await Task.Delay(200, Ct);
        }
        throw new TimeoutException($"job {job} did not end");
    }

    [Fact]
    public async Task Given_approval_link_on_a_phone_When_customer_approves_two_of_three_jobs_and_signs_Then_the_ro_has_the_decisions()
    {
        using var advisor = await ClientAsync("advisor");
        var shop = Guid.Parse(advisor.DefaultRequestHeaders.GetValues("X-Organization-Id").Single());
        using var tech = await ClientAsync("tech", shop);
        var vehicle = (await advisor.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=PIT-001", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var customer = await Send(advisor, HttpMethod.Post, "/api/v1/shop/customers", new { name = "Sam Okoro", phone = "+1 555 010 4040" }, HttpStatusCode.Created);
        var customerId = customer.GetProperty("id").GetGuid();
        await Send(advisor, HttpMethod.Post, $"/api/v1/shop/customers/{customerId}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);
        var ro = (await Send(advisor, HttpMethod.Post, "/api/v1/shop/orders", new { customerId, vehicleId = vehicle }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var started = await Send(tech, HttpMethod.Post, "/api/v1/inspections", new { repairOrderId = ro }, HttpStatusCode.Created);
        var id = started.GetProperty("id").GetGuid();
        Guid ItemId(string name) => started.GetProperty("items").EnumerateArray().First(i => i.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
        var jobs = new List<Guid>();
        foreach (var (name, body) in new (string, object)[]
        {
            ("Front brake pads", new { measuredValue = 2.0m, notes = "Metal on metal soon" }),
            ("Front left tyre", new { measuredValue = 1.4m }),
            ("Wiper blades", new { rating = "yellow", notes = "Streaking" }),
        })
        {
            var item = await Send(tech, HttpMethod.Put, $"/api/v1/inspections/{id}/items/{ItemId(name)}", body, HttpStatusCode.OK);
            jobs.Add(item.GetProperty("proposedJobId").GetGuid());
        }
        var pads = ItemId("Front brake pads");
        using (var photo = new ByteArrayContent(await File.ReadAllBytesAsync(Clips.Photo(), Ct)))
        {
            photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            Assert.Equal(HttpStatusCode.Created, (await tech.PostAsync($"/api/v1/inspections/{id}/items/{pads}/media?name=pads.jpg", photo, Ct)).StatusCode);
        }
        // Over Kestrel, whose default body limit (1 MiB) is below this clip: the upload route raises it for itself.
        var clip = await File.ReadAllBytesAsync(Clips.Noisy(2), Ct);
        Assert.True(clip.Length > 1024 * 1024, $"the clip is {clip.Length} bytes");
        using (var clipContent = new ByteArrayContent(clip))
        {
            clipContent.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
            var accepted = await tech.PostAsync($"/api/v1/inspections/{id}/items/{pads}/media?name=pads.mp4", clipContent, Ct);
            var body = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, body.ToString());
            Assert.Equal("succeeded", (await Job(tech, body.GetProperty("jobId").GetGuid())).GetProperty("state").GetString());
        }
        var narration = await Send(advisor, HttpMethod.Post, $"/api/v1/inspections/{id}/narration", new { }, HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await Job(advisor, narration.GetProperty("narration").GetProperty("jobId").GetGuid())).GetProperty("state").GetString());
        var link = (await Send(advisor, HttpMethod.Post, $"/api/v1/inspections/{id}/share", new { }, HttpStatusCode.OK)).GetProperty("url").GetString()!;

        var browser = _chromium.Start(390, 844);
        browser.Navigate().GoToUrl(link);
        Wait(browser).Until(d => d.FindElements(By.Id("inspection")).Count > 0);
        // The main action is on screen without scrolling, at phone size.
        var send = browser.FindElement(By.Id("send"));
        Assert.True(Equals(true, browser.ExecuteScript("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;", send)));
        var video = browser.FindElement(By.CssSelector($"#job-{jobs[0]} video"));
        Assert.StartsWith("/m/", new Uri(video.GetAttribute("src")!).AbsolutePath, StringComparison.Ordinal);
        Assert.NotEmpty(video.GetAttribute("poster") ?? "");
        // The signed photo and poster really load for an anonymous browser.
        Wait(browser).Until(d => Equals(true, ((IJavaScriptExecutor)d).ExecuteScript(
            "const img = document.querySelector('#job-" + jobs[0] + " img'); img.scrollIntoView(); return img.complete && img.naturalWidth > 0;")));
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#narration audio")));
        Assert.Equal(3, browser.FindElements(By.CssSelector("article.job")).Count);
        Shoot(browser, "approval-before");
        // On a desktop the page stays one readable column (40rem), centred, not stretched across the screen.
        browser.Manage().Window.Size = new System.Drawing.Size(1366, 900);
        var column = (IReadOnlyDictionary<string, object>)browser.ExecuteScript(
            "const r = document.getElementById('inspection').getBoundingClientRect(); return { width: r.width, left: r.left, right: window.innerWidth - r.right };")!;
        Assert.InRange(Convert.ToDouble(column["width"], System.Globalization.CultureInfo.InvariantCulture), 500, 660);
        Assert.InRange(Convert.ToDouble(column["left"], System.Globalization.CultureInfo.InvariantCulture)
            - Convert.ToDouble(column["right"], System.Globalization.CultureInfo.InvariantCulture), -20, 20);
        browser.Manage().Window.Size = new System.Drawing.Size(390, 844);

        void Choose(string css)
        {
            var label = browser.FindElement(By.CssSelector(css));
            // A DOM click: the sticky sign bar may cover a label that scrolled under it on a loaded machine.
            browser.ExecuteScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", label);
        }
        Choose($"label[for='yes-{jobs[0]}']");
        Choose($"label[for='yes-{jobs[1]}']");
        Choose($"label[for='no-{jobs[2]}']");
        browser.FindElement(By.Id("signedName")).SendKeys("Sam Okoro");
        browser.FindElement(By.Id("send")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("saved")).Count > 0);
        Assert.Equal("authorised", browser.FindElement(By.Id($"job-{jobs[0]}")).GetAttribute("data-status"));
        Assert.Equal("declined", browser.FindElement(By.Id($"job-{jobs[2]}")).GetAttribute("data-status"));
        Shoot(browser, "approval-after");

        var order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct);
        var statuses = order.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("id").GetGuid(), j => j.GetProperty("status").GetString());
        Assert.Equal(["authorised", "authorised", "declined"], jobs.Select(j => statuses[j] ?? "").ToArray());
        var decisions = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/{id}/decisions", Ct);
        Assert.All(decisions.EnumerateArray(), d => Assert.Equal("127.0.0.1", d.GetProperty("ipAddress").GetString()));

        // The technician's phone page: checklist with the camera input.
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys("tech@demo.pitlane.test");
        browser.FindElement(By.Id("Password")).SendKeys("Pitlane-demo-1");
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count > 0);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Inspections/{id}");
        await File.WriteAllTextAsync(Path.Combine(_screens, "technician-checklist.html"), browser.PageSource, Ct);
        var upload = Wait(browser).Until(d => d.FindElements(By.CssSelector("input.upload")).FirstOrDefault());
        Assert.Equal("image/*,video/*", upload!.GetAttribute("accept"));
        Assert.Equal("environment", upload.GetAttribute("capture"));
        // Rating from the phone goes through the API and updates the counters.
        var wipersCard = browser.FindElement(By.Id($"item-{ItemId("Exhaust system")}"));
        browser.ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", wipersCard);
        // Clicked through the DOM: at phone size the layout's fixed navigation may sit over the button after scrolling.
        browser.ExecuteScript("arguments[0].click();", wipersCard.FindElement(By.CssSelector("button[data-rating='green']")));
        Wait(browser).Until(_ => wipersCard.FindElement(By.CssSelector("button[data-rating='green']")).GetAttribute("class")!.Contains("active", StringComparison.Ordinal));
        browser.ExecuteScript("window.scrollTo(0, 0);");
        Shoot(browser, "technician-checklist");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Inspections");
        Shoot(browser, "inspections-list");

        // The advisor drafts an estimate from the customer's concern (built-in rules here), drops one suggestion, edits
        // the other's hours and adds it to the RO.
        browser.Manage().Cookies.DeleteAllCookies();
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys("advisor@demo.pitlane.test");
        browser.FindElement(By.Id("Password")).SendKeys("Pitlane-demo-1");
        browser.FindElement(By.Id("sign-in")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count > 0);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Inspections/Estimate?repairOrderId={ro}");
        browser.FindElement(By.Id("concern")).SendKeys("Grinding when braking and the A/C blows warm");
        browser.FindElement(By.Id("codes")).SendKeys("P0301");
        browser.FindElement(By.Id("suggest")).Click();
        Wait(browser).Until(d => d.FindElements(By.CssSelector("#suggestions .suggestion")).Count == 3);
        Assert.Equal(["scan P0301", "rules", "rules"], browser.FindElements(By.CssSelector("#suggestions .source")).Select(e => e.Text));
        Shoot(browser, "estimate-suggestions");
        browser.Manage().Window.Size = new System.Drawing.Size(390, 844);
        var cards = browser.FindElements(By.CssSelector("#suggestions .suggestion"));
        browser.ExecuteScript("arguments[0].click();", cards[0].FindElement(By.CssSelector("input.keep")));
        browser.ExecuteScript("arguments[0].click();", cards[2].FindElement(By.CssSelector("input.keep")));
        var hours = cards[1].FindElement(By.CssSelector(".labor-line .line-hours"));
        browser.ExecuteScript("arguments[0].value = '1.4';", hours);
        browser.ExecuteScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", browser.FindElement(By.Id("accept")));
        Wait(browser).Until(d => d.FindElement(By.Id("accept-status")).Text.Contains("added", StringComparison.Ordinal));
        var after = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(4, after.Count);
        var added = after.Single(j => !jobs.Contains(j.GetProperty("id").GetGuid()));
        Assert.Equal("Inspect brakes; replace front pads and resurface rotors", added.GetProperty("title").GetString());
        Assert.Contains(added.GetProperty("lines").EnumerateArray(), l => l.GetProperty("kind").GetString() == "labor" && l.GetProperty("quantity").GetDecimal() == 1.4m);
        var audit = await advisor.GetStringAsync($"/api/v1/shop/orders/{ro}/audit", Ct);
        Assert.Contains("(from estimate suggestion (rules, edited))", audit, StringComparison.Ordinal);
        Shoot(browser, "estimate-added");
    }

    public void Dispose() => _chromium.Dispose();
}
