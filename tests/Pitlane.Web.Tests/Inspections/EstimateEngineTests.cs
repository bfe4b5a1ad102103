using Microsoft.Extensions.AI;
using Pitlane.Modules.Inspections.Estimate;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>
/// The AI estimate without the app: the offline rules, the strict reading of a model's answer (hostile and malformed
/// answers are rejected whole), and the fall-back to the rules when the gateway is slow, failing or answers nonsense.
/// </summary>
public sealed class EstimateEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Valid = """
        {"jobs":[{"title":"Replace front brake pads","cause":"Pads worn to the wear indicator","labor":[{"description":"Replace front pads","hours":1.2}],
          "parts":[{"description":"Front pad set","partNumber":"BP-1234","quantity":1,"unitCost":5200}]},
         {"title":"Brake fluid flush","cause":null,"labor":[{"description":"Flush and bleed brake fluid","hours":0.8}],"parts":[]}]}
        """;

    [Fact]
    public void Given_common_concerns_Then_rules_propose_canned_jobs_labelled_rules_with_the_concern()
    {
        var jobs = EstimateRules.Suggest("Grinding noise when braking and the A/C blows warm", []);
        Assert.Equal(["Inspect brakes; replace front pads and resurface rotors", "A/C performance test and recharge"], jobs.Select(j => j.Title));
        Assert.All(jobs, j => Assert.Equal("rules", j.Source));
        Assert.All(jobs, j => Assert.Equal("Grinding noise when braking and the A/C blows warm", j.Concern));
        var brakes = jobs[0];
        Assert.Equal(2.1m, brakes.Labor.Sum(l => l.Hours));
        Assert.Equal(4_500 + 1_200 + 600, brakes.Parts.Sum(p => (long)(p.Quantity * p.UnitCost)));

        var unknown = Assert.Single(EstimateRules.Suggest("Makes a funny smell sometimes", []));
        Assert.Equal("rules", unknown.Source);
        Assert.Equal("diagnostic", Assert.Single(unknown.Labor).LaborCategory);
    }

    [Fact]
    public void Given_scan_codes_Then_each_code_proposes_its_job_labelled_with_the_code_before_the_concern_jobs()
    {
        var codes = EstimateRules.CodesIn("CEL on, p0301 and P0420 stored; also squeals when braking").ToList();
        Assert.Equal(["P0301", "P0420"], codes);
        var jobs = EstimateRules.Suggest("squeals when braking", codes);
        Assert.Equal(["scan P0301", "scan P0420", "rules"], jobs.Select(j => j.Source));
        Assert.Contains("cylinder 1", jobs[0].Title, StringComparison.Ordinal);
        Assert.Equal("Iridium spark plug", Assert.Single(jobs[0].Parts).Description);
        // The same code twice proposes its job once; an unknown code still gets a diagnosis job.
        Assert.Single(EstimateRules.Suggest(null, ["P0128", "P0128"]));
        Assert.Equal("Diagnose trouble code B1234", Assert.Single(EstimateRules.Suggest(null, ["B1234"])).Title);
        // Only the labor categories every shop starts with (a shop has no "electrical" rate unless it adds one).
        var all = EstimateRules.Suggest("won't start, A/C warm, oil leak, clunk over bumps, overheating, shakes, service due, pulls left, brakes",
            ["U0100", "P0300", "P0301", "P0171", "P0420", "P0128", "P0442", "P0135", "B1234"]);
        Assert.Equal(18, all.Count);
        Assert.All(all.SelectMany(j => j.Labor), l => Assert.True(l.LaborCategory is null or "diagnostic", l.LaborCategory));
    }

    [Theory]
    [InlineData(" p0301 ", "P0301")]
    [InlineData("U0100", "U0100")]
    [InlineData("P4000", null)]
    [InlineData("X0301", null)]
    [InlineData("P03011", null)]
    [InlineData("P03G1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Given_code_Then_only_sae_j2012_shapes_are_trouble_codes(string? code, string? expected) =>
        Assert.Equal(expected, EstimateRules.NormalizeCode(code));

    [Fact]
    public void Given_well_formed_answer_Then_jobs_carry_the_model_as_source_and_the_customers_concern()
    {
        var (jobs, error) = EstimateSuggester.Parse(Valid, "ai: lane-3b", "Brakes squeal");
        Assert.Null(error);
        Assert.NotNull(jobs);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(("ai: lane-3b", "Brakes squeal"), (j.Source, j.Concern)));
        Assert.Equal(new SuggestedPart("Front pad set", "BP-1234", 1, 5200), Assert.Single(jobs[0].Parts));
        Assert.Equal(1.2m, Assert.Single(jobs[0].Labor).Hours);
        Assert.Null(jobs[1].Cause);
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "prose around the JSON", "Sure! Here is the estimate: " + Valid },
        { "a markdown fence", "```json\n" + Valid + "\n```" },
        { "two objects", Valid + Valid },
        { "an array at the top", "[" + Valid + "]" },
        { "an unknown property (a price the model invented)", Valid.Replace("\"hours\":1.2", "\"hours\":1.2,\"price\":1", StringComparison.Ordinal) },
        { "a missing required property", Valid.Replace(",\"parts\":[]", "", StringComparison.Ordinal) },
        { "hours as a string", Valid.Replace("\"hours\":1.2", "\"hours\":\"1.2\"", StringComparison.Ordinal) },
        { "negative hours", Valid.Replace("\"hours\":1.2", "\"hours\":-3", StringComparison.Ordinal) },
        { "absurd hours", Valid.Replace("\"hours\":1.2", "\"hours\":900", StringComparison.Ordinal) },
        { "hours finer than 0.01", Valid.Replace("\"hours\":1.2", "\"hours\":1.2345", StringComparison.Ordinal) },
        { "a fractional cost in cents", Valid.Replace("\"unitCost\":5200", "\"unitCost\":52.5", StringComparison.Ordinal) },
        { "a cost beyond a long", Valid.Replace("\"unitCost\":5200", "\"unitCost\":1e30", StringComparison.Ordinal) },
        { "a negative cost", Valid.Replace("\"unitCost\":5200", "\"unitCost\":-5200", StringComparison.Ordinal) },
        { "a zero quantity", Valid.Replace("\"quantity\":1", "\"quantity\":0", StringComparison.Ordinal) },
        { "markup in a title", Valid.Replace("Replace front brake pads", "<img src=x onerror=alert(1)>", StringComparison.Ordinal) },
        { "a control character", Valid.Replace("Replace front pads", "Replace\\u0007 front pads", StringComparison.Ordinal) },
        { "an empty title", Valid.Replace("Replace front brake pads", "  ", StringComparison.Ordinal) },
        { "no labor", Valid.Replace("[{\"description\":\"Flush and bleed brake fluid\",\"hours\":0.8}]", "[]", StringComparison.Ordinal) },
        { "null jobs", "{\"jobs\":null}" },
        { "no jobs", "{\"jobs\":[]}" },
        { "a null job", "{\"jobs\":[null]}" },
        { "seven jobs", "{\"jobs\":[" + string.Join(",", Enumerable.Repeat("{\"title\":\"Check it\",\"cause\":null,\"labor\":[{\"description\":\"Look\",\"hours\":1}],\"parts\":[]}", 7)) + "]}" },
        { "deep nesting", "{\"jobs\":" + new string('[', 200) + new string(']', 200) + "}" },
        { "truncated JSON", Valid[..(Valid.Length / 2)] },
        { "a very long answer", "{\"jobs\":[{\"title\":\"" + new string('a', 30_000) + "\"}]}" },
        { "nothing", "   " },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Given_hostile_or_malformed_answer_Then_it_is_rejected_whole_with_a_reason(string what, string answer)
    {
        var (jobs, error) = EstimateSuggester.Parse(answer, "ai: lane-3b", "Brakes squeal");
        Assert.True(jobs is null, $"{what} was accepted");
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task Given_gateway_Then_its_jobs_are_used_and_the_rules_answer_when_it_is_slow_fails_or_answers_nonsense()
    {
        var ai = new FakeChat(_ => Task.FromResult(Valid));
        var draft = await new EstimateSuggester(ai, "lane-3b", TimeSpan.FromSeconds(5)).SuggestAsync("Brakes squeal", ["P0301"], "2016 BMW 3 Series", Ct);
        Assert.Equal(("ai: lane-3b", null), (draft.Source, draft.FallbackReason));
        Assert.Equal(2, draft.Suggestions.Count);
        var prompt = ai.Seen.Last().Text;
        Assert.Contains("2016 BMW 3 Series", prompt, StringComparison.Ordinal);
        Assert.Contains("P0301", prompt, StringComparison.Ordinal);
        Assert.Contains("Brakes squeal", prompt, StringComparison.Ordinal);
        var format = Assert.IsType<ChatResponseFormatJson>(ai.Options!.ResponseFormat);
        Assert.Equal("estimate", format.SchemaName);

        var rules = EstimateRules.Suggest("Brakes squeal", ["P0301"]);
        var slow = new FakeChat(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Valid;
        });
        var late = await new EstimateSuggester(slow, "lane-3b", TimeSpan.FromMilliseconds(200)).SuggestAsync("Brakes squeal", ["P0301"], null, Ct);
        Assert.Equal("rules", late.Source);
        Assert.Equal(rules, late.Suggestions, new SuggestionComparer());
        Assert.Contains("did not answer within 0.2 s", late.FallbackReason, StringComparison.Ordinal);

        var failing = await new EstimateSuggester(new FakeChat(_ => throw new HttpRequestException("connection refused")), "lane-3b", TimeSpan.FromSeconds(5))
            .SuggestAsync("Brakes squeal", [], null, Ct);
        Assert.Equal("rules", failing.Source);
        Assert.Contains("failed", failing.FallbackReason, StringComparison.Ordinal);

        var nonsense = await new EstimateSuggester(new FakeChat(_ => Task.FromResult("I think it is the brakes.")), "lane-3b", TimeSpan.FromSeconds(5))
            .SuggestAsync("Brakes squeal", [], null, Ct);
        Assert.Equal("rules", nonsense.Source);
        Assert.Contains("not usable", nonsense.FallbackReason, StringComparison.Ordinal);

        var offline = await new EstimateSuggester(null, null, TimeSpan.FromSeconds(5)).SuggestAsync("Brakes squeal", [], null, Ct);
        Assert.Equal(("rules", null), (offline.Source, offline.FallbackReason));
    }

    private sealed class SuggestionComparer : IEqualityComparer<EstimateSuggestion>
    {
        public bool Equals(EstimateSuggestion? x, EstimateSuggestion? y) =>
            x is not null && y is not null && x.Title == y.Title && x.Source == y.Source && x.Labor.SequenceEqual(y.Labor) && x.Parts.SequenceEqual(y.Parts);

        public int GetHashCode(EstimateSuggestion obj) => obj.Title.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>An AI gateway stand-in: answers with a fixed text, or hangs until cancelled, or throws; keeps what it was sent.</summary>
    private sealed class FakeChat(Func<CancellationToken, Task<string>> answer) : IChatClient
    {
        public List<ChatMessage> Seen { get; } = [];

        public ChatOptions? Options { get; private set; }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.AddRange(messages);
            Options = options;
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, await answer(cancellationToken)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
