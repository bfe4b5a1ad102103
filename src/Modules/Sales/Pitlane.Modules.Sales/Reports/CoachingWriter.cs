using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Pitlane.Modules.Sales.Reports;

/// <summary>
/// The report's coaching notes: the rules' notes (<see cref="CoachingRules"/>), rewritten by the AI gateway when one is
/// configured (Pitlane:Sales:AiBaseUrl, an OpenAI-compatible server) into a coach's words for this scenario. The model
/// gets the measured numbers, the transcript and the rules' notes as its only facts, and must answer a JSON array of 2
/// to 6 short notes; anything else (an error, a timeout, prose, markdown, an overlong note) keeps the rules' notes, so a
/// report never waits on or depends on the model. <see cref="SessionReport.CoachingSource"/> says which it is.
/// </summary>
public sealed partial class CoachingWriter(IChatClient? chat, string model, TimeSpan timeout)
{
    public const int MaxNotes = 6;
    public const int MaxNoteLength = 280;

    public const string Instructions =
        "You are a sales coach at a car dealership. From the measurements of a salesperson's practice recording, write 2 to 6 " +
        "short coaching notes in plain words, second person, most important first. Use only the facts given; keep every number " +
        "exactly as given; never invent what the person said. Answer only with a JSON array of strings, no markdown.";

    public bool Enabled => chat is not null;

    public async Task<SessionReport> WriteAsync(SessionReport report, string scenario, CancellationToken ct)
    {
        if (chat is null || report.SpeakingSeconds <= 0)
        {
            return report;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var facts = Facts(report, scenario);
            var answer = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, facts)],
                new ChatOptions { Temperature = 0.4f, MaxOutputTokens = 600 }, deadline.Token);
            return Parse(answer.Text, facts) is { } notes ? report with { CoachingNotes = notes, CoachingSource = "ai: " + model } : report;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return report;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.ClientModel.ClientResultException)
        {
            return report;
        }
    }

    /// <summary>
    /// The model's answer as notes, or null when it is not a JSON array of 2–6 plain, short strings, or when a note
    /// states a number that is not among the facts (a made-up measurement).
    /// </summary>
    public static IReadOnlyList<string>? Parse(string? text, string facts)
    {
        var known = Numbers().Matches(facts).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text.Trim());
            if (json.RootElement.ValueKind != JsonValueKind.Array || json.RootElement.GetArrayLength() is < 2 or > MaxNotes)
            {
                return null;
            }
            var notes = new List<string>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                var note = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
                if (note is not { Length: >= 10 and <= MaxNoteLength } || note.Contains('*') || note.Contains('#') || note.Contains('<') || note.Contains("```", StringComparison.Ordinal))
                {
                    return null;
                }
                if (Numbers().Matches(note).Any(m => !known.Contains(m.Value)))
                {
                    return null;
                }
                notes.Add(note);
            }
            return notes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\d+(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Numbers();

    public static string Facts(SessionReport r, string scenario)
    {
        var c = CultureInfo.InvariantCulture;
        var facts = new StringBuilder();
        facts.Append(c, $"Scenario: {scenario}\n");
        facts.Append(c, $"Length: {r.DurationSeconds:0} s, speaking {r.SpeakingSeconds:0} s\n");
        facts.Append(c, $"Articulation rate: {r.Pace.ArticulationRate:0.0} syllables/s (easy range {Pitlane.Speech.SpeechScores.SlowestArticulation:0.0}-{Pitlane.Speech.SpeechScores.FastestArticulation:0.0})\n");
        facts.Append(c, $"Speech level: {r.Volume.SpeechLevelDbfs:0} dBFS{(r.Volume.TooQuiet ? " (too quiet)" : "")}\n");
        facts.Append(c, $"Pitch variability: {r.Pitch.VariabilitySemitones:0.0} semitones{(r.Pitch.Monotone ? " (monotone)" : "")}, rising endings {r.Pitch.RisingEndings} of {r.Pitch.Phrases} sentences\n");
        facts.Append(c, $"Pauses: {r.Pauses.Count}, longest {r.Pauses.LongestSeconds:0.0} s\n");
        facts.Append(c, $"Scores: clarity {r.Score.Clarity.Value}, confidence {r.Score.Confidence.Value}, overall {r.Score.Overall}\n");
        if (r.Transcript.Metrics is { } t)
        {
            facts.Append(c, $"Filler words: {t.Fillers}, hedges: {t.Hedges}\n");
        }
        if (r.Transcript.Text is { Length: > 0 } text)
        {
            facts.Append("Transcript (may contain recognition errors): ").Append(text.Length > 3000 ? text[..3000] : text).Append('\n');
        }
        facts.Append("Rule-based notes:\n");
        foreach (var note in r.CoachingNotes)
        {
            facts.Append("- ").Append(note).Append('\n');
        }
        return facts.ToString();
    }
}
