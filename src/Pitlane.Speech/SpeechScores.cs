namespace Pitlane.Speech;

/// <summary>One input of a score: what was measured, the penalty it cost and why.</summary>
public sealed record ScoreInput(string Name, double? Value, string Unit, double Penalty, string Explanation);

public sealed record Score(int Value, IReadOnlyList<ScoreInput> Inputs);

public sealed record SpeechScore(Score Clarity, Score Confidence, int Overall);

/// <summary>
/// Clarity and confidence, each 100 minus capped penalties, so every point lost is traceable to one input.
///
/// Clarity = 100 − pace − fillers − quiet − long pauses, where
///   pace    = min(30, 20 × distance of the articulation rate from 3.5–5.5 syllables/s),
///   fillers = min(30, 5 × fillers per minute) (transcript only),
///   quiet   = min(25, 50 × share of the speaking time in too-quiet spans, + 10 if the whole take is too quiet),
///   pauses  = min(15, 5 × pauses of 3 s or longer).
/// Confidence = 100 − hedges − monotone − rising endings − level − fillers, where
///   hedges   = min(30, 8 × hedges per minute) (transcript only),
///   monotone = min(20, 10 × (2 st − pitch variability)) when below 2 semitones,
///   rising   = min(20, 40 × share of phrases ending with a rise),
///   level    = min(20, 2 × dB below −28 dBFS),
///   fillers  = min(15, 3 × fillers per minute).
/// Overall = the mean of the two, rounded.
/// </summary>
public static class SpeechScores
{
    public const double SlowestArticulation = 3.5;
    public const double FastestArticulation = 5.5;

    public static SpeechScore Compute(SpeechAnalysis audio, TranscriptMetrics? transcript, SpeechAnalyzerOptions? options = null)
    {
        options ??= SpeechAnalyzerOptions.Default;
        var minutes = Math.Max(audio.SpeakingSeconds, 1) / 60.0;

        var rate = audio.Pace.ArticulationRate;
        var distance = rate < SlowestArticulation ? SlowestArticulation - rate : rate > FastestArticulation ? rate - FastestArticulation : 0;
        var pace = new ScoreInput("Articulation rate", Math.Round(rate, 2), "syllables/s", Math.Min(30, 20 * distance),
            distance == 0 ? "Within 3.5–5.5 syllables per second." : rate < SlowestArticulation ? "Slower than 3.5 syllables per second." : "Faster than 5.5 syllables per second.");

        double? fillersPerMinute = transcript is null ? null : Math.Round(transcript.Fillers / minutes, 2);
        var fillers = new ScoreInput("Fillers", fillersPerMinute, "per minute", fillersPerMinute is { } f ? Math.Min(30, 5 * f) : 0,
            transcript is null ? "No transcript: not counted." : $"{transcript.Fillers} fillers (um, uh, like, you know).");

        var quietSeconds = audio.Volume.QuietSpans.Sum(s => s.EndSeconds - s.StartSeconds);
        var quietShare = audio.SpeakingSeconds > 0 ? Math.Min(1, quietSeconds / audio.SpeakingSeconds) : 0;
        var quiet = new ScoreInput("Too quiet", Math.Round(quietShare * 100, 1), "% of speaking time",
            Math.Min(25, 50 * quietShare + (audio.Volume.TooQuiet ? 10 : 0)),
            $"Speech level {audio.Volume.SpeechLevelDbfs:0.0} dBFS; below {options.QuietDbfs} dBFS counts as too quiet.");

        var longPauses = audio.Pauses.Items.Count(p => p.DurationSeconds >= 3);
        var pauses = new ScoreInput("Long pauses", longPauses, "pauses of 3 s or more", Math.Min(15, 5 * longPauses),
            $"Longest pause {audio.Pauses.LongestSeconds:0.0} s.");

        ScoreInput[] clarityInputs = [pace, fillers, quiet, pauses];

        double? hedgesPerMinute = transcript is null ? null : Math.Round(transcript.Hedges / minutes, 2);
        var hedges = new ScoreInput("Hedges", hedgesPerMinute, "per minute", hedgesPerMinute is { } h ? Math.Min(30, 8 * h) : 0,
            transcript is null ? "No transcript: not counted." : $"{transcript.Hedges} hedges (I think, maybe, kind of).");

        var variability = audio.Pitch.VariabilitySemitones;
        var monotone = new ScoreInput("Pitch variation", variability, "semitones",
            audio.Pitch.MedianHz > 0 && variability < options.MonotoneSemitones ? Math.Min(20, 10 * (options.MonotoneSemitones - variability)) : 0,
            $"Below {options.MonotoneSemitones} semitones sounds monotone.");

        var risingShare = audio.Pitch.Phrases > 0 ? (double)audio.Pitch.RisingEndings / audio.Pitch.Phrases : 0;
        var rising = new ScoreInput("Rising endings", Math.Round(risingShare * 100, 1), "% of phrases", Math.Min(20, 40 * risingShare),
            $"{audio.Pitch.RisingEndings} of {audio.Pitch.Phrases} phrases end going up, which can sound unsure.");

        var below = Math.Max(0, options.QuietDbfs - audio.Volume.SpeechLevelDbfs);
        var level = new ScoreInput("Speech level", audio.Volume.SpeechLevelDbfs, "dBFS", Math.Min(20, 2 * below),
            below > 0 ? "Quieter than a confident speaking voice." : "Loud enough.");

        var fillerConfidence = fillers with { Penalty = fillersPerMinute is { } g ? Math.Min(15, 3 * g) : 0 };
        ScoreInput[] confidenceInputs = [hedges, monotone, rising, level, fillerConfidence];

        var clarity = Build(clarityInputs);
        var confidence = Build(confidenceInputs);
        return new SpeechScore(clarity, confidence, (int)Math.Round((clarity.Value + confidence.Value) / 2.0));
    }

    private static Score Build(ScoreInput[] inputs)
    {
        var rounded = inputs.Select(i => i with { Penalty = Math.Round(i.Penalty, 1) }).ToArray();
        return new Score((int)Math.Round(Math.Clamp(100 - rounded.Sum(i => i.Penalty), 0, 100)), rounded);
    }
}
