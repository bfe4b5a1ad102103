using System.Text.Json;
using System.Text.Json.Serialization;
using Pitlane.Modules.Sales.Transcripts;
using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Reports;

public sealed record TranscriptReport(string Status, string? Source, string? Text, TranscriptMetrics? Metrics, string Note);

/// <summary>What a completed session's report holds: the audio metrics, the two scores with their inputs, the timeline,
/// the transcript (or why there is none) and coaching notes.</summary>
public sealed record SessionReport(
    double DurationSeconds,
    double SpeakingSeconds,
    PaceMetrics Pace,
    VolumeMetrics Volume,
    PauseMetrics Pauses,
    PitchMetrics Pitch,
    SpeechScore Score,
    IReadOnlyList<TimelinePoint> Timeline,
    TranscriptReport Transcript,
    IReadOnlyList<string> CoachingNotes)
{
    /// <summary>"rules", or "ai: model" when the AI gateway wrote the notes (<see cref="CoachingWriter"/>).</summary>
    public string CoachingSource { get; init; } = "rules";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SessionReport? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<SessionReport>(json, Json);

    public static SessionReport Build(ReadOnlySpan<float> samples, TranscriptResult? transcript, string transcriptStatus, string transcriptNote)
    {
        var analysis = SpeechAnalyzer.Analyze(samples);
        var metrics = transcript is null ? null : TranscriptAnalyzer.Analyze(transcript.Text, analysis.SpeakingSeconds);
        var score = SpeechScores.Compute(analysis, metrics);
        var pauses = analysis.Pauses with { Items = analysis.Pauses.Items.Take(200).ToList() };
        return new SessionReport(
            Math.Round(analysis.DurationSeconds, 2),
            Math.Round(analysis.SpeakingSeconds, 2),
            analysis.Pace with { SpeechRate = Math.Round(analysis.Pace.SpeechRate, 2), ArticulationRate = Math.Round(analysis.Pace.ArticulationRate, 2) },
            analysis.Volume,
            pauses,
            analysis.Pitch,
            score,
            analysis.Timeline,
            new TranscriptReport(transcriptStatus, transcript?.Source, transcript?.Text, metrics, transcriptNote),
            CoachingRules.Notes(analysis, metrics, score));
    }
}

/// <summary>Coaching notes written by rules from the measured numbers (the offline coach).</summary>
public static class CoachingRules
{
    public static IReadOnlyList<string> Notes(SpeechAnalysis a, TranscriptMetrics? t, SpeechScore score)
    {
        var notes = new List<string>();
        if (a.SpeakingSeconds <= 0)
        {
            notes.Add("No speech was heard. Check that the right microphone is selected and try again.");
            return notes;
        }
        var rate = a.Pace.ArticulationRate;
        if (rate > SpeechScores.FastestArticulation)
        {
            notes.Add($"You spoke at {rate:0.0} syllables a second. Slow down on prices and features so the customer can take them in.");
        }
        else if (rate < SpeechScores.SlowestArticulation)
        {
            notes.Add($"You spoke at {rate:0.0} syllables a second. A little more pace keeps the customer's attention.");
        }
        else
        {
            notes.Add($"Your pace ({rate:0.0} syllables a second) is easy to follow. Keep it.");
        }
        if (a.Volume.TooQuiet)
        {
            notes.Add($"Your voice was quiet ({a.Volume.SpeechLevelDbfs:0} dBFS). Speak up or move closer to the microphone.");
        }
        if (a.Pitch.Monotone)
        {
            notes.Add($"Your pitch varied only {a.Pitch.VariabilitySemitones:0.0} semitones. Lift your voice on the benefits that matter to this customer.");
        }
        if (a.Pitch.Phrases > 0 && a.Pitch.RisingEndings * 3 >= a.Pitch.Phrases && a.Pitch.RisingEndings > 0)
        {
            notes.Add($"{a.Pitch.RisingEndings} of {a.Pitch.Phrases} sentences ended going up. End statements on a level or falling tone to sound sure.");
        }
        if (a.Pauses.LongestSeconds >= 3)
        {
            notes.Add($"Your longest pause was {a.Pauses.LongestSeconds:0.0} seconds. Prepare the next point so the silence stays short.");
        }
        if (t is not null && t.Fillers > 0)
        {
            notes.Add($"You used {t.Fillers} filler {(t.Fillers == 1 ? "word" : "words")}. A silent pause sounds more confident than \"um\".");
        }
        if (t is not null && t.Hedges > 0)
        {
            notes.Add($"You hedged {(t.Hedges == 1 ? "once" : $"{t.Hedges} times")} (\"I think\", \"maybe\"). State facts about the car plainly.");
        }
        if (score.Overall >= 85)
        {
            notes.Add("Strong delivery overall. Try a harder customer persona next time.");
        }
        return notes;
    }
}
