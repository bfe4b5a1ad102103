namespace Pitlane.Speech;

/// <summary>Everything measured from the audio of one recording. Times are seconds from its start.</summary>
public sealed record SpeechAnalysis(
    double DurationSeconds,
    double SpeakingSeconds,
    double PhonationSeconds,
    PaceMetrics Pace,
    VolumeMetrics Volume,
    PauseMetrics Pauses,
    PitchMetrics Pitch,
    IReadOnlyList<TimelinePoint> Timeline,
    IReadOnlyList<double> SyllableTimes);

/// <param name="SpeechRate">Syllables per second over the speaking span (first to last sound, pauses included).</param>
/// <param name="ArticulationRate">Syllables per second of phonation (pauses excluded).</param>
public sealed record PaceMetrics(int Syllables, double SpeechRate, double ArticulationRate);

/// <param name="SpeechLevelDbfs">Power mean of the sounding frames (the active speech level, in the spirit of ITU-T P.56).</param>
/// <param name="OverallRmsDbfs">RMS of the whole recording, silence included.</param>
/// <param name="DynamicRangeDb">95th minus 10th percentile of the sounding frames' intensity.</param>
public sealed record VolumeMetrics(
    double SpeechLevelDbfs,
    double OverallRmsDbfs,
    double PeakDbfs,
    double DynamicRangeDb,
    double ClippedFraction,
    bool TooQuiet,
    bool TooLoud,
    IReadOnlyList<LevelSpan> QuietSpans,
    IReadOnlyList<LevelSpan> LoudSpans);

public sealed record LevelSpan(double StartSeconds, double EndSeconds, double LevelDbfs);

public sealed record Pause(double StartSeconds, double DurationSeconds);

/// <param name="Histogram">Pause counts in buckets: 0.3-0.6 s, 0.6-1 s, 1-2 s, 2-3 s, 3 s and longer.</param>
public sealed record PauseMetrics(
    int Count,
    double TotalSeconds,
    double MeanSeconds,
    double MedianSeconds,
    double LongestSeconds,
    IReadOnlyList<int> Histogram,
    IReadOnlyList<Pause> Items)
{
    public static readonly IReadOnlyList<string> HistogramBuckets = ["0.3–0.6 s", "0.6–1 s", "1–2 s", "2–3 s", "3 s +"];
}

/// <param name="VariabilitySemitones">Standard deviation of voiced F0 in semitones around the median.</param>
/// <param name="RisingEndings">Phrases whose last voiced 200 ms rise at least 2 semitones above the phrase body.</param>
public sealed record PitchMetrics(
    double MedianHz,
    double VariabilitySemitones,
    bool Monotone,
    double VoicedFraction,
    int Phrases,
    int RisingEndings);

/// <summary>One second of the recording for charts; null where nothing was said.</summary>
public sealed record TimelinePoint(double StartSeconds, double? LevelDbfs, int Syllables, double? PitchHz);
