using System.ClientModel;
using Microsoft.Extensions.AI;
using Pitlane.Diagnostics;

namespace Pitlane.Ai;

/// <summary>Where the AI interpretation comes from; all empty means rules only.</summary>
/// <param name="BaseUrl">OpenAI-compatible API root, e.g. <c>http://127.0.0.1:8080/v1</c>; null or empty turns the model off.</param>
/// <param name="Model">Model name the server knows; required with a base URL.</param>
/// <param name="ApiKey">Bearer token; empty for local servers.</param>
/// <param name="TimeoutSeconds">Deadline for the whole model call, after which the rules answer.</param>
public sealed record AiOptions(string? BaseUrl, string? Model, string? ApiKey = null, int TimeoutSeconds = AiOptions.DefaultTimeoutSeconds)
{
    public const int DefaultTimeoutSeconds = 20;

    /// <summary>What is wrong with the settings, each message naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BaseUrl)) return errors;
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            errors.Add($"{nameof(BaseUrl)} '{BaseUrl}' is not an absolute http or https URL.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add($"{nameof(Model)} is required when {nameof(BaseUrl)} is set.");
        if (TimeoutSeconds is < 1 or > 600)
            errors.Add($"{nameof(TimeoutSeconds)} is {TimeoutSeconds}; 1 to 600 expected.");
        return errors;
    }
}

/// <param name="Vehicle">How the vehicle is named to the model, e.g. "2003 Honda Accord, VIN 1HGCM56403A000001".</param>
/// <param name="LaborOperations">Labor-time keys the shop can price beyond those the rules already use.</param>
public sealed record DiagnosisRequest(string Vehicle, HealthInput Input, HealthAssessment Assessment, IReadOnlyList<string>? LaborOperations = null);

/// <summary>How the model call ended.</summary>
public enum AiOutcome
{
    /// <summary>No model is configured; the rules answered.</summary>
    Rules,

    /// <summary>The model's answer passed validation and is the interpretation.</summary>
    Answered,

    /// <summary>The model did not answer within the deadline; the rules answered.</summary>
    Timeout,

    /// <summary>The call failed (HTTP error, connection refused…); the rules answered.</summary>
    Error,

    /// <summary>The model answered something that failed validation; the rules answered.</summary>
    InvalidAnswer,
}

/// <summary>One message of the prompt, kept for audit.</summary>
/// <param name="Role">"system" or "user".</param>
public sealed record PromptMessage(string Role, string Text);

/// <summary>The interpretation to show and an audit record of how it was produced.</summary>
/// <param name="Model">The model asked, or that answered; null when none is configured.</param>
/// <param name="Prompt">The messages sent; empty when no model is configured.</param>
/// <param name="RawAnswer">The model's text as received, when it answered at all.</param>
/// <param name="Error">Why the model's answer was not used.</param>
/// <param name="Latency">Time spent on the model call; zero without a model.</param>
public sealed record DiagnosisOutcome(
    Interpretation Interpretation,
    AiOutcome Outcome,
    string? Model,
    IReadOnlyList<PromptMessage> Prompt,
    string? RawAnswer,
    string? Error,
    TimeSpan Latency)
{
    /// <summary>"rules", or "ai:" and the model name.</summary>
    public string Source => Interpretation.Source;
}

/// <summary>
/// The AI gateway: asks a language model to interpret a scan and its health assessment, and falls back to the
/// deterministic <see cref="RuleInterpreter"/> whenever no model is configured or the model is slow, failing or wrong.
/// The model only rephrases and prioritises the facts it is given; every code and labor key it returns is checked
/// against the scan and the allowed list.
/// </summary>
public sealed class DiagnosisGateway
{
    public const string AiSourcePrefix = "ai:";

    private readonly IChatClient? _chat;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    /// <param name="chat">The model; null for rules only.</param>
    /// <param name="timeout">Deadline for each model call.</param>
    public DiagnosisGateway(IChatClient? chat, TimeProvider time, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _chat = chat;
        _time = time;
        _timeout = timeout;
    }

    /// <summary>A gateway for the settings: rules only when <paramref name="options"/> or its base URL is empty.</summary>
    /// <exception cref="ArgumentException">The settings are invalid; the message names the setting.</exception>
    public static DiagnosisGateway Create(AiOptions? options, TimeProvider time)
    {
        if (options is null || string.IsNullOrWhiteSpace(options.BaseUrl))
            return new DiagnosisGateway(null, time, TimeSpan.FromSeconds(AiOptions.DefaultTimeoutSeconds));
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid AI settings: " + string.Join(" ", errors), nameof(options));
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        // The gateway's own deadline decides; the HTTP timeout is only a backstop behind it.
        var client = new OpenAiChatClient(new Uri(options.BaseUrl), options.Model!, options.ApiKey, timeout + TimeSpan.FromSeconds(5));
        return new DiagnosisGateway(client, time, timeout);
    }

    /// <summary>Never throws for a model failure; only <paramref name="ct"/> cancels it.</summary>
    public async Task<DiagnosisOutcome> InterpretAsync(DiagnosisRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = RuleInterpreter.Interpret(request.Input, request.Assessment);
        if (_chat is null) return new DiagnosisOutcome(rules, AiOutcome.Rules, null, [], null, null, TimeSpan.Zero);

        var labor = new SortedSet<string>(rules.Recommendations.Select(r => r.LaborOperation).OfType<string>(), StringComparer.Ordinal);
        labor.UnionWith((request.LaborOperations ?? []).Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()));
        var prompt = new List<PromptMessage>
        {
            new("system", DiagnosisPrompt.Instructions),
            new("user", DiagnosisPrompt.Facts(request, labor)),
        };
        var configuredModel = _chat.GetService<ChatClientMetadata>()?.DefaultModelId;
        var options = new ChatOptions
        {
            // Low temperature: the same scan should read the same way twice.
            Temperature = 0.2f,
            MaxOutputTokens = 2048,
            ResponseFormat = ChatResponseFormat.Json,
        };

        long started = _time.GetTimestamp();
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        ChatResponse response;
        try
        {
            response = await _chat.GetResponseAsync(
                prompt.Select(m => new ChatMessage(m.Role == "system" ? ChatRole.System : ChatRole.User, m.Text)), options, linked.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Whatever the client throws (HTTP status, refused connection, malformed body, the deadline), the rules answer.
            bool timedOut = deadline.IsCancellationRequested || e is TimeoutException || e.InnerException is TimeoutException;
            return Fallback(timedOut ? AiOutcome.Timeout : AiOutcome.Error, configuredModel, null,
                timedOut ? $"No answer within {_timeout.TotalSeconds:0.#} s." : Describe(e));
        }

        var model = response.ModelId ?? configuredModel ?? "unknown";
        var raw = response.Text;
        var answer = DiagnosisAnswer.Parse(raw, AiSourcePrefix + model, DiagnosisPrompt.ScanCodes(request.Input), labor, prompt[1].Text, out var problem);
        return answer is null
            ? Fallback(AiOutcome.InvalidAnswer, model, raw, problem)
            : new DiagnosisOutcome(answer, AiOutcome.Answered, model, prompt, raw, null, _time.GetElapsedTime(started));

        DiagnosisOutcome Fallback(AiOutcome outcome, string? asked, string? answerText, string? error) =>
            new(rules, outcome, asked, prompt, answerText, error, _time.GetElapsedTime(started));
    }

    private static string Describe(Exception e) => e is ClientResultException { Status: > 0 } http
        ? $"HTTP {http.Status}: {http.Message}"
        : $"{e.GetType().Name}: {e.Message}";
}
