using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Ai.Tests;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>The app with the Inspections AI gateway pointed at an in-process OpenAI-compatible server (the real wire protocol).</summary>
public abstract class EstimateAppBase : PitlaneApp
{
    internal FakeOpenAiServer Ai { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ai = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
        Set("Pitlane:Inspections:AiBaseUrl", Ai.BaseUrl.ToString());
        Set("Pitlane:Inspections:AiModel", "lane-3b");
        Set("Pitlane:Inspections:AiApiKey", "sk-test-lane");
        Set("Pitlane:Inspections:AiTimeoutSeconds", "5");
    }

    public virtual void EnsureAvailable()
    {
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ai.DisposeAsync();
    }
}

public sealed class EstimateSqliteApp : EstimateAppBase
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class EstimatePostgresApp(PostgresServer server) : EstimateAppBase
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
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
/// The AI estimate over HTTP on SQLite and PostgreSQL: the concern and a scan code go to the model as a chat-completions
/// request with a JSON schema; its jobs come back labelled with the model; the advisor's kept and edited jobs reach the
/// RO with their source in the audit trail; nonsense or a failing gateway gives the rules' jobs with the reason; the
/// wrong organisation is 404, the wrong role 403 and bad input 400, and none of them changes the RO.
/// </summary>
public abstract class EstimateTests(EstimateAppBase app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Answer = """
        {"jobs":[{"title":"Replace front brake pads","cause":"Pads worn to the wear indicator","labor":[{"description":"Replace front pads","hours":1.2}],
          "parts":[{"description":"Front pad set","partNumber":"BP-1234","quantity":1,"unitCost":5200}]},
         {"title":"Replace cylinder 1 ignition coil","cause":"P0301 follows the coil","labor":[{"description":"Replace ignition coil","hours":0.4}],"parts":[]}]}
        """;

    private Guid? _shop;

    private async Task<HttpClient> AsAsync(string role)
    {
        app.EnsureAvailable();
        if (_shop is null)
        {
            using var owner = await app.SignedInClientAsync("owner@demo.pitlane.test");
            _shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
                .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        }
        return await app.SignedInClientAsync($"{role}@demo.pitlane.test", organizationId: _shop);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        await Json(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Json(await client.PostAsJsonAsync(path, body, Ct), expected);

    private static Guid Id(JsonElement o) => o.GetProperty("id").GetGuid();

    private static async Task<Guid> RepairOrderAsync(HttpClient advisor)
    {
        var vehicle = Id((await advisor.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=PIT-005", Ct)).GetProperty("items")[0]);
        var customer = await Post(advisor, "/api/v1/shop/customers", new { name = $"Ines Moreau {Guid.NewGuid():N}", phone = "+1 (555) 014-2020" }, HttpStatusCode.Created);
        await Post(advisor, $"/api/v1/shop/customers/{Id(customer)}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);
        return Id(await Post(advisor, "/api/v1/shop/orders", new { customerId = Id(customer), vehicleId = vehicle, odometerKm = 73_900 }, HttpStatusCode.Created));
    }

    private static async Task<JsonElement[]> JobsAsync(HttpClient client, Guid ro) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}", Ct)).GetProperty("jobs").EnumerateArray()];

    private const string Suggest = "/api/v1/inspections/estimates/suggest";
    private const string Accept = "/api/v1/inspections/estimates/accept";

    [Fact]
    public async Task Given_concern_and_scan_code_Then_model_jobs_are_labelled_and_kept_edited_jobs_reach_the_ro_with_their_source()
    {
        app.Ai.Mode = FakeMode.Answer;
        app.Ai.Content = Answer;
        using var advisor = await AsAsync("advisor");
        var ro = await RepairOrderAsync(advisor);

        var draft = await Post(advisor, Suggest, new { repairOrderId = ro, concern = "Squeals when braking, engine shakes at idle", codes = new[] { "p0301" } });
        Assert.Equal("ai: lane-3b", draft.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, draft.GetProperty("fallbackReason").ValueKind);
        var suggestions = draft.GetProperty("suggestions").EnumerateArray().ToList();
        Assert.Equal(["Replace front brake pads", "Replace cylinder 1 ignition coil"], suggestions.Select(s => s.GetProperty("title").GetString()));
        Assert.All(suggestions, s => Assert.Equal("ai: lane-3b", s.GetProperty("source").GetString()));

        // On the wire: the configured model and key, the concern, the code and the vehicle, and a strict JSON schema.
        var sent = app.Ai.Requests.Last();
        Assert.Equal("Bearer sk-test-lane", sent.Authorization);
        Assert.Equal("lane-3b", sent.Body["model"]!.GetValue<string>());
        Assert.Equal("json_schema", sent.Body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("estimate", sent.Body["response_format"]!["json_schema"]!["name"]!.GetValue<string>());
        var user = sent.Body["messages"]!.AsArray().Last()!["content"]!.ToJsonString();
        Assert.Contains("Squeals when braking", user, StringComparison.Ordinal);
        Assert.Contains("P0301", user, StringComparison.Ordinal);
        Assert.DoesNotContain("Vehicle: unknown", user, StringComparison.Ordinal);

        // Nothing is on the RO until the advisor accepts; then the first as edited (1.5 h), the second as suggested.
        Assert.Empty(await JobsAsync(advisor, ro));
        var pads = suggestions[0];
        var accepted = await Post(advisor, Accept, new
        {
            repairOrderId = ro,
            jobs = new object[]
            {
                new
                {
                    title = "Replace front brake pads and hardware", concern = "Squeals when braking", cause = pads.GetProperty("cause").GetString(),
                    labor = new[] { new { description = "Replace front pads", hours = 1.5m } },
                    parts = new[] { new { description = "Front pad set", partNumber = "BP-1234", quantity = 1m, unitCost = 5200L } },
                    source = "ai: lane-3b", edited = true,
                },
                new
                {
                    title = "Replace cylinder 1 ignition coil", concern = "Engine shakes at idle", cause = "P0301 follows the coil",
                    labor = new[] { new { description = "Replace ignition coil", hours = 0.4m } }, parts = Array.Empty<object>(),
                    source = "ai: lane-3b", edited = false,
                },
            },
        });
        Assert.Equal(2, accepted.GetProperty("jobIds").GetArrayLength());
        var jobs = await JobsAsync(advisor, ro);
        Assert.Equal(["Replace front brake pads and hardware", "Replace cylinder 1 ignition coil"], jobs.Select(j => j.GetProperty("title").GetString()));
        Assert.Equal(accepted.GetProperty("jobIds").EnumerateArray().Select(j => j.GetGuid()), jobs.Select(Id));
        Assert.All(jobs, j => Assert.Equal("pending", j.GetProperty("status").GetString()));
        var lines = jobs[0].GetProperty("lines").EnumerateArray().ToList();
        var labor = lines.Single(l => l.GetProperty("kind").GetString() == "labor");
        Assert.Equal(1.5m, labor.GetProperty("quantity").GetDecimal());
        Assert.True(labor.GetProperty("unitPrice").GetInt64() > 0, "labor priced at the shop's rate");
        var part = lines.Single(l => l.GetProperty("kind").GetString() == "part");
        Assert.Equal(("BP-1234", 5200L), (part.GetProperty("partNumber").GetString(), part.GetProperty("unitCost").GetInt64()));
        Assert.True(part.GetProperty("unitPrice").GetInt64() > 5200, "the shop's markup makes the price");

        var audit = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{ro}/audit", Ct)).EnumerateArray()
            .Select(a => a.TryGetProperty("after", out var after) ? after.GetString() : null).ToList();
        Assert.Contains("Replace front brake pads and hardware (from estimate suggestion (ai: lane-3b, edited))", audit);
        Assert.Contains("Replace cylinder 1 ignition coil (from estimate suggestion (ai: lane-3b))", audit);
    }

    [Fact]
    public async Task Given_model_answers_nonsense_or_fails_Then_the_rules_answer_with_the_reason()
    {
        using var advisor = await AsAsync("advisor");
        var ro = await RepairOrderAsync(advisor);
        app.Ai.Mode = FakeMode.Answer;
        app.Ai.Content = """{"jobs":[{"title":"<script>alert(1)</script>","cause":null,"labor":[{"description":"x","hours":1}],"parts":[]}]}""";
        var draft = await Post(advisor, Suggest, new { repairOrderId = ro, concern = "Grinding when braking" });
        Assert.Equal("rules", draft.GetProperty("source").GetString());
        Assert.Contains("not usable", draft.GetProperty("fallbackReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Inspect brakes; replace front pads and resurface rotors", Assert.Single(draft.GetProperty("suggestions").EnumerateArray()).GetProperty("title").GetString());

        app.Ai.Mode = FakeMode.ServerError;
        var failed = await Post(advisor, Suggest, new { repairOrderId = ro, concern = "Grinding when braking", codes = new[] { "P0420" } });
        Assert.Equal("rules", failed.GetProperty("source").GetString());
        Assert.Contains("HTTP 500", failed.GetProperty("fallbackReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["scan P0420", "rules"], failed.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("source").GetString()));
        app.Ai.Mode = FakeMode.Answer;
    }

    [Fact]
    public async Task Given_wrong_organisation_role_or_bad_input_Then_404_403_400_and_the_ro_is_unchanged()
    {
        app.Ai.Mode = FakeMode.Answer;
        app.Ai.Content = Answer;
        using var advisor = await AsAsync("advisor");
        var ro = await RepairOrderAsync(advisor);
        object Job(string title = "Replace front brake pads", decimal hours = 1.0m, string source = "rules", long unitCost = 4500) => new
        {
            title, concern = "Squeal", cause = (string?)null, labor = new[] { new { description = "Replace pads", hours } },
            parts = new[] { new { description = "Pads", partNumber = (string?)null, quantity = 1m, unitCost } }, source, edited = false,
        };

        var (stranger, _) = await app.NewUserAsync();
        using (stranger)
        {
            await Problem(await stranger.PostAsJsonAsync(Suggest, new { repairOrderId = ro, concern = "Squeal" }, Ct), HttpStatusCode.NotFound);
            await Problem(await stranger.PostAsJsonAsync(Accept, new { repairOrderId = ro, jobs = new[] { Job() } }, Ct), HttpStatusCode.NotFound);
        }
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsJsonAsync(Suggest, new { repairOrderId = ro, concern = "Squeal" }, Ct), HttpStatusCode.Forbidden);
        await Problem(await tech.PostAsJsonAsync(Accept, new { repairOrderId = ro, jobs = new[] { Job() } }, Ct), HttpStatusCode.Forbidden);

        var requestsBefore = app.Ai.Requests.Count;
        foreach (var bad in new object[]
        {
            new { repairOrderId = ro },
            new { repairOrderId = ro, concern = "   " },
            new { repairOrderId = ro, concern = new string('a', 2001) },
            new { repairOrderId = ro, concern = "Squeal", codes = new[] { "DROP TABLE" } },
            new { repairOrderId = ro, concern = "Squeal", codes = Enumerable.Repeat("P0301", 21).ToArray() },
        })
        {
            await Problem(await advisor.PostAsJsonAsync(Suggest, bad, Ct), HttpStatusCode.BadRequest);
        }
        Assert.Equal(requestsBefore, app.Ai.Requests.Count);
        await Problem(await advisor.PostAsJsonAsync(Suggest, new { repairOrderId = Guid.NewGuid(), concern = "Squeal" }, Ct), HttpStatusCode.NotFound);

        foreach (var bad in new object[]
        {
            new { jobs = new[] { Job() } },
            new { repairOrderId = ro, jobs = Array.Empty<object>() },
            new { repairOrderId = ro, jobs = Enumerable.Repeat(Job(), 11).ToArray() },
            new { repairOrderId = ro, jobs = new[] { Job(title: "x") } },
            new { repairOrderId = ro, jobs = new[] { Job(hours: 0m) } },
            new { repairOrderId = ro, jobs = new[] { Job(hours: 250m) } },
            new { repairOrderId = ro, jobs = new[] { Job(unitCost: -1) } },
            new { repairOrderId = ro, jobs = new[] { Job(source: "trust me") } },
            new { repairOrderId = ro, jobs = new[] { Job(), Job(source: "ai: <b>") } },
            new { repairOrderId = ro, jobs = new object?[] { null } },
        })
        {
            await Problem(await advisor.PostAsJsonAsync(Accept, bad, Ct), HttpStatusCode.BadRequest);
        }
        using var malformed = new StringContent("{\"repairOrderId\":", System.Text.Encoding.UTF8, "application/json");
        await Problem(await advisor.PostAsync(Accept, malformed, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync(Accept, new { repairOrderId = Guid.NewGuid(), jobs = new[] { Job() } }, Ct), HttpStatusCode.NotFound);
        Assert.Empty(await JobsAsync(advisor, ro));

        // The page: the advisor gets the form; a technician is told who drafts estimates.
        Assert.Contains("id=\"estimate-form\"", await advisor.GetStringAsync($"/Inspections/Estimate?repairOrderId={ro}", Ct), StringComparison.Ordinal);
        Assert.Contains("id=\"estimate-not-allowed\"", await tech.GetStringAsync($"/Inspections/Estimate?repairOrderId={ro}", Ct), StringComparison.Ordinal);
    }
}

public sealed class EstimateTestsOnSqlite(EstimateSqliteApp app) : EstimateTests(app), IClassFixture<EstimateSqliteApp>;

public sealed class EstimateTestsOnPostgres(EstimatePostgresApp app) : EstimateTests(app), IClassFixture<EstimatePostgresApp>;
