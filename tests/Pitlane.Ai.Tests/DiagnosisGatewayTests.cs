using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pitlane.Diagnostics;
using Pitlane.Obd.J1979;

namespace Pitlane.Ai.Tests;

public sealed class DiagnosisGatewayTests : IAsyncLifetime
{
    private const string Model = "qwen2.5-7b-instruct";
    private const string Key = "sk-test-123";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private FakeOpenAiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DiagnosisRequest MisfireRequest(IReadOnlyList<string>? labor = null)
    {
        var input = new HealthInput
        {
            Now = Now,
            Scan = new ScanFacts(
                [ScanFacts.Dtc("P0300"), ScanFacts.Dtc("P0301")],
                MilOn: true,
                [new ReadinessStatus("7E8", true, 2, IgnitionType.Spark, [new("Misfire", true, true), new("Catalyst", true, false)])],
                [],
                [new LiveValue("7E8", 0x0C, "Engine RPM", 780, "rpm", 0, 16383.75), new LiveValue("7E8", 0x05, "Coolant temperature", 91, "°C", -40, 215)]),
            MisfireCounts = [new(1, 184), new(2, 7), new(3, 8), new(4, 6)],
            OdometerKm = 84_000,
        };
        return new DiagnosisRequest("2003 Honda Accord, VIN 1HGCM56403A000001", input, HealthEngine.Evaluate(input), labor);
    }

    private static object Recommendation(string urgency = "soon", string[]? codes = null, string? labor = "ignition.coil.replace") => new
    {
        title = "Replace the cylinder 1 ignition coil",
        why = "P0301 and 184 misfire counts on cylinder 1 point at its coil; swap it with cylinder 2 to confirm.",
        urgency,
        codes = codes ?? ["P0301", "P0300"],
        laborOperation = labor,
    };

    private static string Answer(params object[] recommendations) => FakeOpenAiServer.Serialize(new
    {
        summary = "Cylinder 1 is misfiring; the check-engine light is on.",
        recommendations = recommendations.Length == 0 ? [Recommendation()] : recommendations,
    });

    private DiagnosisGateway Gateway(int timeoutSeconds = 20) =>
        DiagnosisGateway.Create(new AiOptions(_server.BaseUrl.ToString(), Model, Key, timeoutSeconds), TimeProvider.System);

    private static void AssertRulesAnswered(DiagnosisOutcome outcome, DiagnosisRequest request)
    {
        Assert.Equal("rules", outcome.Source);
        Assert.Equal(RuleInterpreter.Interpret(request.Input, request.Assessment).Summary, outcome.Interpretation.Summary);
        Assert.NotEmpty(outcome.Interpretation.Recommendations);
        Assert.NotEmpty(outcome.Prompt);
    }

    [Fact]
    public async Task Given_valid_answer_Then_model_interpretation_with_parsed_recommendations()
    {
        _server.Content = Answer();

        var outcome = await Gateway().InterpretAsync(MisfireRequest(), Ct);

        Assert.Equal(AiOutcome.Answered, outcome.Outcome);
        Assert.Equal("ai:" + Model, outcome.Source);
        Assert.Equal(Model, outcome.Model);
        Assert.Null(outcome.Error);
        Assert.Equal(_server.Content, outcome.RawAnswer);
        Assert.Equal("Cylinder 1 is misfiring; the check-engine light is on.", outcome.Interpretation.Summary);
        var r = Assert.Single(outcome.Interpretation.Recommendations);
        Assert.Equal("Replace the cylinder 1 ignition coil", r.Title);
        Assert.Equal(RecommendationUrgency.Soon, r.Urgency);
        Assert.Equal(["P0301", "P0300"], r.Codes);
        Assert.Equal("ignition.coil.replace", r.LaborOperation);
        Assert.True(outcome.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task Request_carries_model_bearer_key_json_format_and_the_scan_facts()
    {
        _server.Content = Answer();

        var outcome = await Gateway().InterpretAsync(MisfireRequest(["spark-plugs.replace"]), Ct);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer " + Key, request.Authorization);
        Assert.Equal(Model, request.Body["model"]!.GetValue<string>());
        Assert.Equal("json_object", request.Body["response_format"]!["type"]!.GetValue<string>());
        var messages = request.Body["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var facts = messages[1]!["content"]!.GetValue<string>();
        Assert.Contains("\"code\":\"P0301\"", facts, StringComparison.Ordinal);
        Assert.Contains("Cylinder 1 Misfire Detected", facts, StringComparison.Ordinal);
        Assert.Contains("2003 Honda Accord", facts, StringComparison.Ordinal);
        Assert.Contains("\"milOn\":true", facts, StringComparison.Ordinal);
        Assert.Contains("\"readinessIncomplete\":[\"Catalyst\"]", facts, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"misfire.counts\"", facts, StringComparison.Ordinal);
        // The rules' own keys (the coil for the misfire, the overdue oil service) plus the one the request adds.
        Assert.Contains("\"allowedLaborOperations\":[\"air-filter.replace\",\"ignition.coil.replace\",\"oil-filter.replace\",\"spark-plugs.replace\"]", facts, StringComparison.Ordinal);
        Assert.Contains("\"urgency\":\"overdue\"", facts, StringComparison.Ordinal);
        Assert.Contains("\"unit\":\"°C\"", facts, StringComparison.Ordinal);
        Assert.Contains("Engine RPM", facts, StringComparison.Ordinal);
        // The audit record holds exactly what was sent.
        Assert.Equal(facts, outcome.Prompt[1].Text);
        Assert.Equal(messages[0]!["content"]!.GetValue<string>(), outcome.Prompt[0].Text);
    }

    [Fact]
    public async Task Given_answer_in_a_json_code_fence_Then_it_is_accepted()
    {
        _server.Content = "```json\n" + Answer() + "\n```";

        var outcome = await Gateway().InterpretAsync(MisfireRequest(), Ct);

        Assert.Equal(AiOutcome.Answered, outcome.Outcome);
        Assert.Single(outcome.Interpretation.Recommendations);
    }

    [Fact]
    public async Task Given_slow_model_Then_timeout_and_rules_answer_at_the_deadline()
    {
        _server.Mode = FakeMode.Slow;
        _server.Delay = TimeSpan.FromSeconds(30);
        var request = MisfireRequest();
        var watch = Stopwatch.StartNew();

        var outcome = await Gateway(timeoutSeconds: 1).InterpretAsync(request, Ct);

        Assert.Equal(AiOutcome.Timeout, outcome.Outcome);
        AssertRulesAnswered(outcome, request);
        Assert.Null(outcome.RawAnswer);
        Assert.Contains("1 s", outcome.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Given_http_500_Then_error_and_rules_answer_without_retry()
    {
        _server.Mode = FakeMode.ServerError;
        var request = MisfireRequest();

        var outcome = await Gateway().InterpretAsync(request, Ct);

        Assert.Equal(AiOutcome.Error, outcome.Outcome);
        AssertRulesAnswered(outcome, request);
        Assert.StartsWith("HTTP 500", outcome.Error, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Given_no_server_listening_Then_error_and_rules_answer()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var request = MisfireRequest();

        var outcome = await DiagnosisGateway.Create(new AiOptions($"http://127.0.0.1:{port}/v1", Model), TimeProvider.System).InterpretAsync(request, Ct);

        Assert.Equal(AiOutcome.Error, outcome.Outcome);
        AssertRulesAnswered(outcome, request);
        Assert.NotNull(outcome.Error);
    }

    public static TheoryData<string, string> InvalidAnswers => new()
    {
        { "garbage", "Sure! The car has a misfire, replace the coil." },
        { "empty", "" },
        { "array", "[]" },
        { "unknown code", Answer(Recommendation(codes: ["P0420"])) },
        { "unknown urgency", Answer(Recommendation(urgency: "whenever")) },
        { "no recommendations", FakeOpenAiServer.Serialize(new { summary = "Fine.", recommendations = Array.Empty<object>() }) },
        { "eleven recommendations", FakeOpenAiServer.Serialize(new { summary = "Many.", recommendations = Enumerable.Repeat(Recommendation(), 11) }) },
        { "blank summary", FakeOpenAiServer.Serialize(new { summary = "  ", recommendations = new[] { Recommendation() } }) },
        { "summary too long", FakeOpenAiServer.Serialize(new { summary = new string('x', 2001), recommendations = new[] { Recommendation() } }) },
        { "code not a string", FakeOpenAiServer.Serialize(new { summary = "S.", recommendations = new[] { new { title = "T", why = "W", urgency = "soon", codes = new[] { 300 } } } }) },
        { "missing codes", FakeOpenAiServer.Serialize(new { summary = "S.", recommendations = new[] { new { title = "T", why = "W", urgency = "soon" } } }) },
        { "invented voltage", FakeOpenAiServer.Serialize(new { summary = "Cylinder 1 misfires and the battery reads only 11.2 V.", recommendations = new[] { Recommendation() } }) },
        { "invented coolant", FakeOpenAiServer.Serialize(new { summary = "The engine runs hot at 118 °C.", recommendations = new[] { Recommendation() } }) },
        { "code only in prose", FakeOpenAiServer.Serialize(new { summary = "Misfire, and P0171 shows a lean mixture.", recommendations = new[] { Recommendation() } }) },
        { "invented odometer", FakeOpenAiServer.Serialize(new { summary = "At 120,000 km the plugs are due.", recommendations = new[] { Recommendation() } }) },
    };

    [Theory]
    [InlineData("Idle is 780 rpm and coolant 91 °C: the engine is warm.")]
    [InlineData("Idle is about 800 rpm with the engine at 90 °C.")]
    [InlineData("At 84,000 km, cylinder 1 misfires (184 counts).")]
    [InlineData("At 84000 km the coil on cylinder 1 is the likely cause.")]
    public void Given_prose_whose_measurements_are_the_facts_within_their_precision_Then_grounded(string summary)
    {
        var request = MisfireRequest();
        var facts = DiagnosisPrompt.Facts(request, ["ignition.coil.replace"]);
        Assert.Null(DiagnosisAnswer.Ungrounded(summary, DiagnosisPrompt.ScanCodes(request.Input), facts));
    }

    [Theory]
    [InlineData("Idle is 700 rpm.", "700 rpm")]
    [InlineData("Coolant reached 91.9 °C.", "91.9 °C")]
    [InlineData("Long-term trim is +12 %.", "12 %")]
    [InlineData("P0420: the catalyst is worn.", "P0420")]
    [InlineData("Charging at 14,2 V.", "14,2 V")]
    public void Given_prose_stating_what_the_facts_do_not_Then_it_is_named(string summary, string named)
    {
        var request = MisfireRequest();
        var facts = DiagnosisPrompt.Facts(request, ["ignition.coil.replace"]);
        Assert.Contains(named, DiagnosisAnswer.Ungrounded(summary, DiagnosisPrompt.ScanCodes(request.Input), facts), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidAnswers))]
    public async Task Given_invalid_answer_Then_invalid_answer_and_rules_answer(string kind, string content)
    {
        _server.Content = content;
        var request = MisfireRequest();

        var outcome = await Gateway().InterpretAsync(request, Ct);

        Assert.True(outcome.Outcome == AiOutcome.InvalidAnswer, kind);
        AssertRulesAnswered(outcome, request);
        Assert.Equal(content, outcome.RawAnswer);
        Assert.False(string.IsNullOrEmpty(outcome.Error));
        Assert.Equal(Model, outcome.Model);
    }

    [Fact]
    public async Task Given_labor_key_outside_the_allowed_list_Then_it_is_dropped_and_request_keys_are_allowed()
    {
        _server.Content = Answer(Recommendation(labor: "engine.replace"), Recommendation(urgency: "Scheduled", labor: "spark-plugs.replace"));

        var outcome = await Gateway().InterpretAsync(MisfireRequest(["spark-plugs.replace"]), Ct);

        Assert.Equal(AiOutcome.Answered, outcome.Outcome);
        Assert.Equal([null, "spark-plugs.replace"], outcome.Interpretation.Recommendations.Select(r => r.LaborOperation));
        Assert.Equal(RecommendationUrgency.Scheduled, outcome.Interpretation.Recommendations[1].Urgency);
    }

    [Fact]
    public async Task Given_no_model_configured_Then_rules_without_a_call()
    {
        var request = MisfireRequest();

        foreach (var options in new AiOptions?[] { null, new AiOptions(null, null), new AiOptions("", Model) })
        {
            var outcome = await DiagnosisGateway.Create(options, TimeProvider.System).InterpretAsync(request, Ct);

            Assert.Equal(AiOutcome.Rules, outcome.Outcome);
            Assert.Equal("rules", outcome.Source);
            Assert.Null(outcome.Model);
            Assert.Empty(outcome.Prompt);
            Assert.Equivalent(RuleInterpreter.Interpret(request.Input, request.Assessment), outcome.Interpretation, strict: true);
        }
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Given_caller_cancels_Then_operation_canceled()
    {
        _server.Mode = FakeMode.Slow;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gateway().InterpretAsync(MisfireRequest(), cts.Token));
    }

    [Theory]
    [InlineData("not a url", Model, 20, "BaseUrl")]
    [InlineData("ftp://host/v1", Model, 20, "BaseUrl")]
    [InlineData("http://127.0.0.1:8080/v1", "", 20, "Model")]
    [InlineData("http://127.0.0.1:8080/v1", Model, 0, "TimeoutSeconds")]
    public void Given_invalid_settings_Then_create_fails_naming_the_setting(string baseUrl, string model, int timeout, string setting)
    {
        var e = Assert.Throws<ArgumentException>(() => DiagnosisGateway.Create(new AiOptions(baseUrl, model, null, timeout), TimeProvider.System));

        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
    }
}
