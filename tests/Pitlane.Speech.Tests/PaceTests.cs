namespace Pitlane.Speech.Tests;

public sealed class PaceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Reference rate, honestly defined: the passage's 49 dictionary syllables divided by the speaking span (first to
    /// last audible sample, measured by a plain amplitude threshold, not by the engine). The engine's speech rate
    /// (syllable nuclei over its own speaking span) must land within ±10 % of it.
    /// </summary>
    [Theory]
    [InlineData(120)]
    [InlineData(160)]
    [InlineData(200)]
    public void Given_espeak_passage_at_wpm_Then_speech_rate_within_10_percent(int wpm)
    {
        var samples = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, wpm);
        var (start, end) = SynthesisedSpeech.SpeakingSpan(samples);
        var reference = SynthesisedSpeech.PassageSyllables / (end - start);

        var analysis = SpeechAnalyzer.Analyze(samples);

        output.WriteLine($"{wpm} wpm: span {end - start:0.00}s ref {reference:0.00} syl/s; measured {analysis.Pace.Syllables} syl, " +
                         $"rate {analysis.Pace.SpeechRate:0.00}, articulation {analysis.Pace.ArticulationRate:0.00}, speaking {analysis.SpeakingSeconds:0.00}s, " +
                         $"pauses {analysis.Pauses.Count}, f0 {analysis.Pitch.MedianHz} ±{analysis.Pitch.VariabilitySemitones} st, level {analysis.Volume.SpeechLevelDbfs}");
        Assert.InRange(analysis.Pace.SpeechRate, reference * 0.9, reference * 1.1);
        Assert.True(analysis.Pace.ArticulationRate >= analysis.Pace.SpeechRate);
    }
}
