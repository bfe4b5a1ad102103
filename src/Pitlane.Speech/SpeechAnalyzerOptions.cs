namespace Pitlane.Speech;

/// <summary>
/// Thresholds of the analysis. Defaults follow de Jong &amp; Wempe (2009, "Praat script to detect syllable nuclei
/// and measure speech rate automatically"): silence 25 dB below the 99th intensity percentile, 2 dB minimum dip
/// between nuclei, 0.3 s minimum pause; level limits follow ITU-T P.56's −26 dBov nominal active speech level.
/// </summary>
public sealed record SpeechAnalyzerOptions
{
    public static readonly SpeechAnalyzerOptions Default = new();

    public double SilenceBelowPeakDb { get; init; } = 25;
    public double AbsoluteSilenceDbfs { get; init; } = -60;
    public double MinDipDb { get; init; } = 2;
    /// <summary>Intensity used for nuclei is power-averaged over ±this many 10 ms frames (a 50 ms window, close to the smoothing of Praat's intensity in the original script).</summary>
    public int NucleusSmoothingFrames { get; init; } = 2;
    public double MinPauseSeconds { get; init; } = 0.3;
    public double QuietDbfs { get; init; } = -28;
    public double LoudDbfs { get; init; } = -8;
    public double MonotoneSemitones { get; init; } = 2.0;
    public double RisingEndingSemitones { get; init; } = 2.0;
}
