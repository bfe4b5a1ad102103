namespace Pitlane.Speech.Tests;

public sealed class ScoreTests
{
    [Fact]
    public void Given_transcript_Then_fillers_and_hedges_found_with_positions()
    {
        const string text = "Um, I think this car is, like, great. I like the seats. You know, maybe we can uh talk price.";
        var t = TranscriptAnalyzer.Analyze(text, speakingSeconds: 10);

        Assert.Equal(20, t.Words);
        Assert.Equal(4, t.Fillers);   // Um, like, You know, uh ("I like" is a verb)
        Assert.Equal(2, t.Hedges);    // I think, maybe
        Assert.Equal(120, t.WordsPerMinute);
        Assert.All(t.Marks, m => Assert.Equal(m.Phrase, text.Substring(m.Start, m.Length)));
        Assert.Equal(["Um", "I think", "like", "You know", "maybe", "uh"], t.Marks.Select(m => m.Phrase));
    }

    [Fact]
    public void Given_fillers_and_hedges_Then_scores_drop_and_inputs_explain_it()
    {
        var analysis = SpeechAnalyzer.Analyze(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160));
        var clean = SpeechScores.Compute(analysis, TranscriptAnalyzer.Analyze(SynthesisedSpeech.Passage));
        var hedgy = SpeechScores.Compute(analysis, TranscriptAnalyzer.Analyze("Um, I think, uh, maybe this car is, um, kind of good, I guess, uh."));

        Assert.True(hedgy.Clarity.Value < clean.Clarity.Value);
        Assert.True(hedgy.Confidence.Value < clean.Confidence.Value);
        foreach (var score in new[] { clean.Clarity, clean.Confidence, hedgy.Clarity, hedgy.Confidence })
        {
            Assert.InRange(score.Value, 0, 100);
            Assert.Equal(score.Value, (int)Math.Round(Math.Clamp(100 - score.Inputs.Sum(i => i.Penalty), 0, 100)));
            Assert.All(score.Inputs, i => Assert.False(string.IsNullOrWhiteSpace(i.Explanation)));
        }
    }

    [Fact]
    public void Given_no_transcript_Then_transcript_inputs_cost_nothing_and_say_so()
    {
        var analysis = SpeechAnalyzer.Analyze(SynthesisedSpeech.Speak(SynthesisedSpeech.Passage, 160));
        var score = SpeechScores.Compute(analysis, null);
        var fillers = Assert.Single(score.Clarity.Inputs, i => i.Name == "Fillers");
        Assert.Null(fillers.Value);
        Assert.Equal(0, fillers.Penalty);
        Assert.Contains("No transcript", fillers.Explanation);
    }
}
