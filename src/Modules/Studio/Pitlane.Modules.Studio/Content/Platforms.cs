namespace Pitlane.Modules.Studio;

/// <summary>
/// One channel's shape: its hard length limit (characters, as the platform counts them), a target length that reads
/// well there, how many hashtags are customary, and whether it has a subject/headline.
/// </summary>
/// <param name="MaxHashtags">0: hashtags are not used there (e-mail, print, a website).</param>
public sealed record PlatformSpec(string Key, string Name, int MaxChars, int TargetChars, int MaxHashtags, string Convention);

public static class Platforms
{
    // Limits as the platforms publish them: a Facebook post 63,206 characters; an Instagram caption 2,200 with at most
    // 30 hashtags; a post on X 280 (non-Premium accounts); a TikTok caption 4,000, a Reels caption 2,200, and a
    // 30–60 s script read at about 150 words a minute; e-mail subject lines are cut by most clients after about 60
    // characters; a half-page flyer holds about 700 characters of body; a website listing description 5,000.
    public static readonly PlatformSpec Facebook = new("facebook", "Facebook", 63_206, 600, 3, "2–3 hashtags at the end; a question invites comments");
    public static readonly PlatformSpec Instagram = new("instagram", "Instagram", 2_200, 900, 30, "first line is the hook; hashtags (5–10) after a line break, at most 30");
    public static readonly PlatformSpec X = new("x", "X", 280, 260, 2, "one or two hashtags inside the 280 characters");
    public static readonly PlatformSpec Reels = new("reels", "TikTok / Reels script", 2_200, 900, 5, "a spoken script by scene, at most 150 words (60 s); 3–5 hashtags in the caption");
    public static readonly PlatformSpec Email = new("email", "E-mail", 3_000, 1_200, 0, "a subject line of at most 60 characters, then the body; no hashtags");
    public static readonly PlatformSpec Flyer = new("flyer", "Print flyer", 800, 600, 0, "a headline of at most 40 characters, short lines, the price large; no hashtags");
    public static readonly PlatformSpec Website = new("website", "Website listing", 5_000, 1_500, 0, "a title of at most 70 characters, then a full description; no hashtags");

    public static IReadOnlyList<PlatformSpec> All { get; } = [Facebook, Instagram, X, Reels, Email, Flyer, Website];

    public static PlatformSpec? Find(string? key) => All.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));

    public const int MaxScriptWords = 150;
    public const int MaxEmailSubject = 60;
    public const int MaxFlyerHeadline = 40;
    public const int MaxWebsiteTitle = 70;

    /// <summary>Problems of form (not law) with a text on a platform: over the limit, too many hashtags, a long subject.</summary>
    public static IReadOnlyList<string> FormProblems(PlatformSpec platform, string text)
    {
        var problems = new List<string>();
        if (text.Length > platform.MaxChars)
        {
            problems.Add($"{platform.Name}: {text.Length} characters, the limit is {platform.MaxChars}.");
        }

        var hashtags = System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w&])#\w+").Count;
        if (hashtags > platform.MaxHashtags)
        {
            problems.Add(platform.MaxHashtags == 0
                ? $"{platform.Name}: hashtags are not used here."
                : $"{platform.Name}: {hashtags} hashtags, at most {platform.MaxHashtags}.");
        }

        var firstLine = text.Split('\n', 2)[0];
        if (platform == Email && firstLine.Length > MaxEmailSubject + "Subject: ".Length)
        {
            problems.Add($"E-mail: the subject line is longer than {MaxEmailSubject} characters.");
        }

        if (platform == Flyer && firstLine.Length > MaxFlyerHeadline)
        {
            problems.Add($"Print flyer: the headline is longer than {MaxFlyerHeadline} characters.");
        }

        if (platform == Website && firstLine.Length > MaxWebsiteTitle)
        {
            problems.Add($"Website listing: the title is longer than {MaxWebsiteTitle} characters.");
        }

        if (platform == Reels)
        {
            var spoken = string.Join(' ', text.Split('\n').Where(l => l.StartsWith("VO:", StringComparison.Ordinal)));
            var words = spoken.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w != "VO:");
            if (words > MaxScriptWords)
            {
                problems.Add($"TikTok / Reels script: {words} spoken words, at most {MaxScriptWords} for 60 seconds.");
            }
        }

        return problems;
    }
}
