using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pitlane.Diagnostics;

namespace Pitlane.Ai;

/// <summary>
/// Strict reading of the model's answer. Anything that does not fit the requested shape rejects the whole answer, so a
/// half-valid answer never reaches a customer: the caller falls back to the rules.
/// </summary>
internal static partial class DiagnosisAnswer
{
    private const int MaxTitleLength = 300;
    private const int MaxWhyLength = 2000;

    /// <summary>The interpretation, or null with <paramref name="problem"/> saying what was wrong.</summary>
    /// <param name="facts">The facts the model was given (its user message): every measurement the answer states must be among them.</param>
    public static Interpretation? Parse(string? text, string source, IReadOnlySet<string> scanCodes, IReadOnlySet<string> laborOperations, string facts,
        out string? problem)
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
            var prose = string.Join("\n", recommendations.SelectMany(r => new[] { r.Title, r.Why }).Prepend(summary));
            if (Ungrounded(prose, scanCodes, facts) is { } invented) return Fail(invented, out problem);
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

    // A number with a unit of measure, e.g. "14.2 V", "-7 %", "5,000 km"; a thousands comma or a decimal comma.
    [GeneratedRegex(@"(?<![\w.,])(-?\d{1,3}(?:,\d{3})+|-?\d+(?:[.,]\d+)?)\s?(km/h|km|V|°C|%|rpm|kPa|g/s|days?)(?![\w/])", RegexOptions.CultureInvariant)]
    private static partial Regex Measurement();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex FactNumber();

    [GeneratedRegex(@"\b[PCBU][0-3][0-9A-F]{3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex TroubleCode();

    /// <summary>
    /// What the prose states that the facts do not: a trouble code the scan did not report, or a measurement (number with
    /// a unit) that is none of the facts' numbers within the precision it is written with ("14 V" matches 14.17, "14.2 V"
    /// matches 14.17, "5,000 km" matches 4,812, "91.9 °C" does not match 91). Null when everything is grounded. Numbers without a unit (cylinder
    /// 1, 184 counts) are not checked.
    /// </summary>
    internal static string? Ungrounded(string prose, IReadOnlySet<string> scanCodes, string facts)
    {
        foreach (Match code in TroubleCode().Matches(prose))
        {
            if (!scanCodes.Contains(code.Value)) return $"the answer mentions {code.Value}, which the scan does not report";
        }
        List<double>? known = null;
        foreach (Match m in Measurement().Matches(prose))
        {
            var written = m.Groups[1].Value;
            var normal = written.Contains(',', StringComparison.Ordinal) && written.Split(',').Skip(1).All(g => g.Length == 3) && written.Length > 4
                ? written.Replace(",", "", StringComparison.Ordinal)
                : written.Replace(',', '.');
            if (!double.TryParse(normal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            known ??= [.. FactNumber().Matches(facts).Select(f => double.Parse(f.Value, CultureInfo.InvariantCulture))];
            var tolerance = Precision(normal);
            if (!known.Any(f => Math.Abs(value - f) <= tolerance + 1e-9))
                return $"the answer states {m.Value}, which is not among the scan's values";
        }
        return null;
    }

    /// <summary>
    /// Half a unit of the last written digit: 14.2 → 0.05, 14 → 0.5; trailing zeros read as rounding, at most 10 % of the
    /// number: 5000 → 500, 90 → 5, 100 → 10.
    /// </summary>
    private static double Precision(string number)
    {
        var dot = number.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0) return 0.5 * Math.Pow(10, -(number.Length - dot - 1));
        var digits = number.TrimStart('-');
        var zeros = digits.Length - digits.TrimEnd('0').Length;
        return zeros == 0 || zeros == digits.Length
            ? 0.5
            : Math.Min(0.5 * Math.Pow(10, zeros), 0.1 * double.Parse(digits, CultureInfo.InvariantCulture));
    }

    private static Interpretation? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
