using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Pitlane.Speech;

namespace Pitlane.Benchmarks;

/// <summary>
/// Speech analysis of one minute of 16 kHz speech (espeak-ng when installed, else a synthetic voice with syllable
/// rhythm, pitch movement and pauses), as a multiple of real time: 60 s divided by the mean time. The baseline is
/// the straightforward implementation in the same run.
/// </summary>
[MemoryDiagnoser]
public class SpeechBenchmarks
{
    public const double AudioSeconds = 60;
    private float[] _audio = [];

    [GlobalSetup]
    public void Setup() => _audio = SpeechBenchmarkAudio.OneMinute();

    [Benchmark(Baseline = true)]
    public NaiveSpeechAnalyzer.Result Naive() => NaiveSpeechAnalyzer.Analyze(_audio);

    [Benchmark]
    public SpeechAnalysis Pitlane_batch() => SpeechAnalyzer.Analyze(_audio);

    [Benchmark]
    public int Pitlane_live_20ms_chunks()
    {
        var live = new LiveSpeechAnalyzer();
        var events = 0;
        for (var i = 0; i < _audio.Length; i += 320)
        {
            events += live.Feed(_audio.AsSpan(i, Math.Min(320, _audio.Length - i))).Count;
        }
        return events + live.Syllables;
    }
}

public static class SpeechBenchmarkAudio
{
    public static float[] OneMinute()
    {
        var fromEspeak = TryEspeak();
        if (fromEspeak is not null)
        {
            return fromEspeak;
        }
        var n = (int)(SpeechBenchmarks.AudioSeconds * 16000);
        var x = new float[n];
        double phase = 0;
        for (var i = 0; i < n; i++)
        {
            var t = i / 16000.0;
            if (t % 6 > 5.4)
            {
                continue; // a 0.6 s pause every 6 s
            }
            var f0 = 120 * Math.Pow(2, 0.25 * Math.Sin(2 * Math.PI * t / 1.7));
            phase += 2 * Math.PI * f0 / 16000;
            double v = 0;
            for (var h = 1; h <= 8; h++)
            {
                v += Math.Sin(h * phase) / h;
            }
            x[i] = (float)(0.1 * v * (0.55 - 0.45 * Math.Cos(2 * Math.PI * 4 * t)));
        }
        return x;
    }

    private static float[]? TryEspeak()
    {
        var dir = Directory.CreateTempSubdirectory("pitlane-bench-");
        try
        {
            var raw = Path.Combine(dir.FullName, "a.wav");
            var wav = Path.Combine(dir.FullName, "b.wav");
            const string text = "This car has a strong engine and a quiet cabin. The seats are soft and the ride is smooth. " +
                                "You get a five year warranty with free service for the first two years. The price today is lower than last month. ";
            if (!Run("espeak-ng", "-s", "160", "-w", raw, string.Concat(Enumerable.Repeat(text, 6)))
                || !Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", raw, "-ar", "16000", "-ac", "1", "-t", "60", wav))
            {
                return null;
            }
            var audio = WavReader.Read(File.ReadAllBytes(wav)).Samples;
            var minute = new float[(int)(SpeechBenchmarks.AudioSeconds * 16000)];
            for (var at = 0; at < minute.Length; at += audio.Length)
            {
                audio.AsSpan(0, Math.Min(audio.Length, minute.Length - at)).CopyTo(minute.AsSpan(at));
            }
            return minute;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static bool Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}

/// <summary>
/// Reference point only: the analysis as it is commonly first written. Every 10 ms frame copies its window into new
/// arrays (LINQ Skip/Take/ToArray), intensity by a Math.Pow loop, YIN at the full 16 kHz rate with the O(window x lag)
/// scalar difference function and a fresh array per frame, percentiles by sorting. Same thresholds and rules as the
/// engine so the outputs are comparable.
/// </summary>
public static class NaiveSpeechAnalyzer
{
    public sealed record Result(int Syllables, double MedianF0, double LevelDbfs);

    public static Result Analyze(float[] x)
    {
        const int hop = 160, window = 640, yinWindow = 512, minLag = 40, maxLag = 213;
        var db = new List<double>();
        var f0 = new List<double>();
        for (var end = window; end <= x.Length; end += hop)
        {
            var frame = x.Skip(end - window).Take(window).ToArray();
            var hann = Enumerable.Range(0, window).Select(i => 0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / window)).ToArray();
            var e = frame.Select((v, i) => hann[i] * Math.Pow(v, 2)).Sum() / hann.Sum();
            db.Add(10 * Math.Log10(e + 1e-12));

            var start = Math.Max(0, end - yinWindow - maxLag - 1);
            var seg = x.Skip(start).Take(end - start).ToArray();
            if (seg.Length < yinWindow + maxLag + 1)
            {
                f0.Add(0);
                continue;
            }
            var d = new double[maxLag + 1];
            for (var tau = 1; tau <= maxLag; tau++)
            {
                double sum = 0;
                for (var j = 0; j < yinWindow; j++)
                {
                    var diff = seg[j] - seg[j + tau];
                    sum += diff * diff;
                }
                d[tau] = sum;
            }
            var cmnd = new double[maxLag + 1];
            double running = 0;
            for (var tau = 1; tau <= maxLag; tau++)
            {
                running += d[tau];
                cmnd[tau] = running > 0 ? d[tau] * tau / running : 1;
            }
            var best = -1;
            for (var tau = minLag; tau <= maxLag; tau++)
            {
                if (cmnd[tau] < 0.15)
                {
                    while (tau + 1 <= maxLag && cmnd[tau + 1] < cmnd[tau])
                    {
                        tau++;
                    }
                    best = tau;
                    break;
                }
            }
            f0.Add(best > 0 ? 16000.0 / best : 0);
        }

        var threshold = Math.Max(db.OrderBy(v => v).ElementAt((int)(0.99 * (db.Count - 1))) - 25, -60);
        var smooth = db.Select((_, i) => 10 * Math.Log10(db.Skip(Math.Max(0, i - 2)).Take(Math.Min(i + 3, db.Count) - Math.Max(0, i - 2)).Select(v => Math.Pow(10, v / 10)).Average())).ToList();
        var peaks = new List<int>();
        for (var i = 1; i < smooth.Count - 1; i++)
        {
            if (smooth[i] >= threshold && smooth[i] > smooth[i - 1] && smooth[i] >= smooth[i + 1])
            {
                peaks.Add(i);
            }
        }
        var syllables = 0;
        for (var k = 0; k < peaks.Count; k++)
        {
            var next = k + 1 < peaks.Count ? peaks[k + 1] : smooth.Count - 1;
            var dip = smooth.Skip(peaks[k]).Take(next - peaks[k] + 1).Min();
            var voiced = f0.Skip(Math.Max(0, peaks[k] - 2)).Take(5).Any(v => v > 0);
            if (smooth[peaks[k]] - dip > 2 && voiced)
            {
                syllables++;
            }
        }
        var voicedF0 = f0.Where(v => v > 0).OrderBy(v => v).ToList();
        var sounding = db.Where(v => v >= threshold).ToList();
        return new Result(
            syllables,
            voicedF0.Count == 0 ? 0 : voicedF0[voicedF0.Count / 2],
            10 * Math.Log10(sounding.Select(v => Math.Pow(10, v / 10)).Average()));
    }
}

/// <summary>Real-time multiples from consumed CPU time (mean over many runs after a warm-up), same audio for all three.</summary>
public static class SpeechCpuTime
{
    public static void Run()
    {
        var audio = SpeechBenchmarkAudio.OneMinute();
        var bench = new SpeechBenchmarks();
        bench.Setup();
        Measure("Naive (reference)", () => NaiveSpeechAnalyzer.Analyze(audio), 5);
        Measure("Pitlane batch", () => SpeechAnalyzer.Analyze(audio), 50);
        Measure("Pitlane live, 20 ms chunks", () => bench.Pitlane_live_20ms_chunks(), 50);
    }

    private static void Measure(string name, Action run, int times)
    {
        run();
        var process = System.Diagnostics.Process.GetCurrentProcess();
        // Process CPU time ticks in 10 ms steps on Linux, so the mean over all runs is used, not the best single run.
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < times; i++)
        {
            run();
        }
        process.Refresh();
        var mean = (process.TotalProcessorTime - before).TotalMilliseconds / times;
        Console.WriteLine($"{name}: mean {mean:0.0} ms CPU for {SpeechBenchmarks.AudioSeconds:0} s of audio = {SpeechBenchmarks.AudioSeconds * 1000 / mean:0}x real time ({times} runs)");
    }
}
