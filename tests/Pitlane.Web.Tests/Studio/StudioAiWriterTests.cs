using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Ai.Tests;
using Pitlane.Platform;
using Pitlane.Web.Tests.Estimator;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Studio;

/// <summary>
/// Listing text through the AI gateway against an in-process OpenAI chat-completions server: structured answers are
/// checked piece by piece (limits, hashtags, price, guardrail) and a failing piece, or a failing server, falls back to the
/// offline templates.
/// </summary>
public abstract class StudioAiWriterTests(PitlaneApp app)
{
    internal abstract FakeOpenAiServer Ai { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    private static string Answer(params object[] pieces) => JsonSerializer.Serialize(new { pieces });

    private static readonly object[] Pieces =
    [
        // A payment amount: Regulation Z trigger term, refused by the guardrail.
        new { platform = "facebook", headline = (string?)null, body = "Quiet, quick and ready for your commute. $28,499, or just $399/mo!", hashtags = new[] { "#Tesla" } },
        new { platform = "instagram", headline = (string?)null, body = "Meet your next commuter car.\n$28,499 · Glass roof · Heated seats\nBook a test drive today.", hashtags = new[] { "#Tesla", "#EV", "#UsedCars" } },
        // Over X's 280 characters once assembled.
        new { platform = "x", headline = (string?)null, body = "Tesla for $28,499. " + string.Join(' ', Enumerable.Repeat("Glass roof, heated seats, one owner.", 8)), hashtags = new[] { "#Tesla" } },
        new { platform = "reels", headline = (string?)null, body = "SCENE 1: the car on the studio floor\nVO: Quiet, quick and only $28,499.\nSCENE 2: the glass roof\nVO: Look up.", hashtags = new[] { "#Tesla", "#EV" } },
        new { platform = "email", headline = "Your next commute: $28,499", body = "Hello,\n\nIt has a glass roof and heated seats.\n\nPrice: $28,499. Reply to book a drive.", hashtags = Array.Empty<string>() },
        new { platform = "flyer", headline = "TESLA, READY TO GO", body = "$28,499\nGlass roof\nHeated seats", hashtags = Array.Empty<string>() },
        // Hashtags where none are used.
        new { platform = "website", headline = "Tesla for sale – $28,499", body = "One owner, glass roof. Price: $28,499.", hashtags = new[] { "#Nope" } },
    ];

    private async Task<(HttpClient Sales, Guid Vehicle)> ShopAsync()
    {
        RequireServer();
        var sales = await EstimatorTests.ShopClientAsync(app, "sales@demo.pitlane.test");
        return (sales, await EstimatorTests.VehicleAsync(sales, "5YJ3E1EA2KF317000"));
    }

    private static async Task<JsonElement> CreateAsync(HttpClient sales, Guid vehicle) =>
        await EstimatorTests.Json(await sales.PostAsJsonAsync("/api/v1/studio/projects", new
        {
            vehicleId = vehicle, priceMinor = 2_849_900, currency = "USD", tone = "enthusiast", audience = "commuters",
            highlights = new[] { "Glass roof", "Heated seats" },
        }, Ct), HttpStatusCode.Created);

    private static string Piece(JsonElement project, string platform) =>
        project.GetProperty("pieces").EnumerateArray().Single(p => p.GetProperty("platform").GetString() == platform).GetProperty("text").GetString()!;

    [Fact]
    public async Task Given_the_model_answers_Then_valid_pieces_are_used_and_pieces_over_limits_or_against_the_guardrail_fall_back_to_templates()
    {
        var (sales, vehicle) = await ShopAsync();
        var templates = await TemplatesAsync(sales, vehicle);
        Ai.Mode = FakeMode.Answer;
        Ai.Content = Answer(Pieces);
        Ai.Requests.Clear();

        var project = await CreateAsync(sales, vehicle);

        Assert.Equal("ai:lane-3b+templates", project.GetProperty("generator").GetString());
        Assert.Equal("Meet your next commuter car.\n$28,499 · Glass roof · Heated seats\nBook a test drive today.\n\n#Tesla #EV #UsedCars", Piece(project, "instagram"));
        Assert.Equal("Subject: Your next commute: $28,499\n\nHello,\n\nIt has a glass roof and heated seats.\n\nPrice: $28,499. Reply to book a drive.", Piece(project, "email"));
        Assert.Equal("TESLA, READY TO GO\n$28,499\nGlass roof\nHeated seats", Piece(project, "flyer"));
        Assert.StartsWith("SCENE 1: the car on the studio floor\nVO: Quiet, quick", Piece(project, "reels"), StringComparison.Ordinal);
        // The payment amount, the overlong post and the hashtags on the website were not used: the templates wrote those.
        Assert.Equal(templates["facebook"], Piece(project, "facebook"));
        Assert.Equal(templates["x"], Piece(project, "x"));
        Assert.Equal(templates["website"], Piece(project, "website"));
        Assert.DoesNotContain("$399", project.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, project.GetProperty("violations").GetArrayLength());
        Assert.All(project.GetProperty("pieces").EnumerateArray(), p => Assert.Equal(0, p.GetProperty("formProblems").GetArrayLength()));

        // One request: the model, a JSON schema for the answer, the rules as system message and the facts as the user's.
        var request = Assert.Single(Ai.Requests);
        Assert.Equal("Bearer sk-studio", request.Authorization);
        Assert.Equal("lane-3b", request.Body["model"]!.GetValue<string>());
        Assert.Equal("json_schema", request.Body["response_format"]!["type"]!.GetValue<string>());
        var messages = request.Body["messages"]!.AsArray();
        Assert.Contains("never claim anything is free or guaranteed", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var facts = JsonDocument.Parse(messages[1]!["content"]!.GetValue<string>()).RootElement;
        Assert.Equal("$28,499", facts.GetProperty("price").GetString());
        Assert.Equal(280, facts.GetProperty("platforms").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "x").GetProperty("maxChars").GetInt32());

        // The guardrail still stands between an edit and publishing.
        var id = project.GetProperty("id").GetGuid();
        await EstimatorTests.Json(await sales.PutAsJsonAsync($"/api/v1/studio/projects/{id}/pieces/instagram", new { text = "Only $28,499! $2,000 down. #Tesla" }, Ct), HttpStatusCode.OK);
        await EstimatorTests.Json(await sales.PostAsync($"/api/v1/studio/projects/{id}/submit", null, Ct), HttpStatusCode.OK);
        var manager = await EstimatorTests.ShopClientAsync(app, "manager@demo.pitlane.test");
        await EstimatorTests.Json(await manager.PostAsJsonAsync($"/api/v1/studio/projects/{id}/publish", new { acknowledgeFlags = true }, Ct), (HttpStatusCode)422);
    }

    [Fact]
    public async Task Given_the_server_fails_or_answers_garbage_Then_the_templates_write_every_piece()
    {
        var (sales, vehicle) = await ShopAsync();
        var templates = await TemplatesAsync(sales, vehicle);
        foreach (var (mode, content) in new[] { (FakeMode.ServerError, ""), (FakeMode.Answer, "Sure! Here is your listing: great car."), (FakeMode.Answer, """{"pieces":"none"}"""), (FakeMode.Answer, "[1,2") })
        {
            Ai.Mode = mode;
            Ai.Content = content;
            var project = await CreateAsync(sales, vehicle);
            Assert.Equal("templates", project.GetProperty("generator").GetString());
            foreach (var (platform, text) in templates)
            {
                Assert.Equal(text, Piece(project, platform));
            }
        }
    }

    /// <summary>What the offline templates write for the same request (the server answering nothing usable).</summary>
    private async Task<Dictionary<string, string>> TemplatesAsync(HttpClient sales, Guid vehicle)
    {
        Ai.Mode = FakeMode.Answer;
        Ai.Content = Answer();
        var project = await CreateAsync(sales, vehicle);
        Assert.Equal("templates", project.GetProperty("generator").GetString());
        return project.GetProperty("pieces").EnumerateArray().ToDictionary(p => p.GetProperty("platform").GetString()!, p => p.GetProperty("text").GetString()!);
    }
}

/// <summary>The app with the studio's AI gateway pointed at an in-process OpenAI-compatible server.</summary>
public sealed class StudioAiSqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    internal FakeOpenAiServer Ai { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ai = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
        StudioAiSettings.Apply(Set, Ai);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ai.DisposeAsync();
    }
}

/// <inheritdoc cref="StudioAiSqliteApp"/>
public sealed class StudioAiPostgresApp(PostgresServer server) : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    internal FakeOpenAiServer Ai { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ai = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
        StudioAiSettings.Apply(Set, Ai);
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ai.DisposeAsync();
    }
}

internal static class StudioAiSettings
{
    public static void Apply(Action<string, string?> set, FakeOpenAiServer ai)
    {
        set("Pitlane:Studio:AiBaseUrl", ai.BaseUrl.ToString());
        set("Pitlane:Studio:AiModel", "lane-3b");
        set("Pitlane:Studio:AiApiKey", "sk-studio");
        set("Pitlane:Studio:AiTimeoutSeconds", "5");
    }
}

public sealed class StudioAiWriterTestsOnSqlite(StudioAiSqliteApp app) : StudioAiWriterTests(app), IClassFixture<StudioAiSqliteApp>
{
    internal override FakeOpenAiServer Ai => app.Ai;
}

public sealed class StudioAiWriterTestsOnPostgres(StudioAiPostgresApp app) : StudioAiWriterTests(app), IClassFixture<StudioAiPostgresApp>
{
    internal override FakeOpenAiServer Ai => app.Ai;

    protected override void RequireServer() => app.EnsureAvailable();
}
