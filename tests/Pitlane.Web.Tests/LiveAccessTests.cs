using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pitlane.Modules.Accounts;
using Pitlane.Platform.Live;
using Pitlane.Platform.Tenancy;
using Pitlane.Web.Tests.Infrastructure;
using HubClient = Pitlane.Web.Tests.Telemetry.TelemetryTests.HubClient;

namespace Pitlane.Web.Tests;

/// <summary>The live hub's membership is checked again after joining: on revocation events and on a timer.</summary>
public sealed class LiveAccessApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Demo:Seed", "false");
        // Long enough that only the revocation events can explain what the tests of this class see within seconds.
        Set("Pitlane:Live:RecheckSeconds", "600");
    }
}

/// <summary>The same, with a one-second re-check and no events: a change made behind the app's back is still noticed.</summary>
public sealed class LiveRecheckApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Demo:Seed", "false");
        Set("Pitlane:Live:RecheckSeconds", "1");
    }
}

internal static class LiveAccess
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    public const string Password = "Correct-horse-9";

    /// <summary>A shop with its owner and one technician (added straight to the store: this is about the hub, not about inviting).</summary>
    public static async Task<(Guid Org, string OwnerEmail, Guid MemberId, string MemberEmail)> ShopAsync(PitlaneApp app)
    {
        var (owner, ownerEmail) = await app.NewUserAsync("Owner");
        using var _ = owner;
        var created = await owner.PostAsJsonAsync("/api/v1/organizations", new { name = $"Shop {Guid.NewGuid():N}", kind = "Shop" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (member, memberEmail) = await app.NewUserAsync("Tech");
        member.Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var memberId = await db.Users.Where(u => u.Email == memberEmail).Select(u => u.Id).SingleAsync();
        db.Memberships.Add(Membership.Create(org, memberId, OrganizationRole.Technician, DateTime.UtcNow));
        await db.SaveChangesAsync();
        return (org, ownerEmail, memberId, memberEmail);
    }

    public static Task PingAsync(PitlaneApp app, Guid org, int n) =>
        app.Services.GetRequiredService<ILiveChannel>().PublishAsync(LiveGroup.Organization(org), "ping", new { n }, CancellationToken.None);

    /// <summary>Signs in through the login page and returns the Cookie header a browser would send, and the page's antiforgery token.</summary>
    public static async Task<(string Cookies, HttpClient Client)> CookieSignInAsync(PitlaneApp app, string email, string password = Password)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        var login = await client.GetAsync("/Account/Login");
        Collect(login, jar);
        var token = Token(await login.Content.ReadAsStringAsync());
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", Header(jar));
        var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Collect(signedIn, jar);
        Assert.True(jar.ContainsKey("pitlane.auth"), "the sign-in cookie is set");
        return (Header(jar), client);
    }

    public static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

    private static void Collect(HttpResponseMessage response, Dictionary<string, string> jar)
    {
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = cookie.Split(';')[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            jar[pair[..eq]] = pair[(eq + 1)..];
        }
    }

    private static string Header(Dictionary<string, string> jar) => string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}"));
}

public sealed class LiveAccessTests(LiveAccessApp app) : IClassFixture<LiveAccessApp>
{
    [Fact]
    public async Task Given_member_in_organisation_group_When_removed_Then_told_why_and_stops_receiving_while_the_owner_keeps_receiving()
    {
        var shop = await LiveAccess.ShopAsync(app);
        await using var member = await HubClient.ConnectAsync(app, (await app.TokensAsync(shop.MemberEmail, LiveAccess.Password)).AccessToken);
        await using var owner = await HubClient.ConnectAsync(app, (await app.TokensAsync(shop.OwnerEmail, LiveAccess.Password)).AccessToken);
        Assert.True(await member.InvokeAsync("JoinOrganization", shop.Org));
        Assert.True(await owner.InvokeAsync("JoinOrganization", shop.Org));
        await LiveAccess.PingAsync(app, shop.Org, 1);
        Assert.NotNull(await member.NextInvocationAsync("ping", LiveAccess.Bound));
        Assert.NotNull(await owner.NextInvocationAsync("ping", LiveAccess.Bound));

        using var ownerApi = await app.SignedInClientAsync(shop.OwnerEmail, LiveAccess.Password);
        Assert.Equal(HttpStatusCode.NoContent, (await ownerApi.DeleteAsync($"/api/v1/organizations/{shop.Org}/members/{shop.MemberId}")).StatusCode);

        var told = await member.NextInvocationAsync("access", LiveAccess.Bound);
        Assert.NotNull(told);
        var payload = told.Value.GetProperty("arguments")[0];
        Assert.Equal("removed", payload.GetProperty("reason").GetString());
        Assert.Equal(shop.Org, payload.GetProperty("organizationId").GetGuid());
        Assert.Contains("no longer a member", payload.GetProperty("message").GetString(), StringComparison.Ordinal);

        await LiveAccess.PingAsync(app, shop.Org, 2);
        var ownerPing = await owner.NextInvocationAsync("ping", LiveAccess.Bound);
        Assert.NotNull(ownerPing);
        Assert.Equal(2, ownerPing.Value.GetProperty("arguments")[0].GetProperty("n").GetInt32());
        Assert.Null(await member.NextInvocationAsync("ping", TimeSpan.FromSeconds(1)));
        // Joining again is refused as well.
        Assert.False(await member.InvokeAsync("JoinOrganization", shop.Org));
    }

    [Fact]
    public async Task Given_bearer_session_signed_out_Then_its_hub_connection_is_closed_and_another_session_stays()
    {
        var shop = await LiveAccess.ShopAsync(app);
        var signedOut = await app.TokensAsync(shop.MemberEmail, LiveAccess.Password);
        var other = await app.TokensAsync(shop.MemberEmail, LiveAccess.Password);
        await using var connection = await HubClient.ConnectAsync(app, signedOut.AccessToken);
        await using var otherConnection = await HubClient.ConnectAsync(app, other.AccessToken);
        Assert.True(await connection.InvokeAsync("JoinOrganization", shop.Org));
        Assert.True(await otherConnection.InvokeAsync("JoinOrganization", shop.Org));

        using var api = app.BearerClient(signedOut.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = signedOut.RefreshToken })).StatusCode);

        Assert.True(await connection.ClosedWithinAsync(LiveAccess.Bound), "the signed-out session's connection is closed");
        await LiveAccess.PingAsync(app, shop.Org, 3);
        Assert.NotNull(await otherConnection.NextInvocationAsync("ping", LiveAccess.Bound));
    }

    [Fact]
    public async Task Given_browser_signed_out_Then_its_cookie_hub_connection_is_closed()
    {
        var shop = await LiveAccess.ShopAsync(app);
        var (cookies, browser) = await LiveAccess.CookieSignInAsync(app, shop.MemberEmail);
        using var _ = browser;
        await using var connection = await HubClient.ConnectWithCookieAsync(app, cookies);
        Assert.True(await connection.InvokeAsync("JoinOrganization", shop.Org));

        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Add("Cookie", cookies);
        var home = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/Account/Logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = LiveAccess.Token(await home.Content.ReadAsStringAsync()) }),
        };
        logout.Headers.Add("Cookie", cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(logout)).StatusCode);

        Assert.True(await connection.ClosedWithinAsync(LiveAccess.Bound), "the signed-out browser's connection is closed");
    }

    [Fact]
    public async Task Given_access_token_expiring_while_connected_Then_the_connection_is_closed()
    {
        var shop = await LiveAccess.ShopAsync(app);
        // A token of the app's own key and a live session, valid for three more seconds.
        var session = new JsonWebTokenHandler().ReadJsonWebToken((await app.TokensAsync(shop.MemberEmail, LiveAccess.Password)).AccessToken)
            .GetClaim(PitlaneClaims.Session).Value;
        var now = DateTime.UtcNow;
        var shortLived = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "pitlane",
            Audience = "pitlane",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(3),
            SigningCredentials = new SigningCredentials(app.Services.GetRequiredService<SigningKeyProvider>().Key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity([new Claim(PitlaneClaims.Subject, shop.MemberId.ToString()), new Claim(PitlaneClaims.Session, session)]),
        });
        await using var connection = await HubClient.ConnectAsync(app, shortLived);
        Assert.True(await connection.InvokeAsync("JoinOrganization", shop.Org));
        Assert.False(await connection.ClosedWithinAsync(TimeSpan.FromSeconds(1)), "open while the token is valid");

        Assert.True(await connection.ClosedWithinAsync(TimeSpan.FromSeconds(8)), "closed once the token expired");
    }
}

public sealed class LiveRecheckTests(LiveRecheckApp app) : IClassFixture<LiveRecheckApp>
{
    [Fact]
    public async Task Given_membership_deleted_without_an_event_Then_the_periodic_recheck_drops_the_connection_from_the_group()
    {
        var shop = await LiveAccess.ShopAsync(app);
        await using var member = await HubClient.ConnectAsync(app, (await app.TokensAsync(shop.MemberEmail, LiveAccess.Password)).AccessToken);
        Assert.True(await member.InvokeAsync("JoinOrganization", shop.Org));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            await db.Memberships.Where(m => m.OrganizationId == shop.Org && m.UserId == shop.MemberId).ExecuteDeleteAsync();
        }
        app.Services.GetRequiredService<MembershipCache>().Invalidate(shop.Org, shop.MemberId);

        Assert.NotNull(await member.NextInvocationAsync("access", LiveAccess.Bound));
        await LiveAccess.PingAsync(app, shop.Org, 4);
        Assert.Null(await member.NextInvocationAsync("ping", TimeSpan.FromSeconds(1)));
    }
}
