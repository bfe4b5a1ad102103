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
