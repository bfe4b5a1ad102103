namespace Pitlane.Speech.Tests;

public sealed class LiveAnalyzerTests(ITestOutputHelper output)
{
    private static List<LiveFeedback> Stream(LiveSpeechAnalyzer live, float[] samples, int chunk = 1600)
    {
        var events = new List<LiveFeedback>();
        for (var i = 0; i < samples.Length; i += chunk)
        {
            events.AddRange(live.Feed(samples.AsSpan(i, Math.Min(chunk, samples.Length - i))));
        }
        return events;
    }

    [Fact]
    public void Given_very_fast_speech_Then_too_fast_correction()
    {
        var samples = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage + " " + SynthesisedSpeech.Passage, 320);
        var events = Stream(new LiveSpeechAnalyzer(), samples);
        output.WriteLine(string.Join("\n", events));
        var fast = Assert.Single(events, e => e.Kind == FeedbackKind.TooFast);
        Assert.Equal(FeedbackType.Correction, fast.Type);
        Assert.True(fast.Value > 6);
    }

    [Fact]
    public void Given_normal_speech_Then_no_pace_correction()
    {
        var samples = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160);
        var events = Stream(new LiveSpeechAnalyzer(), samples);
        output.WriteLine(string.Join("\n", events));
        Assert.DoesNotContain(events, e => e.Kind is FeedbackKind.TooFast or FeedbackKind.TooSlow or FeedbackKind.TooQuiet);
    }

    [Fact]
    public void Given_quiet_speech_Then_too_quiet_within_3_seconds_of_speaking()
    {
        var speech = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160);
        var level = SpeechAnalyzer.Analyze(speech).Volume.SpeechLevelDbfs;
        var quiet = SynthesisedSpeech.Scale(speech, (float)Math.Pow(10, (-34 - level) / 20));
        var start = SynthesisedSpeech.SpeakingSpan(quiet).Start;

        var events = Stream(new LiveSpeechAnalyzer(), quiet);

        var e = Assert.Single(events, e => e.Kind == FeedbackKind.TooQuiet);
        Assert.InRange(e.AtSeconds, start, start + 3.5);
        Assert.InRange(e.Value!.Value, -37, -31);
    }

    [Fact]
    public void Given_4_second_silence_Then_long_pause_at_3_seconds_into_it()
    {
        var speech = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160);
        var end = SynthesisedSpeech.SpeakingSpan(speech).End;
        var samples = Signals.Concat(speech[..(int)(end * 16000)], Signals.Silence(4), speech);

        var events = Stream(new LiveSpeechAnalyzer(), samples, chunk: 4000);

        var pause = Assert.Single(events, e => e.Kind == FeedbackKind.LongPause);
        Assert.InRange(pause.AtSeconds, end + 2.9, end + 3.2);
    }

    [Fact]
    public void Given_flat_synthetic_voice_Then_monotone_suggestion()
    {
        var events = Stream(new LiveSpeechAnalyzer(), Signals.Voice(8, _ => 120));
        Assert.Contains(events, e => e.Kind == FeedbackKind.Monotone && e.Type == FeedbackType.Suggestion);
    }

    [Fact]
    public void Given_three_fillers_in_20_seconds_Then_filler_streak_once()
    {
        var live = new LiveSpeechAnalyzer();
        var events = live.AddWords([("so", 1.0), ("um", 2.0), ("the", 3.0), ("uh,", 5.0), ("um", 9.0), ("engine", 10)]);
        var streak = Assert.Single(events);
        Assert.Equal(FeedbackKind.FillerStreak, streak.Kind);
        Assert.Equal(9.0, streak.AtSeconds);
        Assert.Empty(live.AddWords([("um", 11.0)]));
    }

    [Fact]
    public void Given_live_and_batch_on_same_speech_Then_syllable_counts_agree_within_10_percent()
    {
        var samples = SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160);
        var live = new LiveSpeechAnalyzer();
        Stream(live, samples, chunk: 333);
        var batch = SpeechAnalyzer.Analyze(samples).Pace.Syllables;
        Assert.InRange(live.Syllables, batch * 0.9, batch * 1.1);
    }
}
