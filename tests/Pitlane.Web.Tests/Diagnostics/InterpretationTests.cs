using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Ai.Tests;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Modules.Diagnostics;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>The app with its AI gateway pointed at an in-process OpenAI-compatible server.</summary>
public sealed class AiSqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    internal FakeOpenAiServer Ai { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ai = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
        Set("Pitlane:Diagnostics:Ai:BaseUrl", Ai.BaseUrl.ToString());
        Set("Pitlane:Diagnostics:Ai:Model", "lane-3b");
        Set("Pitlane:Diagnostics:Ai:ApiKey", "sk-test-lane");
        Set("Pitlane:Diagnostics:Ai:TimeoutSeconds", "2");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ai.DisposeAsync();
    }
}

/// <summary>AI interpretation through the gateway, its audit trail, and the fall-back to the rule engine.</summary>
public sealed class InterpretationTests(AiSqliteApp app) : DiagnosticsTestBase(app), IClassFixture<AiSqliteApp>
{
    private const string ValidAnswer = """
        {"summary":"Cylinder 1 is misfiring, most likely ignition.","recommendations":[
          {"title":"Swap the cylinder 1 coil with cylinder 2","why":"P0301 with P0300 points at one cylinder.","urgency":"soon","codes":["P0300","P0301"],"laborOperation":"ignition.coil.replace"}]}
        """;

    [Fact]
    public async Task Given_model_answers_Then_interpretation_names_the_model_and_prompt_and_answer_are_audited()
    {
        app.Ai.Mode = FakeMode.Answer;
        app.Ai.Content = ValidAnswer;
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var scanId = scan.GetProperty("id").GetGuid();

        var interpretation = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}/interpretation", Ct);

        Assert.Equal("ai:lane-3b", interpretation.GetProperty("source").GetString());
        Assert.Equal("answered", interpretation.GetProperty("outcome").GetString());
        Assert.Equal("Cylinder 1 is misfiring, most likely ignition.", interpretation.GetProperty("summary").GetString());
        Assert.Equal("ignition.coil.replace", interpretation.GetProperty("recommendations")[0].GetProperty("laborOperation").GetString());
        var request = app.Ai.LastBody;
        Assert.Equal("lane-3b", request["model"]!.GetValue<string>());
        Assert.Contains("P0300", request["messages"]!.ToJsonString(), StringComparison.Ordinal);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
        var audit = await db.Interpretations.AsNoTracking().SingleAsync(i => i.ScanId == scanId, Ct);
        Assert.Contains("P0300", audit.Prompt, StringComparison.Ordinal);
        Assert.Contains("Cylinder 1 is misfiring", audit.Answer, StringComparison.Ordinal);

        // Asked again, the stored answer is returned, not a second model call.
        var calls = app.Ai.Requests.Count;
        var again = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}/interpretation", Ct);
        Assert.Equal(interpretation.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(calls, app.Ai.Requests.Count);
    }

    [Theory]
    [InlineData(FakeMode.ServerError, "error")]
    [InlineData(FakeMode.Slow, "timeout")]
    [InlineData(FakeMode.Answer, "invalid-answer")]
    public async Task Given_model_fails_Then_rules_answer_and_the_reason_is_audited(FakeMode mode, string outcome)
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var scanId = scan.GetProperty("id").GetGuid();
        app.Ai.Mode = mode;
        app.Ai.Delay = TimeSpan.FromSeconds(10);
        app.Ai.Content = """{"summary":"x","recommendations":[{"title":"t","why":"w","urgency":"someday","codes":["P0420"]}]}""";

        var response = await shop.Client.PostAsync($"/api/v1/scans/{scanId}/interpretation", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var interpretation = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("rules", interpretation.GetProperty("source").GetString());
        Assert.Equal(outcome, interpretation.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrEmpty(interpretation.GetProperty("fallbackReason").GetString()));
        Assert.Contains("P0300", interpretation.GetProperty("summary").GetString()!, StringComparison.Ordinal);
        Assert.True(interpretation.GetProperty("latencyMs").GetInt32() < 8000);
    }

    [Fact]
    public async Task Given_other_organisation_or_unfinished_scan_Then_404_or_409()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/scans/{scan.GetProperty("id").GetGuid()}/interpretation", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsync($"/api/v1/scans/{scan.GetProperty("id").GetGuid()}/interpretation", null, Ct), HttpStatusCode.NotFound);
    }
}
