using System.Text;
using System.Text.RegularExpressions;

namespace Pitlane.Modules.Studio;

/// <summary>One platform's text and who wrote it: "templates", or "ai:MODEL" when the AI gateway's answer passed every check.</summary>
public sealed record WrittenPiece(string Platform, string Text, string Source);

/// <summary>Writes each platform's text from the listing facts.</summary>
public interface IContentWriter
{
    /// <summary>"templates" or "ai:MODEL": stored with the project (with "+templates" when some pieces fell back).</summary>
    string Name { get; }

    Task<IReadOnlyList<WrittenPiece>> WriteAsync(IReadOnlyList<PlatformSpec> platforms, ListingFacts facts, CancellationToken ct);
}

/// <summary>
/// The offline default: deterministic templates per platform and tone, sized to each platform's conventions. It never
/// states credit or lease terms (those are the dealer's to add, with their disclosures), so its drafts pass the guardrail.
/// </summary>
public sealed partial class TemplateWriter : IContentWriter
{
    public string Name => "templates";

    public Task<IReadOnlyList<WrittenPiece>> WriteAsync(IReadOnlyList<PlatformSpec> platforms, ListingFacts facts, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<WrittenPiece>>(platforms.Select(p => new WrittenPiece(p.Key, Write(p, facts), Name)).ToList());

    public static string Write(PlatformSpec platform, ListingFacts f)
    {
        var name = f.Trim is { Length: > 0 } ? $"{f.Title} {f.Trim}" : f.Title;
        var specs = string.Join(", ", new[] { f.Engine, f.FuelType, f.Mileage }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var highlights = f.Highlights.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList();
        var (hook, close) = f.Tone switch
        {
            "professional" => ($"Now available: {name}.", "Contact our sales team to arrange a viewing."),
            "enthusiast" => ($"This {name} is ready for the road.", "Come take it for a drive and feel the difference."),
            _ => ($"Meet your next car: this {name}!", "Message us to book a test drive."),
        };
        var who = string.IsNullOrWhiteSpace(f.Audience) ? "" : $" Ideal for {f.Audience.Trim()}.";
        var dealer = string.IsNullOrWhiteSpace(f.DealerName) ? "" : $" at {f.DealerName.Trim()}";
        var tags = Hashtags(f);
        var sb = new StringBuilder();
        switch (platform.Key)
        {
            case "facebook":
                sb.Append(hook).Append(' ').Append($"Priced at {f.Price}{dealer}.").Append(who).Append("\n\n");
                if (specs.Length > 0) { sb.Append(specs).Append(".\n"); }
                foreach (var h in highlights.Take(6)) { sb.Append("✔ ").Append(h).Append('\n'); }
                sb.Append('\n').Append(close).Append(" Which feature would you use most?\n\n").Append(string.Join(' ', tags.Take(3)));
                break;
            case "instagram":
                sb.Append(hook).Append('\n').Append($"{f.Price}").Append(specs.Length > 0 ? $" · {specs}" : "").Append('\n');
                foreach (var h in highlights.Take(5)) { sb.Append("• ").Append(h).Append('\n'); }
                sb.Append(close).Append(" Link in bio.\n.\n").Append(string.Join(' ', tags.Take(10)));
                break;
            case "x":
                var tail = " " + string.Join(' ', tags.Take(2));
                var body = $"{name}, {f.Price}." + (highlights.Count > 0 ? $" {string.Join(", ", highlights.Take(3))}." : "") + $" {close}";
                sb.Append(Clip(body, platform.MaxChars - tail.Length)).Append(tail);
                break;
            case "reels":
                sb.Append("SCENE 1 (0–5 s): wide shot, the car on the studio floor\n");
                sb.Append("VO: ").Append(hook).Append('\n');
                sb.Append("SCENE 2 (5–20 s): walk-around, close-ups\n");
                sb.Append("VO: ").Append(specs.Length > 0 ? $"{specs}. " : "").Append(string.Join(". ", highlights.Take(4))).Append(highlights.Count > 0 ? ".\n" : "\n");
                sb.Append("SCENE 3 (20–30 s): driver's seat, price on screen\n");
                sb.Append("VO: Yours for ").Append(f.Price).Append(". ").Append(close).Append('\n');
                sb.Append("CAPTION: ").Append(name).Append(' ').Append(string.Join(' ', tags.Take(5)));
                break;
            case "email":
                sb.Append("Subject: ").Append(Clip($"{name} – {f.Price}", Platforms.MaxEmailSubject)).Append("\n\n");
                sb.Append("Hello,\n\n").Append(hook).Append(who).Append("\n\n");
                if (specs.Length > 0) { sb.Append(specs).Append(".\n"); }
                foreach (var h in highlights.Take(8)) { sb.Append("- ").Append(h).Append('\n'); }
                sb.Append($"\nPrice: {f.Price}\n\n{close}\n");
                break;
            case "flyer":
                sb.Append(Clip(f.Title.ToUpperInvariant(), Platforms.MaxFlyerHeadline)).Append('\n');
                sb.Append(f.Price).Append('\n');
                if (specs.Length > 0) { sb.Append(specs).Append('\n'); }
                foreach (var h in highlights.Take(5)) { sb.Append("• ").Append(Clip(h, 60)).Append('\n'); }
                sb.Append(close).Append('\n').Append("VIN ").Append(f.Vin);
                break;
            default:
                sb.Append(Clip($"{name} for sale – {f.Price}", Platforms.MaxWebsiteTitle)).Append("\n\n");
                sb.Append(hook).Append(who).Append("\n\n");
                if (specs.Length > 0) { sb.Append("Specifications: ").Append(specs).Append(".\n\n"); }
                if (highlights.Count > 0) { sb.Append("Highlights:\n"); foreach (var h in highlights) { sb.Append("- ").Append(h).Append('\n'); } sb.Append('\n'); }
                sb.Append($"Price: {f.Price}. VIN {f.Vin}.\n\n{close}");
                break;
        }

        if (!string.IsNullOrWhiteSpace(f.Disclosure) && platform.Key is not "x")
        {
            sb.Append("\n\n").Append(f.Disclosure.Trim());
        }

        var text = sb.ToString();
        return text.Length <= platform.MaxChars ? text : Clip(text, platform.MaxChars);
    }

    /// <summary>#Make #Model #UsedCars… from the vehicle, CamelCase, letters and digits only.</summary>
    public static IReadOnlyList<string> Hashtags(ListingFacts f)
    {
        var words = f.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Tag).Where(t => t.Length > 1).ToList();
        var tags = words.Concat(["#UsedCars", "#CarsForSale", "#CarShopping", "#TestDrive", "#DealerLife", "#NewRide", "#CarDeals", "#AutoSales"]);
        if (f.FuelType is { } fuel && fuel.Contains("Electric", StringComparison.OrdinalIgnoreCase))
        {
            tags = tags.Prepend("#EV");
        }

        return tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Tag(string word) =>
        "#" + string.Concat(NonWord().Split(word).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    private static string Clip(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text[..(max - 1)];
        var space = cut.LastIndexOf(' ');
        return (space > max / 2 ? cut[..space] : cut).TrimEnd(',', '.', ' ') + "…";
    }

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWord();
}
