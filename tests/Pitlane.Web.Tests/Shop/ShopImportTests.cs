using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Shop;

/// <summary>The app with the Tekmetric adapter pointed at <see cref="FakeTekmetric"/>, small pages and a small CSV limit.</summary>
public abstract class ShopImportAppBase : PitlaneApp
{
    public const int MaxCsvBytes = 64 * 1024;

    public FakeTekmetric Tekmetric { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Tekmetric = await FakeTekmetric.StartAsync();
        Set("Pitlane:Shop:Tekmetric:BaseUrl", Tekmetric.BaseUrl);
        Set("Pitlane:Shop:Tekmetric:PageSize", "2");
        Set("Pitlane:Shop:Tekmetric:RetryBaseDelayMs", "10");
        Set("Pitlane:Shop:MaxCsvBytes", MaxCsvBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public virtual void EnsureAvailable()
    {
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Tekmetric.DisposeAsync();
    }
}

public sealed class ShopImportSqliteApp : ShopImportAppBase
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ShopImportPostgresApp(PostgresServer server) : ShopImportAppBase
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Diagnostics:AllowedAdapterNetworks", "loopback");
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public override void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }
}

/// <summary>
/// Shop-system import over HTTP: Tekmetric (client credentials, Spring pages over several pages, a revoked token and a
/// 429 on the way) into customers, vehicles and repair orders with nothing duplicated on re-import; CSV of customers
/// and vehicles with a dry run, per-row errors and hostile files refused as problem+json.
/// </summary>
public abstract class ShopImportTests(ShopImportAppBase app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Imports = "/api/v1/shop/imports";

    private Guid? _shop;

    private async Task<Guid> ShopAsync()
    {
        app.EnsureAvailable();
        if (_shop is { } known)
        {
            return known;
        }
        using var owner = await app.SignedInClientAsync("owner@demo.pitlane.test");
        _shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return _shop.Value;
    }

    private async Task<HttpClient> AsAsync(string role) => await app.SignedInClientAsync($"{role}@demo.pitlane.test", organizationId: await ShopAsync());

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await Json(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    private static async Task<JsonElement> RunToEndAsync(HttpClient manager, JsonElement started)
    {
        var id = started.GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var run = await manager.GetFromJsonAsync<JsonElement>($"{Imports}/runs/{id}", Ct);
            var status = run.GetProperty("status").GetString();
            if (status is "succeeded" or "failed" or "cancelled")
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the import is still {status}: {run}");
            await Task.Delay(100, Ct);
        }
    }

    private static int Count(JsonElement run, string entity, string what) => run.GetProperty("summary").GetProperty(entity).GetProperty(what).GetInt32();

    private static async Task<int> CustomersNamedAsync(HttpClient client, string q) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q={Uri.EscapeDataString(q)}&pageSize=100", Ct)).GetProperty("total").GetInt32();

    [Fact]
    public async Task Given_Tekmetric_shop_over_several_pages_with_a_revoked_token_and_a_429_Then_everything_imports_once_and_a_reimport_duplicates_nothing()
    {
        var tm = app.Tekmetric;
        var tag = Guid.NewGuid().ToString("N")[..8];
        tm.Customers.AddRange(
        [
            FakeTekmetric.Customer(1, "Ada", $"Lovel{tag}", $"ada.{tag}@example.test", "+1 555 201 0001"),
            FakeTekmetric.Customer(2, "Grace", $"Hopp{tag}", null, "+1 555 201 0002"),
            FakeTekmetric.Customer(3, "Fleet", $"Works{tag}", $"fleet.{tag}@example.test", null, business: true),
            FakeTekmetric.Customer(4, "Alan", $"Turi{tag}", $"alan.{tag}@example.test", "+1 555 201 0004"),
            FakeTekmetric.Customer(5, "Gone", $"Deleted{tag}", null, null, deleted: true),
        ]);
        tm.Vehicles.AddRange(
        [
            FakeTekmetric.Vehicle(11, 1, "1HGCM8266HA100001", 2017, "Honda", "Accord", "ADA-1"),
            FakeTekmetric.Vehicle(12, 2, "2T1BURHE2KC200002", 2019, "Toyota", "Corolla", "GRC-2"),
            FakeTekmetric.Vehicle(13, 3, "3FA6P0H75JR300003", 2018, "Ford", "Fusion", "FLT-3"),
            FakeTekmetric.Vehicle(14, 4, null, 2001, "Saab", "9-3", "NO-VIN"),
            FakeTekmetric.Vehicle(15, 4, "1FTFW1E50LF500005", 2020, "Ford", "F-150", "BAD-VIN"),
        ]);
        tm.RepairOrders.AddRange(
        [
            FakeTekmetric.RepairOrder(101, 9001, 1, 11, status: 5, rateCents: 120_00, hours: 1.5m, partCost: 40_00, partRetail: 89_99, amountPaid: 5_000_00),
            FakeTekmetric.RepairOrder(102, 9002, 2, 12, status: 2, rateCents: 100_00, hours: 0.5m, partCost: 10_00, partRetail: 25_00),
            FakeTekmetric.RepairOrder(103, 9003, 3, 13, status: 1, rateCents: 150_00, hours: 2m, partCost: 5_00, partRetail: 12_50, authorized: null),
        ]);

        using var manager = await AsAsync("manager");
        var connection = $"{Imports}/tekmetric/connection";
        // Nothing to run without credentials; wrong roles and strangers are refused; bad input changes nothing.
        await Problem(await manager.PostAsJsonAsync($"{Imports}/tekmetric/runs", new { }, Ct), HttpStatusCode.Conflict);
        foreach (var role in new[] { "advisor", "tech" })
        {
            using var client = await AsAsync(role);
            await Problem(await client.PutAsJsonAsync(connection, new { clientId = FakeTekmetric.ClientId, clientSecret = FakeTekmetric.ClientSecret }, Ct), HttpStatusCode.Forbidden);
            await Problem(await client.PostAsJsonAsync($"{Imports}/tekmetric/runs", new { }, Ct), HttpStatusCode.Forbidden);
        }
        var (stranger, _) = await app.NewUserAsync();
        using (stranger)
        {
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", (await ShopAsync()).ToString());
            await Problem(await stranger.PutAsJsonAsync(connection, new { clientId = "x", clientSecret = "y" }, Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.GetAsync($"{Imports}/runs", Ct), HttpStatusCode.NotFound);
        }
        await Problem(await manager.PutAsJsonAsync(connection, new { clientId = "", clientSecret = "s" }, Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PutAsJsonAsync(connection, new { clientId = "id", clientSecret = "s", environment = "moon" }, Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.GetAsync(connection, Ct), HttpStatusCode.NotFound);

        // Wrong secret: the run fails and says why; nothing is imported.
        await Json(await manager.PutAsJsonAsync(connection, new { clientId = FakeTekmetric.ClientId, clientSecret = "wrong" }, Ct), HttpStatusCode.OK);
        var refused = await RunToEndAsync(manager, await Json(await manager.PostAsJsonAsync($"{Imports}/tekmetric/runs", new { }, Ct), HttpStatusCode.Accepted));
        Assert.Equal("failed", refused.GetProperty("status").GetString());
        Assert.Contains("refused", refused.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);

        var saved = await Json(await manager.PutAsJsonAsync(connection, new { clientId = FakeTekmetric.ClientId, clientSecret = FakeTekmetric.ClientSecret }, Ct), HttpStatusCode.OK);
        Assert.True(saved.GetProperty("secretStored").GetBoolean());
        Assert.DoesNotContain(FakeTekmetric.ClientSecret, saved.GetRawText(), StringComparison.Ordinal);

        tm.RevokeTokensOnce = true;
        tm.ThrottleOnce = true;
        var tokensBefore = tm.TokensIssued;
        var first = await RunToEndAsync(manager, await Json(await manager.PostAsJsonAsync($"{Imports}/tekmetric/runs", new { }, Ct), HttpStatusCode.Accepted));
        Assert.True(first.GetProperty("status").GetString() == "succeeded", first.ToString());
        Assert.Equal(100, first.GetProperty("job").GetProperty("progress").GetInt32());
        Assert.Equal(4, Count(first, "customers", "created"));
        Assert.Equal(1, Count(first, "customers", "skipped"));
        Assert.Equal(3, Count(first, "vehicles", "created"));
        Assert.Equal(1, Count(first, "vehicles", "errors"));
        Assert.Equal(1, Count(first, "vehicles", "skipped"));
        Assert.Equal(3, Count(first, "repairOrders", "created"));
        var issues = first.GetProperty("summary").GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("message").GetString()).ToList();
        Assert.Contains(issues, m => m!.Contains("1FTFW1E50LF500005", StringComparison.Ordinal));
        Assert.Contains(issues, m => m!.Contains("no VIN", StringComparison.Ordinal));
        // The revoked token was renewed (a second token) and the 429 retried; every list was read over several pages.
        Assert.True(tm.TokensIssued - tokensBefore >= 2, $"tokens issued: {tm.TokensIssued - tokensBefore}");
        Assert.Equal(1, tm.Throttled);
        Assert.Contains(tm.Requests, r => r.StartsWith("GET /api/v1/customers?shop=4711&page=2&size=2", StringComparison.Ordinal));
        Assert.Contains(tm.Requests, r => r.StartsWith("GET /api/v1/vehicles?shop=4711&page=2&size=2", StringComparison.Ordinal));
        Assert.Contains(tm.Requests, r => r.StartsWith("GET /api/v1/repair-orders?shop=4711&page=1&size=2", StringComparison.Ordinal));

        // The data landed: customers searchable, the business kept as one, money in cents as Tekmetric had it.
        using var advisor = await AsAsync("advisor");
        Assert.Equal(1, await CustomersNamedAsync(advisor, $"Lovel{tag}"));
        var fleet = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q=Works{tag}", Ct)).GetProperty("items")[0];
        Assert.Equal("business", fleet.GetProperty("kind").GetString());
        Assert.Equal(0, await CustomersNamedAsync(advisor, $"Deleted{tag}"));
        var ada = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers?q=Lovel{tag}", Ct)).GetProperty("items")[0];
        var adaCars = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers/{ada.GetProperty("id").GetGuid()}/vehicles", Ct);
        Assert.Contains("1HGCM8266HA100001", adaCars.GetRawText(), StringComparison.Ordinal);
        var orders = (await advisor.GetFromJsonAsync<JsonElement>("/api/v1/shop/orders?pageSize=100", Ct)).GetProperty("items").EnumerateArray().ToList();
        var imported = new List<JsonElement>();
        foreach (var o in orders)
        {
            var full = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{o.GetProperty("id").GetGuid()}", Ct);
            if (full.GetProperty("jobs").EnumerateArray().Any(j => j.GetProperty("title").GetString()!.StartsWith("Job of RO 900", StringComparison.Ordinal)))
            {
                imported.Add(full);
            }
        }
        Assert.Equal(3, imported.Count);
        var posted = imported.Single(o => o.GetProperty("jobs")[0].GetProperty("title").GetString() == "Job of RO 9001");
        Assert.Equal(180_00, posted.GetProperty("totals").GetProperty("labor").GetInt64());
        Assert.Equal(89_99, posted.GetProperty("totals").GetProperty("parts").GetInt64());
        Assert.Contains(posted.GetProperty("status").GetString(), new[] { "paid", "invoiced" });
        Assert.Equal(0, posted.GetProperty("balanceDue").GetInt64());
        var estimate = imported.Single(o => o.GetProperty("jobs")[0].GetProperty("title").GetString() == "Job of RO 9003");
        Assert.Equal("estimate", estimate.GetProperty("status").GetString());
        Assert.Equal(300_00, estimate.GetProperty("totals").GetProperty("labor").GetInt64());

        // Re-import: nothing new; one customer changed in Tekmetric is updated, not duplicated.
        tm.Customers[3] = FakeTekmetric.Customer(4, "Alan M.", $"Turi{tag}", $"alan.{tag}@example.test", "+1 555 201 0004");
        var second = await RunToEndAsync(manager, await Json(await manager.PostAsJsonAsync($"{Imports}/tekmetric/runs", new { }, Ct), HttpStatusCode.Accepted));
        Assert.True(second.GetProperty("status").GetString() == "succeeded", second.ToString());
        Assert.Equal(0, Count(second, "customers", "created"));
        Assert.Equal(1, Count(second, "customers", "updated"));
        Assert.Equal(0, Count(second, "vehicles", "created"));
        Assert.Equal(0, Count(second, "repairOrders", "created"));
        Assert.Equal(3, Count(second, "repairOrders", "skipped"));
        Assert.Equal(1, await CustomersNamedAsync(advisor, $"Turi{tag}"));
        Assert.Equal(1, await CustomersNamedAsync(advisor, $"Lovel{tag}"));
        var after = (await advisor.GetFromJsonAsync<JsonElement>("/api/v1/shop/orders?pageSize=100", Ct)).GetProperty("total").GetInt32();
        Assert.Equal(orders.Count, after);

        // The runs are listed for the shop and invisible from another organisation.
        var runs = await manager.GetFromJsonAsync<JsonElement>($"{Imports}/runs", Ct);
        Assert.True(runs.GetProperty("total").GetInt32() >= 3);
        var (other, _) = await app.NewUserAsync("Othershop");
        using (other)
        {
            var personal = (await other.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid();
            other.DefaultRequestHeaders.Add("X-Organization-Id", personal.ToString());
            var seen = await other.GetAsync($"{Imports}/runs/{second.GetProperty("id").GetGuid()}", Ct);
            Assert.True(seen.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, seen.StatusCode.ToString());
        }
    }

    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task Given_CSV_of_customers_and_vehicles_Then_dry_run_then_commit_reports_bad_rows_and_a_second_commit_creates_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = "Customer Name,Phone,E-mail,License Plate,VIN,Year,Make,Model\r\n"
            + $"\"Smith, \"\"Bob\"\" {tag}\",+1 555 301 0001,bob.{tag}@example.test,BOB-1,5YJ3E1EA9KF400004,2019,Tesla,Model 3\r\n"
            + $"Carla Quoted {tag},\"+1 (555) 301-0002\",carla.{tag}@example.test,\"CQ,2\",WBA8E9G52GN600006,2016,BMW,\"M4\r\nCoupe\"\r\n"
            + $"Bad Vin {tag},+1 555 301 0003,,BV-3,WBA8E9G53GN600006,2016,BMW,M4\r\n"
            + ",+1 555 301 0004,,NN-4,,,,\r\n"
            + $"No Car {tag},,nocar.{tag}@example.test,,,,,\r\n";
        using var manager = await AsAsync("manager");
        using var advisor = await AsAsync("advisor");

        var dry = await Json(await manager.PostAsync($"{Imports}/csv", Csv(csv), Ct), HttpStatusCode.OK);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(5, dry.GetProperty("rows").GetInt32());
        Assert.Equal(3, dry.GetProperty("validRows").GetInt32());
        Assert.Equal(2, dry.GetProperty("invalidRows").GetInt32());
        Assert.Equal(0, await CustomersNamedAsync(advisor, tag));
        var rows = dry.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal($"Smith, \"Bob\" {tag}", rows[0].GetProperty("name").GetString());
        Assert.Equal("CQ,2", rows[1].GetProperty("plate").GetString());
        Assert.Contains("check digit", rows[2].GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("name", rows[3].GetProperty("errors")[0].GetProperty("field").GetString());

        var committed = await Json(await manager.PostAsync($"{Imports}/csv?dryRun=false&fileName=customers.csv", Csv(csv), Ct), HttpStatusCode.OK);
        Assert.False(committed.GetProperty("dryRun").GetBoolean());
        Assert.Equal(3, committed.GetProperty("summary").GetProperty("customers").GetProperty("created").GetInt32());
        Assert.Equal(2, committed.GetProperty("summary").GetProperty("vehicles").GetProperty("created").GetInt32());
        Assert.Equal(3, await CustomersNamedAsync(advisor, tag));
        var again = await Json(await manager.PostAsync($"{Imports}/csv?dryRun=false", Csv(csv), Ct), HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("summary").GetProperty("customers").GetProperty("created").GetInt32());
        Assert.Equal(0, again.GetProperty("summary").GetProperty("vehicles").GetProperty("created").GetInt32());
        Assert.Equal(3, await CustomersNamedAsync(advisor, tag));
        var run = committed.GetProperty("runId").GetGuid();
        Assert.Equal("succeeded", (await manager.GetFromJsonAsync<JsonElement>($"{Imports}/runs/{run}", Ct)).GetProperty("status").GetString());

        // Hostile and malformed files: refused whole as problem+json, nothing written.
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false", Csv($"Name,Phone\r\n\"Never closed {tag},123\r\n"), Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false", Csv($"Name,Phone\r\nA \"quote\" {tag},123\r\n"), Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false", Csv($"Colour,Size\r\nred {tag},big\r\n"), Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false&col.name=Nope", Csv($"Name\r\nX {tag}\r\n"), Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=maybe", Csv($"Name\r\nX {tag}\r\n"), Ct), HttpStatusCode.BadRequest);
        await Problem(await manager.PostAsync($"{Imports}/csv", Csv(""), Ct), HttpStatusCode.BadRequest);
        var binary = new ByteArrayContent([0x4E, 0x61, 0x6D, 0x65, 0x0A, 0x00, 0x01, 0xFF, 0xFE]);
        binary.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false", binary, Ct), HttpStatusCode.BadRequest);
        var huge = new StringBuilder("Name,Phone\r\n");
        while (huge.Length <= ShopImportAppBase.MaxCsvBytes)
        {
            huge.Append(FormattableString.Invariant($"Huge Row {tag} {huge.Length},555 0100\r\n"));
        }
        await Problem(await manager.PostAsync($"{Imports}/csv?dryRun=false", Csv(huge.ToString()), Ct), HttpStatusCode.RequestEntityTooLarge);
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge.ToString())));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        Assert.True((int)(await manager.PostAsync($"{Imports}/csv?dryRun=false", chunked, Ct)).StatusCode is 413 or 400);
        Assert.Equal(3, await CustomersNamedAsync(advisor, tag));

        // Roles and organisations.
        await Problem(await advisor.PostAsync($"{Imports}/csv?dryRun=false", Csv($"Name\r\nAdvisor row {tag}\r\n"), Ct), HttpStatusCode.Forbidden);
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsync($"{Imports}/csv", Csv($"Name\r\nTech row {tag}\r\n"), Ct), HttpStatusCode.Forbidden);
        var (stranger, _) = await app.NewUserAsync();
        using (stranger)
        {
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", (await ShopAsync()).ToString());
            await Problem(await stranger.PostAsync($"{Imports}/csv?dryRun=false", Csv($"Name\r\nStranger row {tag}\r\n"), Ct), HttpStatusCode.NotFound);
        }
        Assert.Equal(3, await CustomersNamedAsync(advisor, tag));
    }

}

public sealed class ShopImportTestsOnSqlite(ShopImportSqliteApp app) : ShopImportTests(app), IClassFixture<ShopImportSqliteApp>;

public sealed class ShopImportTestsOnPostgres(ShopImportPostgresApp app) : ShopImportTests(app), IClassFixture<ShopImportPostgresApp>;
