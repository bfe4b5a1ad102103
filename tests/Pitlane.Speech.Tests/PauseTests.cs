namespace Pitlane.Speech.Tests;

public sealed class PauseTests
{
    /// <summary>Inserts exactly 2 s of silence at the loudest 10 ms of a stretch, so the cut lands inside a vowel.</summary>
    private static (float[] Samples, double At) InsertSilence(float[] speech, double fromSeconds, double toSeconds)
    {
        var best = 0;
        var bestEnergy = -1.0;
        for (var i = (int)(fromSeconds * 16000); i + 160 < (int)(toSeconds * 16000); i += 160)
        {
            double e = 0;
            for (var k = 0; k < 160; k++)
            {
                e += speech[i + k] * speech[i + k];
            }
            if (e > bestEnergy)
            {
                bestEnergy = e;
                best = i + 80;
            }
        }
        return (Signals.Concat(speech[..best], Signals.Silence(2), speech[best..]), best / 16000.0);
    }

    [Theory]
    [InlineData(120)]
    [InlineData(200)]
    public void Given_two_inserted_2s_silences_Then_both_found_within_100ms(int wpm)
    {
        var speech = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, wpm);
        var length = speech.Length / 16000.0;
        var (once, first) = InsertSilence(speech, length * 0.2, length * 0.4);
        var (twice, second) = InsertSilence(once, length * 0.6 + 2, length * 0.8 + 2);

        var analysis = SpeechAnalyzer.Analyze(twice);

        foreach (var at in new[] { first, second })
        {
            var pause = analysis.Pauses.Items.SingleOrDefault(p => Math.Abs(p.StartSeconds - at) <= 0.1);
            Assert.True(pause is not null, $"no pause starting near {at:0.00}s: {string.Join(", ", analysis.Pauses.Items)}");
            Assert.InRange(pause.DurationSeconds, 1.9, 2.1);
        }
        Assert.Equal(2, analysis.Pauses.Items.Count(p => p.DurationSeconds is >= 1.9 and <= 2.1));
        Assert.InRange(analysis.Pauses.LongestSeconds, 1.9, 2.1);
        Assert.True(analysis.PhonationSeconds < analysis.SpeakingSeconds - 3.8);
    }
}
