using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>The pages people use, in headless Debian Chromium driven by Selenium.</summary>
public sealed class BrowserTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"pitlane-chromium-{Guid.NewGuid():N}");
    private ChromeDriver? _driver;

    private ChromeDriver Browser()
    {
        var chromium = ChromiumPaths.FirstOrDefault(File.Exists);
        if (chromium is null || !File.Exists(ChromeDriver))
        {
            ServerRequirement.Unavailable("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver).");
        }
        var options = new ChromeOptions { BinaryLocation = chromium };
        // The closed network here: no background services, sync or component updates, or Chromium stalls on them.
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={_profile}", "--window-size=1280,900");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return _driver;
    }

    private static WebDriverWait Wait(IWebDriver driver) => new(driver, TimeSpan.FromSeconds(15));

    private void SignIn(IWebDriver browser, string email, string password = "Pitlane-demo-1")
    {
        browser.SignIn(app.BaseUrl, email, password);
    }

    [Fact]
    public void Given_demo_advisor_When_adding_a_vehicle_by_VIN_Then_it_is_decoded_live_and_saved()
    {
        var browser = Browser();
        SignIn(browser, "advisor@demo.pitlane.test");
        Assert.Contains("Pitlane Demo Garage", browser.PageSource, StringComparison.Ordinal);

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Add");
        var vin = browser.FindElement(By.Id("Vin"));
        vin.SendKeys("3VW2B7AJ2HM312345");
        // The preview comes from GET /api/v1/vin/{vin} while the person types.
        var status = Wait(browser).Until(d => d.FindElements(By.Id("vin-status")).FirstOrDefault());
        Assert.Equal("Check digit valid", status!.Text);
        var year = browser.FindElement(By.CssSelector("[data-field='model-year']"));
        Assert.Equal("2017", year.Text);
        Assert.Equal("Volkswagen", browser.FindElement(By.CssSelector("[data-field='make']")).Text);

        browser.FindElement(By.Id("Nickname")).SendKeys("Jetta from the browser test");
        browser.FindElement(By.Id("save-vehicle")).Click();
        Wait(browser).Until(d => d.Url.Contains("/Vehicles/Details/", StringComparison.Ordinal));
        Assert.Equal("3VW2B7AJ2HM312345", browser.FindElement(By.Id("vehicle-vin")).Text);
        Assert.Equal("2017", browser.FindElement(By.Id("vehicle-year")).Text);

        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles");
        Assert.Contains("Jetta from the browser test", browser.PageSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_typo_in_VIN_Then_preview_says_the_check_digit_is_wrong_and_nothing_is_saved()
    {
        var browser = Browser();
        SignIn(browser, "tech@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Add");
        browser.FindElement(By.Id("Vin")).SendKeys("1HGCM82633A004353");
        var status = Wait(browser).Until(d => d.FindElements(By.Id("vin-status")).FirstOrDefault());
        Assert.Contains("does not match", status!.Text, StringComparison.Ordinal);
        browser.FindElement(By.Id("save-vehicle")).Click();
        Wait(browser).Until(d => d.FindElements(By.CssSelector(".alert-danger")).Count > 0);
        Assert.Contains("check digit", browser.FindElement(By.CssSelector(".alert-danger")).Text, StringComparison.OrdinalIgnoreCase);
        // Only the Owner is offered to keep it anyway.
        Assert.Empty(browser.FindElements(By.Id("OverrideReason")));
    }

    [Fact]
    public void Given_owner_and_a_VIN_failing_its_check_digit_Then_an_override_with_a_reason_is_offered_and_kept()
    {
        var browser = Browser();
        SignIn(browser, "owner@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Add");
        browser.FindElement(By.Id("Vin")).SendKeys("1HGCM82633A004351");
        browser.FindElement(By.Id("save-vehicle")).Click();
        var reason = Wait(browser).Until(d => d.FindElements(By.Id("OverrideReason")).FirstOrDefault());
        Assert.Contains("check digit", browser.FindElement(By.CssSelector(".alert-danger")).Text, StringComparison.OrdinalIgnoreCase);
        // The VIN typed is kept in the form; the Owner says what was checked and adds it.
        Assert.Equal("1HGCM82633A004351", browser.FindElement(By.Id("Vin")).GetAttribute("value"));
        reason!.SendKeys("Dash plate and title both read this VIN");
        var save = browser.FindElement(By.Id("save-vehicle"));
        ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", save);
        Wait(browser).Until(_ => save.Displayed && save.Enabled);
        save.Click();
        Wait(browser).Until(d => d.Url.Contains("/Vehicles/Details/", StringComparison.Ordinal));
        Assert.Contains("Dash plate and title both read this VIN", browser.FindElement(By.Id("vehicle-check-digit-override")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_technician_Then_navigation_has_no_team_page_and_anonymous_is_sent_to_login()
    {
        var browser = Browser();
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles");
        Assert.Contains("/Account/Login", browser.Url, StringComparison.Ordinal);
        SignIn(browser, "tech@demo.pitlane.test");
        Assert.Empty(browser.FindElements(By.CssSelector("a[href='/Organization']")));
        Assert.NotEmpty(browser.FindElements(By.CssSelector("a[href='/Vehicles']")));
    }

    /// <summary>Saved for a person to look at (PITLANE_SCREENSHOTS, default the temp folder); the test does not judge pixels.</summary>
    private static void Screenshot(IWebDriver browser, string name)
    {
        var folder = Environment.GetEnvironmentVariable("PITLANE_SCREENSHOTS") ?? Path.Combine(Path.GetTempPath(), "pitlane-screenshots");
        Directory.CreateDirectory(folder);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}.png"));
    }

    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public void Given_owner_invites_on_the_team_page_Then_a_new_person_signs_up_through_the_link_and_joins_once(int width, int height, string size)
    {
        var browser = Browser();
        browser.Manage().Window.Size = new System.Drawing.Size(width, height);
        SignIn(browser, "owner@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Organization");
        var rows = browser.FindElements(By.CssSelector("tbody tr"));
        Assert.True(rows.Count >= 6, $"expected the six demo members, saw {rows.Count}");
        Assert.Empty(browser.FindElements(By.CssSelector("input[name='email'][required]")));
        new SelectElement(browser.FindElement(By.Id("invite-role"))).SelectByValue("Porter");
        // On a phone the button sits near the bottom edge; centred first, so nothing else is under the click (this
        // click was once intercepted at the bottom of a phone-sized window in CI).
        // The list below may still be loading and move it, so a click that lands on something else is tried again.
        var create = browser.FindElement(By.Id("invite-create"));
        Wait(browser).Until(_ =>
        {
            ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", create);
            if (!create.Displayed || !create.Enabled)
            {
                return false;
            }
            try
            {
                create.Click();
                return true;
            }
            catch (ElementClickInterceptedException)
            {
                return false;
            }
        });
        var link = Wait(browser).Until(d => d.FindElements(By.Id("invite-link")).FirstOrDefault())!.GetAttribute("value")!;
        Assert.StartsWith($"{app.BaseUrl}/Invite/", link, StringComparison.Ordinal);
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#invitations [data-invitation-id]")));
        Screenshot(browser, $"team-invitation-{size}");

        // The person invited opens the link in their own browser: nobody signed in.
        browser.Manage().Cookies.DeleteAllCookies();
        browser.Navigate().GoToUrl(link);
        Assert.Contains("Pitlane Demo Garage", browser.FindElement(By.Id("invitation-message")).Text, StringComparison.Ordinal);
        Screenshot(browser, $"invitation-signed-out-{size}");
        browser.FindElement(By.Id("invitation-sign-up")).Click();
        var email = $"porter-{Guid.NewGuid():N}@example.test";
        browser.FindElement(By.Id("DisplayName")).SendKeys("Pat Porter");
        browser.FindElement(By.Id("Email")).SendKeys(email);
        browser.FindElement(By.Id("Password")).SendKeys("Correct-horse-9");
        browser.FindElement(By.Id("sign-up")).Click();
        var accept = Wait(browser).Until(d => d.FindElements(By.Id("invitation-accept")).FirstOrDefault());
        Screenshot(browser, $"invitation-signed-in-{size}");
        accept!.Click();
        Wait(browser).Until(d => new Uri(d.Url).AbsolutePath == "/");
        // textContent: on a phone the switcher sits in the collapsed menu, where Selenium reads no visible text.
        var chosen = new SelectElement(browser.FindElement(By.Id("organizationId"))).SelectedOption.GetAttribute("textContent")!.Trim();
        Assert.StartsWith("Pitlane Demo Garage", chosen, StringComparison.Ordinal);

        browser.Navigate().GoToUrl(link);
        Assert.Contains("already been used", browser.FindElement(By.Id("invitation-message")).Text, StringComparison.Ordinal);
        Screenshot(browser, $"invitation-used-{size}");
    }

    [Fact]
    public async Task Given_member_watching_a_live_page_When_removed_from_the_organisation_Then_the_page_says_why_updates_stopped()
    {
        // Kestrel on a real port: API calls go there too.
        using var owner = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var watcherEmail = $"watcher-{Guid.NewGuid():N}@example.test";
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(owner, "/api/v1/auth/register",
            new { email = watcherEmail, password = "Correct-horse-9", displayName = "Watcher" })).EnsureSuccessStatusCode();
        var tokens = await (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(owner, "/api/v1/auth/token",
            new { email = "owner@demo.pitlane.test", password = "Pitlane-demo-1" })).EnsureSuccessStatusCode().Content.ReadAsStringAsync();
        owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            System.Text.Json.JsonDocument.Parse(tokens).RootElement.GetProperty("accessToken").GetString());
        var me = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(owner, "/api/v1/me");
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        owner.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        var vehicles = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(owner, "/api/v1/vehicles");
        var vehicleId = vehicles.GetProperty("items")[0].GetProperty("id").GetGuid();
        Guid watcherId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Pitlane.Modules.Accounts.AccountsDbContext>();
            watcherId = await db.Users.Where(u => u.Email == watcherEmail).Select(u => u.Id).SingleAsync();
            db.Memberships.Add(Pitlane.Modules.Accounts.Membership.Create(shop, watcherId, Pitlane.Platform.Tenancy.OrganizationRole.Technician, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        var browser = Browser();
        SignIn(browser, watcherEmail, "Correct-horse-9");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles/Live/{vehicleId}");
        Wait(browser).Until(d => d.FindElement(By.Id("live-status")).Text == "live");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/organizations/{shop}/members/{watcherId}")).StatusCode);

        var notice = Wait(browser).Until(d => d.FindElements(By.Id("live-access")).FirstOrDefault(e => e.Displayed));
        Assert.Contains("no longer a member", notice!.Text, StringComparison.Ordinal);
        Screenshot(browser, "live-access-removed-desktop");
    }

    [Fact]
    public void Given_signed_in_owner_When_signing_out_Then_staff_pages_ask_to_sign_in_again()
    {
        var browser = Browser();
        SignIn(browser, "owner@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles");
        browser.FindElement(By.Id("logout")).Click();
        Wait(browser).Until(d => d.FindElements(By.Id("logout")).Count == 0);
        Assert.DoesNotContain("Bad Request", browser.PageSource, StringComparison.OrdinalIgnoreCase);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles");
        Assert.Contains("/Account/Login", browser.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/Vehicles")]
    [InlineData("/Diagnostics")]
    [InlineData("/Organization")]
    public void Given_two_organisations_When_switching_from_a_page_Then_that_page_shows_the_other_one(string page)
    {
        var browser = Browser();
        SignIn(browser, "owner@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/");
        // The owner's personal organisation is the other choice; switching back restores the shop for the next test.
        var select = new SelectElement(browser.FindElement(By.Id("organizationId")));
        var shop = select.SelectedOption.Text;
        var personal = select.Options.First(o => o.Text != shop).Text;
        browser.Navigate().GoToUrl($"{app.BaseUrl}{page}");
        new SelectElement(browser.FindElement(By.Id("organizationId"))).SelectByText(personal);
        Wait(browser).Until(d => new SelectElement(d.FindElement(By.Id("organizationId"))).SelectedOption.Text == personal);
        Assert.DoesNotContain("Bad Request", browser.PageSource, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(page, new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
        new SelectElement(browser.FindElement(By.Id("organizationId"))).SelectByText(shop);
        Wait(browser).Until(d => new SelectElement(d.FindElement(By.Id("organizationId"))).SelectedOption.Text == shop);
    }

    [Fact]
    public void Given_vehicle_search_in_lower_case_Then_it_finds_the_car_and_an_empty_search_says_so()
    {
        var browser = Browser();
        SignIn(browser, "advisor@demo.pitlane.test");
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles?q=pit-001");
        Assert.Contains("1HGCM82633A004352", browser.FindElement(By.CssSelector("table.vehicles")).Text, StringComparison.Ordinal);
        browser.Navigate().GoToUrl($"{app.BaseUrl}/Vehicles?q=zz-no-such");
        var empty = browser.FindElement(By.Id("vehicles-empty")).Text;
        Assert.Contains("No vehicle matches", empty, StringComparison.Ordinal);
        Assert.DoesNotContain("No vehicles yet", empty, StringComparison.Ordinal);
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
            // Chromium can still be writing its profile as it exits.
        }
    }
}
