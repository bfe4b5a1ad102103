using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>Signs a person in through the real login form and waits for the signed-in navigation.</summary>
public static class BrowserSignIn
{
    public const string DemoPassword = "Pitlane-demo-1";

    public static void SignIn(this IWebDriver browser, string baseUrl, string email, string password = DemoPassword)
    {
        browser.Navigate().GoToUrl($"{baseUrl}/Account/Login");
        browser.FindElement(By.Id("Email")).SendKeys(email);
        browser.FindElement(By.Id("Password")).SendKeys(password);
        browser.FindElement(By.Id("sign-in")).Click();
        new WebDriverWait(browser, TimeSpan.FromSeconds(30)).Until(d => d.FindElements(By.Id("logout")).Count > 0);
    }

    /// <summary>An API client on the real socket for <paramref name="email"/>: bearer token, first shop organisation.</summary>
    public static async Task<HttpClient> ApiClientAsync(string baseUrl, string email, CancellationToken ct, string password = DemoPassword)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var login = await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password }, ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var shop = (await http.GetFromJsonAsync<JsonElement>("/api/v1/me", ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        http.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return http;
    }

    /// <summary>Screenshots of the page at desktop (1366×900) and phone (390×844) size into <paramref name="directory"/>, then back to desktop size.</summary>
    public static void Shoot(this OpenQA.Selenium.Chrome.ChromeDriver browser, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        foreach (var (size, width, height) in new[] { ("desktop", 1366, 900), ("phone", 390, 844) })
        {
            browser.Manage().Window.Size = new System.Drawing.Size(width, height);
            browser.GetScreenshot().SaveAsFile(Path.Combine(directory, $"{name}-{size}.png"));
        }

        browser.Manage().Window.Size = new System.Drawing.Size(1366, 900);
    }
}
