using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Modules.Accounts;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests;

/// <summary>The Foundation API contract, run on SQLite and on PostgreSQL.</summary>
public abstract class ApiContractTests(PitlaneApp app)
{
    protected const string Owner = "owner@demo.pitlane.test";
    protected const string Technician = "tech@demo.pitlane.test";

    protected virtual void RequireServer()
    {
    }

    private async Task<(HttpClient Client, Guid Shop)> ShopClientAsync(string email = Owner)
    {
        RequireServer();
        var client = await app.SignedInClientAsync(email);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => o.GetProperty("personal").GetBoolean() == false).GetProperty("id").GetGuid();
        client.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return (client, shop);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Given_known_Honda_VIN_Then_decoded_as_2003_Honda_with_valid_check_digit()
    {
        var (client, _) = await ShopClientAsync();
        var vin = await client.GetFromJsonAsync<JsonElement>("/api/v1/vin/1HGCM82633A004352");
        Assert.True(vin.GetProperty("isValid").GetBoolean());
        Assert.Equal(2003, vin.GetProperty("modelYear").GetInt32());
        Assert.Equal("Honda", vin.GetProperty("make").GetString());
        Assert.True(vin.GetProperty("checkDigit").GetProperty("valid").GetBoolean());
        Assert.Equal("local", vin.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Given_wrong_check_digit_Then_200_with_isValid_false()
    {
        var (client, _) = await ShopClientAsync();
        var response = await client.GetAsync("/api/v1/vin/1HGCM82633A004353");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var vin = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(vin.GetProperty("isValid").GetBoolean());
        Assert.False(vin.GetProperty("checkDigit").GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("1HGCM82633A00435O")]
    [InlineData("1HGCM82633A0043521")]
    public async Task Given_malformed_VIN_Then_400_problem_naming_the_fault(string vin)
    {
        var (client, _) = await ShopClientAsync();
        var response = await client.GetAsync($"/api/v1/vin/{vin}");
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("vin", out var faults));
        Assert.NotEmpty(faults.EnumerateArray());
    }

    [Fact]
    public async Task Given_anonymous_caller_Then_401_problem_everywhere()
    {
        RequireServer();
        using var anonymous = app.CreateClient();
        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/vehicles"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/vin/1HGCM82633A004352"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Given_vehicle_lifecycle_Then_create_read_patch_delete_work()
    {
        var (client, shop) = await ShopClientAsync();
        var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1G1ZD5ST1LF012345", odometerKm = 1200, plate = "LC-1", nickname = "Malibu" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var vehicle = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = vehicle.GetProperty("id").GetGuid();
        Assert.Equal(shop, vehicle.GetProperty("organizationId").GetGuid());
        Assert.Equal(2020, vehicle.GetProperty("modelYear").GetInt32());
        Assert.Equal($"/api/v1/vehicles/{id}", created.Headers.Location?.ToString());

        var patched = await client.PatchAsJsonAsync($"/api/v1/vehicles/{id}", new { odometerKm = 1500, nickname = "" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1500, after.GetProperty("odometerKm").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("nickname").ValueKind);
        Assert.Equal("LC-1", after.GetProperty("plate").GetString());
        // The single read answers exactly what the write stored, every field and timestamp, at once.
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{id}");
        Assert.Equal(after.GetRawText(), read.GetRawText());

        var backwards = await client.PatchAsJsonAsync($"/api/v1/vehicles/{id}", new { odometerKm = 10 });
        await AssertProblemAsync(backwards, HttpStatusCode.BadRequest);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=1G1ZD5");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), v => v.GetProperty("id").GetGuid() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/vehicles/{id}")).StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/api/v1/vehicles/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("pit-001")]
    [InlineData("1hgcm8")]
    [InlineData("CUSTOMER acc")]
    public async Task Given_search_text_in_any_case_Then_the_vehicle_is_found(string q)
    {
        var (client, _) = await ShopClientAsync();
        var found = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles?q={Uri.EscapeDataString(q)}");
        Assert.Contains(found.GetProperty("items").EnumerateArray(), v => v.GetProperty("vin").GetString() == "1HGCM82633A004352");
        var none = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=zz-no-such");
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_duplicate_VIN_in_one_organisation_Then_409_and_nothing_changes()
    {
        var (client, _) = await ShopClientAsync();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles");
        var duplicate = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" });
        await AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles");
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_VIN_failing_its_check_digit_in_North_America_Then_only_the_Owner_adds_it_and_the_reason_is_kept()
    {
        const string Misprinted = "1HGCM82633A004359";
        var (owner, _) = await ShopClientAsync();
        var (technician, _) = await ShopClientAsync(Technician);
        var before = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("total").GetInt32();
        const string Reason = "VIN plate on the dash and the title both read this; checked by hand";

        // Without a reason it is refused as a probable typo, for everyone.
        var refused = await AssertProblemAsync(await owner.PostAsJsonAsync("/api/v1/vehicles", new { vin = Misprinted }), HttpStatusCode.BadRequest);
        Assert.Contains("check digit", refused.GetProperty("errors").GetProperty("vin")[0].GetString(), StringComparison.Ordinal);
        // A technician cannot override it; a reason too short to say anything is refused.
        await AssertProblemAsync(await technician.PostAsJsonAsync("/api/v1/vehicles", new { vin = Misprinted, checkDigitOverrideReason = Reason }), HttpStatusCode.Forbidden);
        var vague = await AssertProblemAsync(await owner.PostAsJsonAsync("/api/v1/vehicles", new { vin = Misprinted, checkDigitOverrideReason = "ok" }), HttpStatusCode.BadRequest);
        Assert.True(vague.GetProperty("errors").TryGetProperty("checkDigitOverrideReason", out _));
        Assert.Equal(before, (await owner.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("total").GetInt32());

        var created = await owner.PostAsJsonAsync("/api/v1/vehicles", new { vin = Misprinted, checkDigitOverrideReason = "  " + Reason + " " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var vehicle = await created.Content.ReadFromJsonAsync<JsonElement>();
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var recorded = vehicle.GetProperty("checkDigitOverride");
        Assert.Equal(Reason, recorded.GetProperty("reason").GetString());
        Assert.Equal(me.GetProperty("id").GetGuid(), recorded.GetProperty("byUserId").GetGuid());
        var read = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicle.GetProperty("id").GetGuid()}");
        Assert.Equal(Reason, read.GetProperty("checkDigitOverride").GetProperty("reason").GetString());
        Assert.Equal(recorded.GetProperty("at").GetDateTime(), read.GetProperty("checkDigitOverride").GetProperty("at").GetDateTime());

        // A valid VIN carries no override, even when a reason is sent.
        var valid = await owner.PostAsJsonAsync("/api/v1/vehicles", new { vin = "2T1BURHE8JC123456", checkDigitOverrideReason = Reason });
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await valid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checkDigitOverride").ValueKind);
    }

    [Theory]
    [InlineData("{\"vin\":\"ABC\"}")]
    [InlineData("{\"vin\":\"1HGCM82633A004353\"}")]
    [InlineData("{\"vin\":\"1G1ZD5ST1LF012345\",\"odometerKm\":-5}")]
    [InlineData("{\"vin\":\"1G1ZD5ST1LF012345\",\"plate\":\"THIS-PLATE-IS-FAR-TOO-LONG-TO-BE-REAL\"}")]
    [InlineData("{\"vin\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"vin\":42}")]
    public async Task Given_bad_vehicle_input_Then_400_problem_and_nothing_stored(string body)
    {
        var (client, _) = await ShopClientAsync();
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("total").GetInt32();
        var response = await client.PostAsync("/api/v1/vehicles", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var after = (await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Given_another_organisations_vehicle_Then_404_for_read_update_delete()
    {
        var (shopClient, _) = await ShopClientAsync();
        var list = await shopClient.GetFromJsonAsync<JsonElement>("/api/v1/vehicles");
        var theirs = list.GetProperty("items")[0].GetProperty("id").GetGuid();
        var (stranger, _) = await app.NewUserAsync();

        await AssertProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{theirs}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await stranger.PatchAsJsonAsync($"/api/v1/vehicles/{theirs}", new { nickname = "mine now" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await stranger.DeleteAsync($"/api/v1/vehicles/{theirs}"), HttpStatusCode.NotFound);
        var strangersOwn = await stranger.GetFromJsonAsync<JsonElement>("/api/v1/vehicles");
        Assert.Equal(0, strangersOwn.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await shopClient.GetAsync($"/api/v1/vehicles/{theirs}")).StatusCode);
    }

    [Fact]
    public async Task Given_non_member_naming_an_organisation_in_the_header_Then_404()
    {
        var (_, shop) = await ShopClientAsync();
        var (stranger, _) = await app.NewUserAsync();
        stranger.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        await AssertProblemAsync(await stranger.GetAsync("/api/v1/vehicles"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await stranger.PostAsJsonAsync("/api/v1/vehicles", new { vin = "3VW2B7AJ2HM312345" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await stranger.GetAsync($"/api/v1/organizations/{shop}/members"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_malformed_organisation_header_Then_400()
    {
        var (stranger, _) = await app.NewUserAsync();
        stranger.DefaultRequestHeaders.Add("X-Organization-Id", "not-a-guid");
        await AssertProblemAsync(await stranger.GetAsync("/api/v1/vehicles"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_technician_Then_cannot_delete_a_vehicle_but_can_read_it()
    {
        var (tech, _) = await ShopClientAsync(Technician);
        var list = await tech.GetFromJsonAsync<JsonElement>("/api/v1/vehicles");
        var id = list.GetProperty("items")[0].GetProperty("id").GetGuid();
        await AssertProblemAsync(await tech.DeleteAsync($"/api/v1/vehicles/{id}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await tech.GetAsync($"/api/v1/vehicles/{id}")).StatusCode);
    }

    [Fact]
    public async Task Given_registration_Then_personal_organisation_is_the_default_scope()
    {
        RequireServer();
        var (client, email) = await app.NewUserAsync("Dana");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
        var orgs = me.GetProperty("organizations").EnumerateArray().ToList();
        var personal = Assert.Single(orgs);
        Assert.True(personal.GetProperty("personal").GetBoolean());
        Assert.Equal("Owner", personal.GetProperty("role").GetString());
        var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "2T1BURHE3JC012345" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var vehicle = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(personal.GetProperty("id").GetGuid(), vehicle.GetProperty("organizationId").GetGuid());
    }

    [Theory]
    [InlineData("{\"email\":\"x@example.test\",\"password\":\"short\",\"displayName\":\"X\"}")]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"Long-enough-123\",\"displayName\":\"X\"}")]
    [InlineData("{\"email\":\"y@example.test\",\"password\":\"Long-enough-123\",\"displayName\":\"\"}")]
    [InlineData("{}")]
    public async Task Given_bad_registration_Then_400_problem(string body)
    {
        RequireServer();
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsync("/api/v1/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_taken_email_Then_409()
    {
        RequireServer();
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = Owner, password = "Another-pass-1", displayName = "Copycat" });
        await AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_refresh_token_Then_rotates_and_reuse_revokes_the_family()
    {
        RequireServer();
        var (_, email) = await app.NewUserAsync("Rotor");
        var first = await app.TokensAsync(email, "Correct-horse-9");
        using var anonymous = app.CreateClient();

        var rotated = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenPair>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);

        var reuse = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken });
        await AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        // Reuse revoked the whole family: the successor no longer works either, nor its access token.
        var successor = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken });
        await AssertProblemAsync(successor, HttpStatusCode.Unauthorized);
        using var revokedAccess = app.BearerClient(second.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revokedAccess.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Given_logout_Then_access_and_refresh_tokens_stop_working()
    {
        RequireServer();
        var (_, email) = await app.NewUserAsync("Leaver");
        var tokens = await app.TokensAsync(email, "Correct-horse-9");
        using var client = app.BearerClient(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = tokens.RefreshToken })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        using var anonymous = app.CreateClient();
        await AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken }), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Given_unknown_refresh_token_Then_401_or_400(string token)
    {
        RequireServer();
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token });
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_repeated_wrong_passwords_Then_account_locks()
    {
        RequireServer();
        var (_, email) = await app.NewUserAsync("Locky");
        using var anonymous = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Wrong-password-0" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        var right = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Correct-horse-9" });
        var problem = await AssertProblemAsync(right, HttpStatusCode.Unauthorized);
        Assert.Contains("locked", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Given_organisation_membership_management_Then_roles_are_enforced()
    {
        RequireServer();
        var (owner, _) = await app.NewUserAsync("Boss");
        var (worker, _) = await app.NewUserAsync("Worker");
        var created = await owner.PostAsJsonAsync("/api/v1/organizations", new { name = "Boss Motors", kind = "Shop" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // People join by accepting an invitation link, signed in to their own account.
        var invited = await owner.PostAsJsonAsync($"/api/v1/organizations/{org}/invitations", new { role = "Technician" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var link = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await worker.PostAsJsonAsync("/api/v1/invitations/accept", new { token = link[(link.LastIndexOf('/') + 1)..] })).StatusCode);
        var workerId = (await worker.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();

        // The technician sees the organisation's vehicles but cannot manage members.
        worker.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/api/v1/vehicles")).StatusCode);
        await AssertProblemAsync(await worker.PutAsJsonAsync($"/api/v1/organizations/{org}/members/{workerId}", new { role = "Owner" }), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/organizations/{org}/members/{workerId}", new { role = "Manager" })).StatusCode);
        var ownerId = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        await AssertProblemAsync(await owner.DeleteAsync($"/api/v1/organizations/{org}/members/{ownerId}"), HttpStatusCode.Conflict);
        await AssertProblemAsync(await owner.PutAsJsonAsync($"/api/v1/organizations/{org}/members/{workerId}", new { role = "Wizard" }), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/organizations/{org}/members/{workerId}")).StatusCode);
        await AssertProblemAsync(await worker.GetAsync("/api/v1/vehicles"), HttpStatusCode.NotFound);
    }
}

public sealed class ApiContractTestsOnSqlite(SqliteApp app) : ApiContractTests(app), IClassFixture<SqliteApp>;

public sealed class ApiContractTestsOnPostgres(PostgresApp app) : ApiContractTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
