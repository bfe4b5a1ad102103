using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Pitlane.Modules.Studio;

/// <summary>
/// Listing text through the AI gateway (an OpenAI-compatible chat-completions server, Pitlane:Studio:AiBaseUrl): one
/// request for every platform, answered as JSON against a schema (a headline, a body and hashtags per platform). Each
/// piece is then checked as outside text before it is used: the schema by hand (the server may ignore it), the
/// platform's limits and hashtag rules on the assembled text, the listing price written exactly, and the advertising
/// guardrail (no trigger terms, no "free"/"guaranteed"). A piece that fails any check, and every piece when the server
/// fails, times out or answers garbage, is written by the offline templates instead. The dealer's disclosure is appended
/// verbatim, never paraphrased by the model.
/// </summary>
public sealed partial class AiContentWriter(IChatClient chat, string model, TimeSpan timeout, ILogger<AiContentWriter> log) : IContentWriter
{
    public const string Instructions =
        "You write vehicle listing and marketing text for a car dealer, one piece per platform listed in the request. " +
        "Use only the facts given; invent no features, history, warranty or numbers. Write the price exactly as given. " +
        "Never mention monthly or weekly payments, down payments, the number or term of payments, interest, APR, finance " +
        "charges, leases or credit terms, and never claim anything is free or guaranteed. Respect each platform's maxChars " +
        "(including the headline and hashtags), its hashtag limit (maxHashtags 0: an empty list) and its convention. " +
        "Hashtags are single words starting with #, given only in the hashtags list, never inside the body. " +
        "The headline is required where headlineMax is set (an e-mail subject, a flyer headline, a web listing title) and null elsewhere. " +
        "For the TikTok/Reels script write scene lines and spoken lines starting with 'VO:', at most 150 spoken words. " +
        "Match the requested tone and audience. Answer only with JSON matching the schema.";

    /// <summary>Longest answer read: seven pieces within their limits are far below this.</summary>
    private const int MaxAnswerChars = 200_000;

    public string Name { get; } = "ai:" + (model.Length > 36 ? model[..36] : model);

    public async Task<IReadOnlyList<WrittenPiece>> WriteAsync(IReadOnlyList<PlatformSpec> platforms, ListingFacts facts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        ArgumentNullException.ThrowIfNull(facts);
        var answer = await AskAsync(platforms, facts, ct);
        var proposed = answer is null ? null : Parse(answer, platforms, out var problem) ?? Warn<Dictionary<string, Proposed>>(null, $"the answer was not usable: {problem}");
        var written = new List<WrittenPiece>();
        foreach (var platform in platforms)
        {
            string? text = null;
            if (proposed is not null && proposed.TryGetValue(platform.Key, out var piece))
            {
                text = Assemble(platform, piece, facts, out var why) ?? Warn<string>(null, $"{platform.Name}: {why}");
            }

            written.Add(text is null
                ? new WrittenPiece(platform.Key, TemplateWriter.Write(platform, facts), "templates")
                : new WrittenPiece(platform.Key, text, Name));
        }

        return written;
    }

    private T? Warn<T>(T? value, string message)
    {
        LogFallback(log, message);
        return value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing text: the templates wrote it instead of the AI gateway because {Reason}")]
    private static partial void LogFallback(ILogger logger, string reason);

    private async Task<string?> AskAsync(IReadOnlyList<PlatformSpec> platforms, ListingFacts facts, CancellationToken ct)
    {
        var options = new ChatOptions
        {
            Temperature = 0.4f,
            MaxOutputTokens = 4000,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema(platforms), "listing_pieces", "Listing text per platform."),
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, Request(platforms, facts))], options, deadline.Token);
            return response.Text;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Warn<string>(null, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or NotSupportedException or JsonException or System.ClientModel.ClientResultException)
        {
            return Warn<string>(null, $"the server failed: {e.Message}");
        }
    }

    /// <summary>The facts and the platforms' rules, as JSON: the model's only source.</summary>
    public static string Request(IReadOnlyList<PlatformSpec> platforms, ListingFacts f) => JsonSerializer.Serialize(new
    {
        vehicle = new { title = f.Title, trim = f.Trim, engine = f.Engine, fuel = f.FuelType, mileage = f.Mileage, vin = f.Vin },
        price = f.Price,
        highlights = f.Highlights,
        tone = f.Tone,
        audience = f.Audience,
        dealer = f.DealerName,
        platforms = platforms.Select(p => new
        {
            key = p.Key, name = p.Name, maxChars = p.MaxChars - DisclosureLength(p, f), targetChars = p.TargetChars, maxHashtags = p.MaxHashtags,
            headlineMax = HeadlineMax(p), convention = p.Convention,
        }),
    }, JsonSerializerOptions.Web);

    public static JsonElement Schema(IReadOnlyList<PlatformSpec> platforms)
    {
        var keys = JsonSerializer.Serialize(platforms.Select(p => p.Key));
        return JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"required":["pieces"],"properties":{"pieces":{"type":"array","items":{
              "type":"object","additionalProperties":false,"required":["platform","headline","body","hashtags"],"properties":{
                "platform":{"type":"string","enum":KEYS},
                "headline":{"type":["string","null"]},
                "body":{"type":"string"},
                "hashtags":{"type":"array","items":{"type":"string"}}}}}}}
            """.Replace("KEYS", keys, StringComparison.Ordinal)).RootElement.Clone();
    }

    private static int? HeadlineMax(PlatformSpec p) =>
        p == Platforms.Email ? Platforms.MaxEmailSubject : p == Platforms.Flyer ? Platforms.MaxFlyerHeadline : p == Platforms.Website ? Platforms.MaxWebsiteTitle : null;

    private static int DisclosureLength(PlatformSpec p, ListingFacts f) =>
        string.IsNullOrWhiteSpace(f.Disclosure) || p.Key == "x" ? 0 : f.Disclosure.Trim().Length + 2;

    /// <summary>A piece as the model proposed it, before assembly and checks.</summary>
    public sealed record Proposed(string? Headline, string Body, IReadOnlyList<string> Hashtags);

    /// <summary>The answer's pieces by platform, checked against the schema by hand; null with the reason when the answer as a whole is unusable.</summary>
    public static Dictionary<string, Proposed>? Parse(string answer, IReadOnlyList<PlatformSpec> platforms, out string? problem)
    {
        problem = null;
        if (answer.Length > MaxAnswerChars)
        {
            problem = $"it is {answer.Length} characters long";
            return null;
        }

        var text = answer.Trim();
        // Some servers wrap JSON in a Markdown fence despite the schema.
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            text = Fence().Replace(text, "").Trim();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            problem = $"it is not JSON ({e.Message})";
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("pieces", out var pieces) || pieces.ValueKind != JsonValueKind.Array)
            {
                problem = "it has no \"pieces\" array";
                return null;
            }

            var result = new Dictionary<string, Proposed>(StringComparer.Ordinal);
            foreach (var item in pieces.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("platform", out var key) || key.ValueKind != JsonValueKind.String
                    || platforms.FirstOrDefault(p => p.Key == key.GetString()) is not { } platform
                    || !item.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                string? headline = item.TryGetProperty("headline", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
                var tags = new List<string>();
                if (item.TryGetProperty("hashtags", out var list))
                {
                    if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                    {
                        continue;
                    }

                    tags.AddRange(list.EnumerateArray().Select(t => t.GetString()!));
                }

                // A platform answered twice is ambiguous: neither is used.
                if (!result.TryAdd(platform.Key, new Proposed(headline, body.GetString()!, tags)))
                {
                    result[platform.Key] = new Proposed(null, "", ["#duplicate answer"]);
                }
            }

            return result;
        }
    }

    /// <summary>The piece as it will be stored, or null with the reason it is refused.</summary>
    public static string? Assemble(PlatformSpec platform, Proposed piece, ListingFacts facts, out string? why)
    {
        why = null;
        var body = piece.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var headline = piece.Headline?.Trim();
        if (body.Length == 0)
        {
            why = "the body is empty";
            return null;
        }

        if (piece.Hashtags.FirstOrDefault(t => !Hashtag().IsMatch(t)) is { } badTag)
        {
            why = $"'{badTag}' is not a hashtag";
            return null;
        }

        if (piece.Hashtags.Count > platform.MaxHashtags)
        {
            why = $"{piece.Hashtags.Count} hashtags, at most {platform.MaxHashtags}";
            return null;
        }

        if (HeadlineMax(platform) is { } max && (string.IsNullOrEmpty(headline) || headline.Length > max || headline.Contains('\n', StringComparison.Ordinal)))
        {
            why = $"the headline must be one line of 1 to {max} characters";
            return null;
        }

        var tags = string.Join(' ', piece.Hashtags);
        var sb = new StringBuilder();
        switch (platform.Key)
        {
            case "email":
                sb.Append("Subject: ").Append(headline).Append("\n\n").Append(body);
                break;
            case "flyer":
                sb.Append(headline).Append('\n').Append(body);
                break;
            case "website":
                sb.Append(headline).Append("\n\n").Append(body);
                break;
            case "x":
                sb.Append(body).Append(tags.Length > 0 ? " " + tags : "");
                break;
            default:
                sb.Append(body).Append(tags.Length > 0 ? "\n\n" + tags : "");
                break;
        }

        if (!string.IsNullOrWhiteSpace(facts.Disclosure) && platform.Key is not "x")
        {
            sb.Append("\n\n").Append(facts.Disclosure.Trim());
        }

        var text = sb.ToString();
        if (Platforms.FormProblems(platform, text) is [var first, ..])
        {
            why = first;
            return null;
        }

        if (!text.Contains(facts.Price, StringComparison.Ordinal))
        {
            why = $"the price {facts.Price} is not written as given";
            return null;
        }

        if (AdGuardrail.Check(platform, text, facts.PriceMinor, facts.Currency) is [var violation, ..])
        {
            why = $"the advertising guardrail flags it ({violation.Citation}: {violation.Message})";
            return null;
        }

        return text;
    }

    [GeneratedRegex(@"^#[\p{L}\p{N}_]{1,60}$")]
    private static partial Regex Hashtag();

    [GeneratedRegex(@"^```[a-zA-Z]*\s*|\s*```$")]
    private static partial Regex Fence();
}
