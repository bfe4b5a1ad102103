using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Platform.Tenancy;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>Members join through invitations (a signed, single-use, expiring link), on SQLite and on PostgreSQL.</summary>
public abstract class InvitationTests(PitlaneApp app)
{
    protected virtual void RequireServer()
    {
    }

    internal sealed record Shop(Guid Org, HttpClient Owner, HttpClient Technician, HttpClient Manager);

    internal static async Task<Shop> ShopAsync(PitlaneApp app)
    {
        var (owner, _) = await app.NewUserAsync("Owner");
        var created = await owner.PostAsJsonAsync("/api/v1/organizations", new { name = "Invite Motors", kind = "Shop" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (technician, technicianEmail) = await app.NewUserAsync("Tech");
        var (manager, managerEmail) = await app.NewUserAsync("Manager");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        foreach (var (email, role) in new[] { (technicianEmail, OrganizationRole.Technician), (managerEmail, OrganizationRole.Manager) })
        {
            var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            db.Memberships.Add(Membership.Create(org, id, role, DateTime.UtcNow));
        }
        await db.SaveChangesAsync();
        return new Shop(org, owner, technician, manager);
    }

    internal static async Task<(string Url, string Token, Guid Id)> InviteAsync(HttpClient client, Guid org, string role = "Technician", string? email = null)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/organizations/{org}/invitations", new { role, email });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = body.GetProperty("url").GetString()!;
        return (url, url[(url.LastIndexOf('/') + 1)..], body.GetProperty("id").GetGuid());
    }

    internal static Task<HttpResponseMessage> AcceptAsync(HttpClient client, string token) =>
        client.PostAsJsonAsync("/api/v1/invitations/accept", new { token });

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detail = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (detail is not null)
        {
            var text = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.GetProperty("errors").ToString();
            Assert.Contains(detail, text, StringComparison.OrdinalIgnoreCase);
        }
        return problem;
    }

    private static async Task<List<JsonElement>> PendingAsync(HttpClient owner, Guid org) =>
        (await owner.GetFromJsonAsync<List<JsonElement>>($"/api/v1/organizations/{org}/invitations"))!;

    private static async Task<List<JsonElement>> MembersAsync(HttpClient owner, Guid org) =>
        (await owner.GetFromJsonAsync<List<JsonElement>>($"/api/v1/organizations/{org}/members"))!;

    [Fact]
    public async Task Given_owner_invites_Then_a_signed_in_account_accepts_once_and_joins_with_the_role()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (url, token, id) = await InviteAsync(shop.Owner, shop.Org, "ServiceAdvisor");
        // Built from the request's address when no public address is configured.
        Assert.StartsWith("http://localhost/Invite/", url, StringComparison.Ordinal);
        var pending = Assert.Single(await PendingAsync(shop.Owner, shop.Org));
        Assert.Equal(id, pending.GetProperty("id").GetGuid());
        Assert.Equal("ServiceAdvisor", pending.GetProperty("role").GetString());
        Assert.False(pending.TryGetProperty("url", out _), "the link is shown once: only its hash is stored");

        var (joiner, joinerEmail) = await app.NewUserAsync("Joiner");
        var accepted = await AcceptAsync(joiner, token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var joined = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(shop.Org, joined.GetProperty("organizationId").GetGuid());
        Assert.Equal("ServiceAdvisor", joined.GetProperty("role").GetString());
        Assert.Contains(await MembersAsync(shop.Owner, shop.Org), m => m.GetProperty("email").GetString() == joinerEmail && m.GetProperty("role").GetString() == "ServiceAdvisor");
        Assert.Empty(await PendingAsync(shop.Owner, shop.Org));
        joiner.DefaultRequestHeaders.Add("X-Organization-Id", shop.Org.ToString());
        Assert.Equal(HttpStatusCode.OK, (await joiner.GetAsync("/api/v1/vehicles")).StatusCode);

        // Single use: the same link again, by anyone, is refused.
        var (late, _) = await app.NewUserAsync("Late");
        await AssertProblemAsync(await AcceptAsync(late, token), HttpStatusCode.Gone, "already been used");
        await AssertProblemAsync(await AcceptAsync(joiner, token), HttpStatusCode.Gone, "already been used");
    }

    [Fact]
    public async Task Given_two_simultaneous_accepts_of_one_link_Then_exactly_one_membership()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        for (var round = 0; round < 3; round++)
        {
            var (_, token, _) = await InviteAsync(shop.Owner, shop.Org);
            var (first, _) = await app.NewUserAsync("First");
            var (second, _) = await app.NewUserAsync("Second");
            var before = (await MembersAsync(shop.Owner, shop.Org)).Count;
            var answers = await Task.WhenAll(AcceptAsync(first, token), AcceptAsync(second, token), AcceptAsync(first, token));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.True(
                a.StatusCode is HttpStatusCode.Gone or HttpStatusCode.Conflict, $"a losing accept answers 410 or 409, not {a.StatusCode}"));
            Assert.Equal(before + 1, (await MembersAsync(shop.Owner, shop.Org)).Count);
        }
    }

    [Fact]
    public async Task Given_revoked_or_tampered_link_Then_a_clear_problem_and_a_clear_page_not_a_500()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (_, token, id) = await InviteAsync(shop.Owner, shop.Org);
        var (other, _, _) = await InviteAsync(shop.Owner, shop.Org);
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Owner.DeleteAsync($"/api/v1/organizations/{shop.Org}/invitations/{id}")).StatusCode);
        Assert.Single(await PendingAsync(shop.Owner, shop.Org));
        await AssertProblemAsync(await shop.Owner.DeleteAsync($"/api/v1/organizations/{shop.Org}/invitations/{id}"), HttpStatusCode.NotFound);

        var (joiner, _) = await app.NewUserAsync("Joiner");
        await AssertProblemAsync(await AcceptAsync(joiner, token), HttpStatusCode.Gone, "withdrawn");
        var tampered = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");
        await AssertProblemAsync(await AcceptAsync(joiner, tampered), HttpStatusCode.NotFound, "not valid");
        await AssertProblemAsync(await AcceptAsync(joiner, "not-a-token"), HttpStatusCode.NotFound, "not valid");
        await AssertProblemAsync(await AcceptAsync(joiner, ""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await AcceptAsync(joiner, new string('A', 5000)), HttpStatusCode.NotFound, "not valid");

        using var anonymous = app.CreateClient();
        var revokedPage = await anonymous.GetAsync($"/Invite/{token}");
        Assert.Equal(HttpStatusCode.Gone, revokedPage.StatusCode);
        Assert.Contains("withdrawn", await revokedPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tamperedPage = await anonymous.GetAsync($"/Invite/{tampered}");
        Assert.Equal(HttpStatusCode.NotFound, tamperedPage.StatusCode);
        Assert.Contains("not valid", await tamperedPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(other).PathAndQuery)).StatusCode);
    }

    [Fact]
    public async Task Given_existing_member_accepts_Then_409_says_so_and_the_invitation_stays_for_its_person()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (_, token, _) = await InviteAsync(shop.Owner, shop.Org, "Porter");
        await AssertProblemAsync(await AcceptAsync(shop.Technician, token), HttpStatusCode.Conflict, "already a member");
        Assert.Single(await PendingAsync(shop.Owner, shop.Org));
        var (joiner, _) = await app.NewUserAsync("Joiner");
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(joiner, token)).StatusCode);
    }

    [Fact]
    public async Task Given_wrong_account_or_role_Then_invitations_are_refused()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (stranger, _) = await app.NewUserAsync("Stranger");
        var before = (await PendingAsync(shop.Owner, shop.Org)).Count;

        // Not a member: the organisation does not exist for them.
        await AssertProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/organizations/{shop.Org}/invitations", new { role = "Technician" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await stranger.GetAsync($"/api/v1/organizations/{shop.Org}/invitations"), HttpStatusCode.NotFound);
        // A Technician cannot invite or see invitations; a Manager cannot invite an Owner.
        await AssertProblemAsync(await shop.Technician.PostAsJsonAsync($"/api/v1/organizations/{shop.Org}/invitations", new { role = "Technician" }), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await shop.Technician.GetAsync($"/api/v1/organizations/{shop.Org}/invitations"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await shop.Manager.PostAsJsonAsync($"/api/v1/organizations/{shop.Org}/invitations", new { role = "Owner" }), HttpStatusCode.Forbidden, "Owner");
        Assert.Equal(before, (await PendingAsync(shop.Owner, shop.Org)).Count);
        var (_, _, managerMade) = await InviteAsync(shop.Manager, shop.Org, "Porter");

        var (_, _, ownerInvite) = await InviteAsync(shop.Owner, shop.Org, "Owner");
        await AssertProblemAsync(await stranger.DeleteAsync($"/api/v1/organizations/{shop.Org}/invitations/{managerMade}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await shop.Technician.DeleteAsync($"/api/v1/organizations/{shop.Org}/invitations/{managerMade}"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await shop.Manager.DeleteAsync($"/api/v1/organizations/{shop.Org}/invitations/{ownerInvite}"), HttpStatusCode.Forbidden);
        // Another organisation's owner cannot revoke this one's invitation through their own organisation.
        var created = await stranger.PostAsJsonAsync("/api/v1/organizations", new { name = "Elsewhere", kind = "Shop" });
        var elsewhere = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await AssertProblemAsync(await stranger.DeleteAsync($"/api/v1/organizations/{elsewhere}/invitations/{managerMade}"), HttpStatusCode.NotFound);
        Assert.Equal(before + 2, (await PendingAsync(shop.Owner, shop.Org)).Count);

        // An invitation for a named address is for that account only.
        var (intended, intendedEmail) = await app.NewUserAsync("Intended");
        var (_, forIntended, _) = await InviteAsync(shop.Owner, shop.Org, "Technician", intendedEmail);
        await AssertProblemAsync(await AcceptAsync(stranger, forIntended), HttpStatusCode.Forbidden, "another email address");
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(intended, forIntended)).StatusCode);

        // Accepting needs a signed-in account.
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await AcceptAsync(anonymous, forIntended)).StatusCode);
    }

    [Fact]
    public async Task Given_bad_input_Then_400_problem_and_nothing_is_created()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var path = $"/api/v1/organizations/{shop.Org}/invitations";
        await AssertProblemAsync(await shop.Owner.PostAsJsonAsync(path, new { role = "Wizard" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await shop.Owner.PostAsJsonAsync(path, new { }), HttpStatusCode.BadRequest, "role");
        await AssertProblemAsync(await shop.Owner.PostAsJsonAsync(path, new { role = "Technician", email = "not an email" }), HttpStatusCode.BadRequest, "email");
        await AssertProblemAsync(await shop.Owner.PostAsync(path, new StringContent("{\"role\":", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await shop.Owner.DeleteAsync($"{path}/not-a-guid"), HttpStatusCode.NotFound);
        Assert.Empty(await PendingAsync(shop.Owner, shop.Org));
        var personal = (await shop.Owner.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("personalOrganizationId").GetGuid();
        await AssertProblemAsync(await shop.Owner.PostAsJsonAsync($"/api/v1/organizations/{personal}/invitations", new { role = "Technician" }), HttpStatusCode.Conflict, "personal");
    }

    [Fact]
    public async Task Given_the_old_add_by_email_endpoint_Then_it_is_gone_and_adds_no_one()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (_, email) = await app.NewUserAsync("Unconfirmed");
        var before = (await MembersAsync(shop.Owner, shop.Org)).Count;
        var response = await shop.Owner.PostAsJsonAsync($"/api/v1/organizations/{shop.Org}/members", new { email, role = "Technician" });
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        Assert.Equal(before, (await MembersAsync(shop.Owner, shop.Org)).Count);
    }

    [Fact]
    public async Task Given_invitation_page_Then_anonymous_is_offered_sign_in_and_sign_up_and_a_signed_in_browser_joins()
    {
        RequireServer();
        var shop = await ShopAsync(app);
        var (url, token, _) = await InviteAsync(shop.Owner, shop.Org, "Salesperson");
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Invite Motors", html, StringComparison.Ordinal);
        Assert.Contains("Salesperson", html, StringComparison.Ordinal);
        var returnUrl = Uri.EscapeDataString($"/Invite/{token}");
        Assert.Contains($"/Account/Login?ReturnUrl={returnUrl}", html, StringComparison.Ordinal);
        Assert.Contains($"/Account/Register?ReturnUrl={returnUrl}", html, StringComparison.Ordinal);

        var (_, email) = await app.NewUserAsync("Browser");
        var (cookies, browser) = await LiveAccess.CookieSignInAsync(app, email);
        using var _ = browser;
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/Invite/{token}");
        get.Headers.Add("Cookie", cookies);
        var signedInPage = await browser.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, signedInPage.StatusCode);
        var form = await signedInPage.Content.ReadAsStringAsync();
        Assert.Contains("Join Invite Motors", form, StringComparison.Ordinal);
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/Invite/{token}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = LiveAccess.Token(form) }),
        };
        post.Headers.Add("Cookie", cookies);
        var joined = await browser.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Contains(await MembersAsync(shop.Owner, shop.Org), m => m.GetProperty("email").GetString() == email && m.GetProperty("role").GetString() == "Salesperson");

        // The same link again says it was used, with a way forward, and no server error.
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/Invite/{token}");
        again.Headers.Add("Cookie", cookies);
        var used = await browser.SendAsync(again);
        Assert.Equal(HttpStatusCode.Gone, used.StatusCode);
        Assert.Contains("already been used", await used.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class InvitationTestsOnSqlite(SqliteApp app) : InvitationTests(app), IClassFixture<SqliteApp>;

public sealed class InvitationTestsOnPostgres(PostgresApp app) : InvitationTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

public sealed class PublicBaseUrlApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Demo:Seed", "false");
        Set("Pitlane:PublicBaseUrl", "https://garage.example.test/pitlane/");
    }
}

public sealed class InvitationExpiryTests(PublicBaseUrlApp app) : IClassFixture<PublicBaseUrlApp>
{
    [Fact]
    public async Task Given_public_base_url_and_an_invitation_past_its_expiry_Then_the_link_uses_it_and_is_refused_as_expired()
    {
        var shop = await InvitationTests.ShopAsync(app);
        var (url, token, _) = await InvitationTests.InviteAsync(shop.Owner, shop.Org);
        Assert.StartsWith("https://garage.example.test/pitlane/Invite/", url, StringComparison.Ordinal);
        var (joiner, _) = await app.NewUserAsync("Joiner");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Past its expiry: the only invitation of this app's store, without a timestamp literal either provider could read differently.
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE org_invitations SET \"ExpiresAt\" = \"CreatedAt\""));
        }

        await InvitationTests.AssertProblemAsync(await InvitationTests.AcceptAsync(joiner, token), HttpStatusCode.Gone, "expired");
        using var anonymous = app.CreateClient();
        var page = await anonymous.GetAsync($"/Invite/{token}");
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("expired", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await shop.Owner.GetFromJsonAsync<List<JsonElement>>($"/api/v1/organizations/{shop.Org}/invitations"))!);
    }
}
