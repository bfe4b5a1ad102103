using System.Net;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

public sealed class LiveChannelTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Given_anonymous_caller_Then_hub_negotiation_is_refused()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsync("/hubs/live/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Given_signed_in_caller_Then_hub_negotiation_succeeds()
    {
        using var client = await app.SignedInClientAsync("tech@demo.pitlane.test");
        var response = await client.PostAsync("/hubs/live/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("connectionToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class RateLimitedApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Auth:AuthRequestsPerMinute", "3");
        Set("Pitlane:Demo:Seed", "false");
    }
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Given_too_many_sign_in_attempts_from_one_address_Then_429_problem_with_retry_after()
    {
        using var anonymous = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await anonymous.PostAsync("/api/v1/auth/token",
                new StringContent("{\"email\":\"nobody@example.test\",\"password\":\"Whatever-123\"}", System.Text.Encoding.UTF8, "application/json"));
            statuses.Add(last.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("application/problem+json", last!.Content.Headers.ContentType?.MediaType);
        Assert.True(last.Headers.Contains("Retry-After"));
    }
}

/// <summary>Its own app, so the sign-in attempts of <see cref="RateLimitTests"/> do not spend this class's budgets.</summary>
public sealed class PublicLinkRateLimitedApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Auth:AuthRequestsPerMinute", "3");
        Set("Pitlane:Diagnostics:PublicReportRequestsPerMinute", "3");
        Set("Pitlane:Demo:Seed", "false");
    }
}

public sealed class PublicLinkRateLimitTests(PublicLinkRateLimitedApp app) : IClassFixture<PublicLinkRateLimitedApp>
{
    [Fact]
    public async Task Given_too_many_shared_report_requests_from_one_address_Then_429_for_page_and_pdf_with_its_own_budget()
    {
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/r/not-a-token", "/r/not-a-token/pdf", "/r/other", "/r/not-a-token/pdf", "/r/other" })
        {
            statuses.Add((await anonymous.GetAsync(path)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var refused = await anonymous.GetAsync("/r/not-a-token");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("shared-report", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        // The sign-in budget is separate: the public links used none of it.
        var signIn = await anonymous.PostAsync("/api/v1/auth/token",
            new StringContent("{\"email\":\"nobody@example.test\",\"password\":\"Whatever-123\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, signIn.StatusCode);
    }
}

public sealed class HubQueryTokenTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Given_access_token_in_the_query_Then_hub_negotiation_succeeds_but_not_elsewhere()
    {
        var tokens = await app.TokensAsync("tech@demo.pitlane.test");
        using var anonymous = app.CreateClient();
        var hub = await anonymous.PostAsync($"/hubs/live/negotiate?negotiateVersion=1&access_token={tokens.AccessToken}", null);
        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        // The query-string token is a hub transport concession only: the API still wants the header.
        var api = await anonymous.GetAsync($"/api/v1/me?access_token={tokens.AccessToken}");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var forged = await anonymous.PostAsync("/hubs/live/negotiate?negotiateVersion=1&access_token=not-a-token", null);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }
}
