namespace Pitlane.Speech.Tests;

public sealed class PitchTests
{
    [Theory]
    [InlineData(90)]
    [InlineData(150)]
    [InlineData(240)]
    public void Given_steady_voice_Then_median_f0_within_2_percent_and_monotone(double f0)
    {
        var analysis = SpeechAnalyzer.Analyze(Signals.Voice(4, _ => f0));

        Assert.InRange(analysis.Pitch.MedianHz, f0 * 0.98, f0 * 1.02);
        Assert.True(analysis.Pitch.Monotone);
        Assert.True(analysis.Pitch.VariabilitySemitones < 0.5);
    }

    [Fact]
    public void Given_voice_gliding_over_an_octave_Then_not_monotone()
    {
        var analysis = SpeechAnalyzer.Analyze(Signals.Voice(4, t => 110 * Math.Pow(2, Math.Sin(2 * Math.PI * t / 2))));

        Assert.False(analysis.Pitch.Monotone);
        Assert.True(analysis.Pitch.VariabilitySemitones > 4);
    }

    [Fact]
    public void Given_phrases_ending_up_and_flat_Then_only_the_rising_one_counts()
    {
        var rising = Signals.Voice(1.5, t => t < 1.2 ? 120 : 120 * Math.Pow(2, (t - 1.2) / 0.3 * 5 / 12.0));
        var flat = Signals.Voice(1.5, _ => 120);

        var analysis = SpeechAnalyzer.Analyze(Signals.Concat(flat, Signals.Silence(0.6), rising, Signals.Silence(0.6), flat));

        Assert.Equal(3, analysis.Pitch.Phrases);
        Assert.Equal(1, analysis.Pitch.RisingEndings);
    }

    [Fact]
    public void Given_espeak_speech_Then_male_voice_range_and_most_sound_voiced()
    {
        var analysis = SpeechAnalyzer.Analyze(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160));

        Assert.InRange(analysis.Pitch.MedianHz, 80, 160);
        Assert.True(analysis.Pitch.VoicedFraction > 0.4);
    }
}
