using System.Text.Json;
using Pitlane.Diagnostics;

namespace Pitlane.Ai;

/// <summary>
/// Strict reading of the model's answer. Anything that does not fit the requested shape rejects the whole answer, so a
/// half-valid answer never reaches a customer: the caller falls back to the rules.
/// </summary>
internal static class DiagnosisAnswer
{
    private const int MaxTitleLength = 300;
    private const int MaxWhyLength = 2000;

    /// <summary>The interpretation, or null with <paramref name="problem"/> saying what was wrong.</summary>
    public static Interpretation? Parse(string? text, string source, IReadOnlySet<string> scanCodes, IReadOnlySet<string> laborOperations, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail("the answer is empty", out problem);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(StripFence(text));
        }
        catch (JsonException e)
        {
            return Fail("the answer is not JSON: " + e.Message, out problem);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("the answer is not a JSON object", out problem);
            if (Text(root, "summary", DiagnosisPrompt.MaxSummaryLength) is not { } summary)
                return Fail($"summary is missing, empty or longer than {DiagnosisPrompt.MaxSummaryLength} characters", out problem);
            if (!root.TryGetProperty("recommendations", out var list) || list.ValueKind != JsonValueKind.Array)
                return Fail("recommendations is not an array", out problem);
            int count = list.GetArrayLength();
            if (count is < 1 or > DiagnosisPrompt.MaxRecommendations)
                return Fail($"{count} recommendations, 1 to {DiagnosisPrompt.MaxRecommendations} expected", out problem);

            var recommendations = new List<Recommendation>(count);
            foreach (var item in list.EnumerateArray())
            {
                int n = recommendations.Count + 1;
                if (item.ValueKind != JsonValueKind.Object) return Fail($"recommendation {n} is not an object", out problem);
                if (Text(item, "title", MaxTitleLength) is not { } title) return Fail($"recommendation {n} has no usable title", out problem);
                if (Text(item, "why", MaxWhyLength) is not { } why) return Fail($"recommendation {n} has no usable why", out problem);
                if (Urgency(item) is not { } urgency) return Fail($"recommendation {n} has an unknown urgency", out problem);
                if (!item.TryGetProperty("codes", out var codesElement) || codesElement.ValueKind != JsonValueKind.Array)
                    return Fail($"recommendation {n} has no codes array", out problem);
                var codes = new List<string>();
                foreach (var c in codesElement.EnumerateArray())
                {
                    var code = c.ValueKind == JsonValueKind.String ? DiagnosisPrompt.Normalise(c.GetString()!) : null;
                    if (code is null || !scanCodes.Contains(code)) return Fail($"recommendation {n} names code {c.GetRawText()}, which the scan does not report", out problem);
                    if (!codes.Contains(code, StringComparer.Ordinal)) codes.Add(code);
                }
                recommendations.Add(new Recommendation(title, why, urgency, codes, Labor(item, laborOperations)));
            }
            return new Interpretation(summary, recommendations, source);
        }
    }

    /// <summary>Models often wrap JSON in a Markdown code fence (```json … ```) even when asked not to.</summary>
    public static string StripFence(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal)) return trimmed;
        int firstLineEnd = trimmed.IndexOf('\n', StringComparison.Ordinal);
        if (firstLineEnd < 0) return trimmed;
        var body = trimmed[(firstLineEnd + 1)..].TrimEnd();
        return body.EndsWith("```", StringComparison.Ordinal) ? body[..^3].Trim() : body;
    }

    private static string? Text(JsonElement owner, string name, int maxLength) =>
        owner.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.GetString()!.Trim() is { Length: > 0 } t && t.Length <= maxLength
            ? t
            : null;

    private static RecommendationUrgency? Urgency(JsonElement item) =>
        item.TryGetProperty("urgency", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()!.Trim().ToLowerInvariant() switch
            {
                "immediate" => RecommendationUrgency.Immediate,
                "soon" => RecommendationUrgency.Soon,
                "scheduled" => RecommendationUrgency.Scheduled,
                "monitor" => RecommendationUrgency.Monitor,
                _ => null,
            }
            : null;

    // A labor key outside the allowed list would price a repair the shop has no time for: it is dropped (no estimate) rather
    // than rejecting advice that is otherwise valid.
    private static string? Labor(JsonElement item, IReadOnlySet<string> allowed) =>
        item.TryGetProperty("laborOperation", out var e) && e.ValueKind == JsonValueKind.String && e.GetString()!.Trim() is var key && allowed.Contains(key)
            ? key
            : null;

    private static Interpretation? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
