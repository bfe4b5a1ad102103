using System.Diagnostics;

namespace Pitlane.Speech.Tests;

/// <summary>
/// Test speech from espeak-ng at a chosen words-per-minute, resampled to 16 kHz mono by ffmpeg. Missing tools skip
/// the test with a reason, except when PITLANE_REQUIRE_SERVERS=1 (CI), where they are a failure.
/// </summary>
public static class SynthesisedSpeech
{
    /// <summary>
    /// 41 words, 49 syllables counted by hand from the dictionary (en-gine 2, qui-et 2, ca-bin 2, war-ran-ty 3,
    /// ser-vice 2, to-day 2, low-er 2, every other word 1).
    /// </summary>
    public const string Passage =
        "This car has a strong engine and a quiet cabin. The seats are soft and the ride is smooth. " +
        "You get a five year warranty with free service for the first two years. The price today is lower than last month.";

    public const int PassageSyllables = 49;

    public static bool Required => Environment.GetEnvironmentVariable("PITLANE_REQUIRE_SERVERS") == "1";

    public static void RequireTools()
    {
        foreach (var tool in new[] { "espeak-ng", "ffmpeg" })
        {
            if (FindOnPath(tool) is null)
            {
                var reason = $"{tool} is not installed (apt-get install espeak-ng ffmpeg)";
                if (Required)
                {
                    Assert.Fail($"{reason} (PITLANE_REQUIRE_SERVERS=1: a missing tool is a failure)");
                }
                Assert.Skip(reason);
            }
        }
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    private static readonly Dictionary<(int, string), float[]> Cache = [];

    /// <summary>16 kHz mono samples of <paramref name="text"/> spoken at <paramref name="wordsPerMinute"/>.</summary>
    public static float[] Speak(string text, int wordsPerMinute)
    {
        RequireTools();
        lock (Cache)
        {
            if (Cache.TryGetValue((wordsPerMinute, text), out var cached))
            {
                return cached;
            }
        }
        var dir = Directory.CreateTempSubdirectory("pitlane-speech-");
        try
        {
            var raw = Path.Combine(dir.FullName, "espeak.wav");
            var wav = Path.Combine(dir.FullName, "16k.wav");
            Run("espeak-ng", ["-s", wordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", raw, text]);
            Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", raw, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", wav]);
            var audio = WavReader.Read(File.ReadAllBytes(wav));
            Assert.Equal(16000, audio.SampleRate);
            lock (Cache)
            {
                Cache[(wordsPerMinute, text)] = audio.Samples;
            }
            return audio.Samples;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static void Run(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {err.Result}");
    }

    /// <summary>
    /// Speaking span measured independently of the engine: first to last sample louder than −40 dBFS (|x| ≥ 0.01).
    /// </summary>
    public static (double Start, double End) SpeakingSpan(ReadOnlySpan<float> samples)
    {
        var first = 0;
        while (first < samples.Length && Math.Abs(samples[first]) < 0.01f)
        {
            first++;
        }
        var last = samples.Length - 1;
        while (last > first && Math.Abs(samples[last]) < 0.01f)
        {
            last--;
        }
        return (first / 16000.0, (last + 1) / 16000.0);
    }

    public static float[] Scale(ReadOnlySpan<float> samples, float gain)
    {
        var result = new float[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            result[i] = samples[i] * gain;
        }
        return result;
    }
}
