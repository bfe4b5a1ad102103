using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pitlane.Ai.Tests;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Assistant;

/// <summary>The app with the assistant's model pointed at an in-process OpenAI chat-completions server (streaming, tool calls).</summary>
public sealed class AssistantAiApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    internal FakeOpenAiServer Ai { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ai = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
        Set("Pitlane:Assistant:BaseUrl", Ai.BaseUrl.ToString());
        Set("Pitlane:Assistant:Model", "lane-3b");
        Set("Pitlane:Assistant:ApiKey", "sk-test-lane");
        Set("Pitlane:Assistant:TimeoutSeconds", "5");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ai.DisposeAsync();
    }
}

/// <summary>
/// The assistant through a language model: the model's streamed tool calls run for the signed-in caller in their own
/// organisation (whatever ids or organisation the model names), results go back as tool messages, the answer streams
/// through, and a failing model leaves the answer to the offline rules.
/// </summary>
public sealed class AssistantModelTests(AssistantAiApp app) : AssistantTestBase(app), IClassFixture<AssistantAiApp>
{
    private static List<JsonObject> ToolMessages(JsonObject body) =>
        [.. body["messages"]!.AsArray().OfType<JsonObject>().Where(m => m["role"]?.GetValue<string>() == "tool")];

    [Fact]
    public async Task Given_model_asks_for_another_organisations_vehicle_Then_the_tool_answers_nothing_and_nothing_is_cited()
    {
        var (stranger, strangersCar) = await DriverAsync("SECRET-9", "Stranger");
        await Json(await stranger.PostAsJsonAsync($"/api/v1/vehicles/{strangersCar}/services",
            new { key = "brake-fluid", performedOn = "2026-01-02", odometerKm = 123_456 }, Ct), HttpStatusCode.Created);
        var strangersOrg = (await stranger.GetFromJsonAsync<JsonObject>("/api/v1/me", Ct))!["organizations"]!.AsArray()[0]!["id"]!.GetValue<string>();
        var (driver, _) = await DriverAsync("MINE-9");

        app.Ai.Mode = FakeMode.ToolCall;
        app.Ai.ToolName = "get_service_history";
        // The model names the other organisation too; the server never takes the organisation from the model.
        app.Ai.ToolArguments = $$"""{"vehicleId":"{{strangersCar}}","organizationId":"{{strangersOrg}}"}""";
        app.Ai.Content = "I could not find that car among yours.";
        var before = app.Ai.Requests.Count;

        var events = await ChatAsync(driver, new { message = $"What was done to car {strangersCar}?" });

        var done = Done(events);
        Assert.Equal("model", done.GetProperty("source").GetString());
        Assert.Equal("I could not find that car among yours.", done.GetProperty("text").GetString());
        Assert.Contains(events, e => e.Name == "tool" && e.Data.GetProperty("name").GetString() == "get_service_history");
        Assert.Empty(Citations(events));
        Assert.Equal(2, app.Ai.Requests.Count - before);
        var result = Assert.Single(ToolMessages(app.Ai.LastBody));
        Assert.Equal("call_fake1", result["tool_call_id"]!.GetValue<string>());
        var content = result["content"]!.ToJsonString();
        Assert.Contains($"There is no vehicle {strangersCar} in your organisation.", content, StringComparison.Ordinal);
        Assert.DoesNotContain("123,456", content, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-9", string.Join("\n", events.Select(e => e.Data.GetRawText())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_model_calls_a_tool_Then_the_answer_streams_in_pieces_and_cites_the_callers_vehicle()
    {
        var (driver, vehicle) = await DriverAsync("OWN-3");
        app.Ai.Mode = FakeMode.ToolCall;
        app.Ai.ToolName = "lookup_vehicle";
        app.Ai.ToolArguments = """{"query":"OWN-3"}""";
        app.Ai.Content = "That is your 2003 Honda with plate OWN-3.";
        var before = app.Ai.Requests.Count;

        var events = await ChatAsync(driver, new { message = "Which car has plate OWN-3?", history = new[] { new { role = "user", text = "hello" }, new { role = "assistant", text = "Hi!" } } });

        Assert.True(events.Count(e => e.Name == "text") >= 2, "the answer arrives in more than one piece");
        Assert.Equal(app.Ai.Content, Streamed(events));
        var citation = Assert.Single(Citations(events));
        Assert.Equal($"/Vehicles/Details/{vehicle}", citation.GetProperty("url").GetString());
        Assert.Equal(["lookup_vehicle"], Done(events).GetProperty("tools").EnumerateArray().Select(t => t.GetString()!).ToArray());

        var first = app.Ai.Requests.ElementAt(before).Body;
        Assert.True(first["stream"]!.GetValue<bool>());
        Assert.Equal("lane-3b", first["model"]!.GetValue<string>());
        var offered = first["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Pitlane.Ai.Tools.ToolCatalog.All.Select(t => t.Name), offered);
        var roles = first["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).ToList();
        Assert.Equal(["system", "user", "assistant", "user"], roles);
        Assert.Equal("Bearer sk-test-lane", app.Ai.Requests.ElementAt(before).Authorization);

        var second = app.Ai.LastBody;
        var call = second["messages"]!.AsArray().OfType<JsonObject>().Single(m => m["tool_calls"] is not null);
        Assert.Equal("lookup_vehicle", call["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Contains(vehicle.ToString(), Assert.Single(ToolMessages(second))["content"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_model_fails_Then_the_offline_assistant_answers_with_a_note()
    {
        var (driver, _) = await DriverAsync("ERR-1");
        app.Ai.Mode = FakeMode.ServerError;

        var events = await ChatAsync(driver, new { message = "What does P0301 mean?" });

        var done = Done(events);
        Assert.Equal("rules", done.GetProperty("source").GetString());
        Assert.Contains("HTTP 500", done.GetProperty("note").GetString()!, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Name == "note");
        Assert.Contains("P0301: Cylinder 1 Misfire Detected", Streamed(events), StringComparison.Ordinal);
    }
}
