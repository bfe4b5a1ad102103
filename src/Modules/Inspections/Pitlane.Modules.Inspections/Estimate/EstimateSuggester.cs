using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Pitlane.Modules.Inspections.Estimate;

/// <summary>The suggestions and, when the AI gateway was asked but not used, why (the advisor sees it).</summary>
public sealed record EstimateDraft(IReadOnlyList<EstimateSuggestion> Suggestions, string Source, string? FallbackReason);

/// <summary>
/// Proposes jobs for a concern: through the AI gateway when one is configured (Pitlane:Inspections:AiBaseUrl, an
/// OpenAI-compatible server asked for JSON following <see cref="Schema"/>), else, or when the answer is late, fails, or
/// does not pass <see cref="Parse"/> exactly, from <see cref="EstimateRules"/>. Either way nothing reaches the RO or the
/// customer until the advisor accepts it.
/// </summary>
public sealed class EstimateSuggester(IChatClient? chat, string? model, TimeSpan timeout)
{
    public const int MaxJobs = 6;
    public const int MaxLines = 8;
    public const long MaxUnitCost = 500_000;

    public const string Instructions =
        "You are a service advisor's assistant in a car repair shop. From the customer's concern (and trouble codes, when given) propose the repair jobs " +
        "a shop would quote: each job with a short title, the likely cause, labor operations with flagged hours (0.1 to 20), and parts with quantity and " +
        "the shop's unit cost in US cents (integer). Propose at most 6 jobs; propose a diagnosis job when the cause is unclear. Answer only JSON that " +
        "follows the given schema, with no other text.";

    /// <summary>The JSON schema the model must follow (OpenAI structured outputs: every property required, none other allowed).</summary>
    public static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["jobs"],
          "properties": {
            "jobs": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["title", "cause", "labor", "parts"],
                "properties": {
                  "title": { "type": "string" },
                  "cause": { "type": ["string", "null"] },
                  "labor": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["description", "hours"],
                      "properties": { "description": { "type": "string" }, "hours": { "type": "number" } }
                    }
                  },
                  "parts": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["description", "partNumber", "quantity", "unitCost"],
                      "properties": {
                        "description": { "type": "string" },
                        "partNumber": { "type": ["string", "null"] },
                        "quantity": { "type": "number" },
                        "unitCost": { "type": "integer" }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """).RootElement.Clone();

    public async Task<EstimateDraft> SuggestAsync(string? concern, IReadOnlyList<string> codes, string? vehicle, CancellationToken ct)
    {
        var rules = EstimateRules.Suggest(concern, codes);
        if (chat is null)
        {
            return new(rules, "rules", null);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string reason;
        try
        {
            var prompt = $"Vehicle: {vehicle ?? "unknown"}\nCustomer's concern: {concern ?? "(none given)"}\nTrouble codes: {(codes.Count == 0 ? "none" : string.Join(", ", codes))}";
            var answer = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, prompt)],
                new ChatOptions
                {
                    Temperature = 0.2f,
                    MaxOutputTokens = 1500,
                    ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "estimate", "Repair jobs proposed for the customer's concern"),
                }, deadline.Token);
            var (jobs, error) = Parse(answer.Text, $"ai: {model ?? answer.ModelId ?? "model"}", concern);
            if (jobs is not null)
            {
                return new(jobs, jobs[0].Source, null);
            }
            reason = $"The AI answer was not usable ({error}); these come from the built-in rules.";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            reason = $"The AI gateway did not answer within {timeout.TotalSeconds:0.#} s; these come from the built-in rules.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any failure of the gateway (refused connection, HTTP error, a malformed wire answer the SDK cannot read) only
            // costs the advisor the AI's suggestions: the rules still answer.
            reason = $"The AI gateway failed ({(e is System.ClientModel.ClientResultException { Status: > 0 } http ? $"HTTP {http.Status}" : e.GetType().Name)}); these come from the built-in rules.";
        }
        return new(rules, "rules", reason);
    }

    private static readonly JsonSerializerOptions Strict = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 8,
    };

    private sealed record AnswerDto(IReadOnlyList<JobDto> Jobs);

    private sealed record JobDto(string Title, string? Cause, IReadOnlyList<LaborDto> Labor, IReadOnlyList<PartDto> Parts);

    private sealed record LaborDto(string Description, decimal Hours);

    private sealed record PartDto(string Description, string? PartNumber, decimal Quantity, long UnitCost);

    /// <summary>
    /// The model's answer as suggestions, or why not: it must be one JSON object of exactly the schema's shape (no
    /// unknown or missing property, no prose around it) with values a shop could quote. Anything else is rejected whole.
    /// </summary>
    internal static (IReadOnlyList<EstimateSuggestion>? Jobs, string? Error) Parse(string? text, string source, string? concern)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20_000)
        {
            return (null, "empty or too long");
        }
        AnswerDto? answer;
        try
        {
            answer = JsonSerializer.Deserialize<AnswerDto>(text.Trim(), Strict);
        }
        catch (JsonException e)
        {
            return (null, $"not the expected JSON: {e.Message.Split('.')[0]}");
        }
        if (answer?.Jobs is not { Count: >= 1 and <= MaxJobs } jobs)
        {
            return (null, $"it must propose 1 to {MaxJobs} jobs");
        }
        var result = new List<EstimateSuggestion>();
        foreach (var job in jobs)
        {
            if (job is null || !Text(job.Title, 3, 120) || (job.Cause is not null && !Text(job.Cause, 0, 300)))
            {
                return (null, "a job's title or cause is missing or malformed");
            }
            if (job.Labor is not { Count: >= 1 and <= MaxLines } || job.Parts is not { Count: <= MaxLines })
            {
                return (null, $"each job needs 1 to {MaxLines} labor operations and at most {MaxLines} parts");
            }
            if (job.Labor.Any(l => l is null || !Text(l.Description, 1, 120) || l.Hours is < 0.1m or > 20m || decimal.Round(l.Hours, 2) != l.Hours))
            {
                return (null, "a labor operation is malformed (hours 0.1 to 20, to 0.01)");
            }
            if (job.Parts.Any(p => p is null || !Text(p.Description, 1, 120) || (p.PartNumber is not null && !Text(p.PartNumber, 1, 40))
                || p.Quantity is <= 0 or > 100 || decimal.Round(p.Quantity, 2) != p.Quantity || p.UnitCost is < 0 or > MaxUnitCost))
            {
                return (null, "a part is malformed (quantity up to 100, unit cost 0 to 500000 cents)");
            }
            result.Add(new EstimateSuggestion(job.Title.Trim(), concern, string.IsNullOrWhiteSpace(job.Cause) ? null : job.Cause.Trim(),
                job.Labor.Select(l => new SuggestedLabor(l.Description.Trim(), l.Hours)).ToList(),
                job.Parts.Select(p => new SuggestedPart(p.Description.Trim(), string.IsNullOrWhiteSpace(p.PartNumber) ? null : p.PartNumber.Trim(), p.Quantity, p.UnitCost)).ToList(),
                source));
        }
        return (result, null);
    }

    /// <summary>Plain text of a sane length: no control characters and no markup (it is shown on pages and sent to customers).</summary>
    private static bool Text(string? value, int min, int max) =>
        value is not null && value.Trim().Length >= min && value.Length <= max && !value.Any(c => char.IsControl(c) || c is '<' or '>');
}
