namespace Pitlane.Speech;

public enum TranscriptMarkKind { Filler, Hedge }

/// <summary>A filler or hedge at <see cref="Start"/> (character offset) in the transcript text.</summary>
public sealed record TranscriptMark(int Start, int Length, string Phrase, TranscriptMarkKind Kind);

public sealed record TranscriptMetrics(int Words, int Fillers, int Hedges, double? WordsPerMinute, IReadOnlyList<TranscriptMark> Marks);

/// <summary>
/// Fillers ("um", "uh", "like" used as a pause, "you know") and hedges ("I think", "maybe") in a transcript, with
/// their positions so a report can highlight them. "like" counts as a filler only where it is not a verb or
/// preposition after a pronoun or "would" ("I like", "looks like"), which is the usual filler test in speech coaching.
/// </summary>
public static class TranscriptAnalyzer
{
    private static readonly string[][] FillerPhrases =
    [
        ["um"], ["umm"], ["uh"], ["uhh"], ["er"], ["erm"], ["ah"], ["hmm"], ["like"], ["you", "know"], ["i", "mean"],
        ["basically"], ["actually"], ["literally"], ["so", "yeah"],
    ];

    private static readonly string[][] HedgePhrases =
    [
        ["i", "think"], ["i", "guess"], ["i", "suppose"], ["maybe"], ["perhaps"], ["probably"], ["sort", "of"],
        ["kind", "of"], ["i'm", "not", "sure"], ["might"], ["possibly"], ["hopefully"], ["i", "feel", "like"],
    ];

    private static readonly HashSet<string> LikeAsWord =
        ["i", "you", "we", "they", "would", "i'd", "you'd", "we'd", "they'd", "looks", "look", "looked", "feels", "feel", "sounds", "seems", "just", "don't", "didn't", "really", "more", "much", "what", "that's"];

    public static TranscriptMetrics Analyze(string text, double? speakingSeconds = null)
    {
        var words = Tokenize(text);
        var marks = new List<TranscriptMark>();
        for (var i = 0; i < words.Count;)
        {
            var hedge = Match(words, i, HedgePhrases);
            if (hedge > 0)
            {
                marks.Add(Mark(text, words, i, hedge, TranscriptMarkKind.Hedge));
                i += hedge;
                continue;
            }
            var filler = Match(words, i, FillerPhrases);
            if (filler > 0 && !(words[i].Word == "like" && i > 0 && LikeAsWord.Contains(words[i - 1].Word)))
            {
                marks.Add(Mark(text, words, i, filler, TranscriptMarkKind.Filler));
                i += filler;
                continue;
            }
            i++;
        }
        var fillers = marks.Count(m => m.Kind == TranscriptMarkKind.Filler);
        double? wpm = speakingSeconds is > 0 ? Math.Round(words.Count / speakingSeconds.Value * 60, 1) : null;
        return new TranscriptMetrics(words.Count, fillers, marks.Count - fillers, wpm, marks);
    }

    /// <summary>True when a single spoken word is a filler (used by the live analyser's filler streak).</summary>
    public static bool IsFillerWord(string word)
    {
        var w = word.Trim().Trim(',', '.', '!', '?', ';', ':').ToLowerInvariant();
        return w is "um" or "umm" or "uh" or "uhh" or "er" or "erm" or "ah" or "hmm";
    }

    private static TranscriptMark Mark(string text, List<(string Word, int Start, int End)> words, int i, int length, TranscriptMarkKind kind)
    {
        var start = words[i].Start;
        var end = words[i + length - 1].End;
        return new TranscriptMark(start, end - start, text[start..end], kind);
    }

    private static int Match(List<(string Word, int Start, int End)> words, int i, string[][] phrases)
    {
        foreach (var phrase in phrases)
        {
            if (i + phrase.Length > words.Count)
            {
                continue;
            }
            var ok = true;
            for (var k = 0; k < phrase.Length && ok; k++)
            {
                ok = words[i + k].Word == phrase[k];
            }
            if (ok)
            {
                return phrase.Length;
            }
        }
        return 0;
    }

    private static List<(string Word, int Start, int End)> Tokenize(string text)
    {
        var words = new List<(string, int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordChar(text[i]))
            {
                i++;
            }
            var start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }
            if (i > start)
            {
                words.Add((text[start..i].ToLowerInvariant().Replace('’', '\''), start, i));
            }
        }
        return words;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '\'' or '’';
}
