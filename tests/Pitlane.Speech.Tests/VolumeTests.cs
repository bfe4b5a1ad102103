namespace Pitlane.Speech.Tests;

public sealed class VolumeTests
{
    private static float[] AtLevel(float[] samples, double targetDbfs)
    {
        var level = SpeechAnalyzer.Analyze(samples).Volume.SpeechLevelDbfs;
        return SynthesisedSpeech.Scale(samples, (float)Math.Pow(10, (targetDbfs - level) / 20));
    }

    [Fact]
    public void Given_speech_at_minus_30_dBFS_Then_flagged_quiet_throughout()
    {
        var samples = AtLevel(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160), -30);

        var analysis = SpeechAnalyzer.Analyze(samples);

        Assert.InRange(analysis.Volume.SpeechLevelDbfs, -30.5, -29.5);
        Assert.True(analysis.Volume.TooQuiet);
        var quietSeconds = analysis.Volume.QuietSpans.Sum(s => s.EndSeconds - s.StartSeconds);
        Assert.True(quietSeconds >= 0.8 * analysis.SpeakingSeconds, $"quiet {quietSeconds:0.0} s of {analysis.SpeakingSeconds:0.0} s");
        var score = SpeechScores.Compute(analysis, null);
        Assert.Contains(score.Clarity.Inputs, i => i.Name == "Too quiet" && i.Penalty > 0);
    }

    [Fact]
    public void Given_speech_at_minus_18_dBFS_Then_not_quiet_nor_loud()
    {
        var analysis = SpeechAnalyzer.Analyze(AtLevel(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160), -18));

        Assert.False(analysis.Volume.TooQuiet);
        Assert.False(analysis.Volume.TooLoud);
        Assert.Empty(analysis.Volume.QuietSpans);
        Assert.InRange(analysis.Volume.DynamicRangeDb, 3, 40);
    }

    [Fact]
    public void Given_quiet_second_half_Then_quiet_span_covers_it()
    {
        var speech = AtLevel(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160), -18);
        var quietHalf = SynthesisedSpeech.Scale(speech, (float)Math.Pow(10, -15 / 20.0));
        var samples = Signals.Concat(speech, quietHalf);

        var analysis = SpeechAnalyzer.Analyze(samples);

        var boundary = speech.Length / 16000.0;
        Assert.NotEmpty(analysis.Volume.QuietSpans);
        Assert.All(analysis.Volume.QuietSpans, s => Assert.True(s.StartSeconds >= boundary - 1.0, $"quiet span at {s.StartSeconds}"));
        Assert.True(analysis.Volume.QuietSpans.Sum(s => s.EndSeconds - s.StartSeconds) >= 0.7 * boundary);
    }

    [Fact]
    public void Given_digital_silence_Then_no_speech_and_no_crash()
    {
        var analysis = SpeechAnalyzer.Analyze(Signals.Silence(3));
        Assert.Equal(0, analysis.Pace.Syllables);
        Assert.Equal(0, analysis.SpeakingSeconds);
        var empty = SpeechAnalyzer.Analyze([]);
        Assert.Equal(0, empty.DurationSeconds);
    }
}
