namespace Pitlane.Speech;

/// <summary>
/// Whole-recording analysis of 16 kHz mono speech: level, pace by syllable nuclei, pauses and pitch.
/// Allocates the per-frame arrays once (two floats and a flag per 10 ms) and the small result lists.
/// </summary>
public static class SpeechAnalyzer
{
    public static SpeechAnalysis Analyze(ReadOnlySpan<float> samples, SpeechAnalyzerOptions? options = null)
    {
        options ??= SpeechAnalyzerOptions.Default;
        var capacity = samples.Length / SpeechFrames.Hop + 8;
        var sink = new ArraySink(capacity);
        var frames = new SpeechFrames();
        frames.Feed(samples, ref sink);
        frames.Flush(ref sink);
        return Analyze(sink.Db.AsSpan(0, sink.Count), sink.F0.AsSpan(0, sink.Count), samples, options);
    }

    private struct ArraySink(int capacity) : IFrameSink
    {
        public readonly float[] Db = new float[capacity];
        public readonly float[] F0 = new float[capacity];
        public int Count;

        public void OnFrame(in SpeechFrame frame)
        {
            // Frame i is centred at (i - 1) * 10 ms; drop the first, which is centred before the recording starts.
            if (frame.TimeSeconds < 0 || Count >= Db.Length)
            {
                return;
            }
            Db[Count] = frame.IntensityDb;
            F0[Count] = frame.F0Hz;
            Count++;
        }
    }

    internal static SpeechAnalysis Analyze(ReadOnlySpan<float> db, ReadOnlySpan<float> f0, ReadOnlySpan<float> samples, SpeechAnalyzerOptions o)
    {
        const double dt = SpeechFrames.HopSeconds;
        var n = db.Length;
        var rawDb = db;
        var duration = (double)samples.Length / SpeechFrames.SampleRate;
        var p99 = Percentile(db, 0.99);
        var threshold = (float)Math.Max(p99 - o.SilenceBelowPeakDb, o.AbsoluteSilenceDbfs);

        // Sounding frames, with sub-pause gaps closed and clicks shorter than 50 ms dropped.
        var sounding = new bool[n];
        for (var i = 0; i < n; i++)
        {
            sounding[i] = db[i] >= threshold;
        }
        var minPauseFrames = (int)Math.Round(o.MinPauseSeconds / dt);
        RemoveShortRuns(sounding, value: false, maxLength: minPauseFrames - 1, keepEdges: true);
        RemoveShortRuns(sounding, value: true, maxLength: 4, keepEdges: false);

        var first = Array.IndexOf(sounding, true);
        var last = Array.LastIndexOf(sounding, true);
        if (first < 0)
        {
            return Silent(duration, samples);
        }
        var speaking = (last - first + 1) * dt;

        // Pauses: silent runs between the first and last sound.
        var pauses = new List<Pause>();
        var phonationFrames = 0;
        for (var i = first; i <= last; i++)
        {
            if (sounding[i])
            {
                phonationFrames++;
                continue;
            }
            var start = i;
            while (i <= last && !sounding[i])
            {
                i++;
            }
            pauses.Add(new Pause(start * dt, (i - start) * dt));
            i--;
        }
        var phonation = phonationFrames * dt;

        // Syllable nuclei (de Jong & Wempe): intensity peaks above the silence threshold whose intensity drops by
        // more than MinDipDb before the next peak, kept only where the frame is voiced.
        var syllables = new List<double>();
        var previousPeak = -1;
        var smooth = new float[n];
        Smooth(db, smooth, o.NucleusSmoothingFrames);
        db = smooth;
        for (var i = Math.Max(1, first); i <= Math.Min(last, n - 2); i++)
        {
            if (!sounding[i] || db[i] < threshold || db[i] <= db[i - 1] || db[i] < db[i + 1])
            {
                continue;
            }
            if (previousPeak >= 0 && IsNucleus(db, f0, previousPeak, i, o.MinDipDb))
            {
                syllables.Add(previousPeak * dt);
            }
            previousPeak = i;
        }
        if (previousPeak >= 0 && IsNucleus(db, f0, previousPeak, Math.Min(n - 1, last + 1), o.MinDipDb))
        {
            syllables.Add(previousPeak * dt);
        }

        db = rawDb;
        var pace = new PaceMetrics(
            syllables.Count,
            syllables.Count / speaking,
            phonation > 0 ? syllables.Count / phonation : 0);

        var volume = Volume(db, sounding, first, last, samples, o);
        var pitch = Pitch(f0, sounding, first, last, o);
        var timeline = Timeline(db, f0, sounding, syllables, duration);
        return new SpeechAnalysis(duration, speaking, phonation, pace, volume, PauseStats(pauses), pitch, timeline, syllables);
    }

    /// <summary>Moving power average over ±<paramref name="half"/> frames, back in dB.</summary>
    private static void Smooth(ReadOnlySpan<float> db, Span<float> result, int half)
    {
        double window = 0;
        var count = 0;
        for (var i = 0; i < db.Length + half; i++)
        {
            if (i < db.Length)
            {
                window += Math.Pow(10, db[i] / 10.0);
                count++;
            }
            var drop = i - 2 * half - 1;
            if (drop >= 0)
            {
                window -= Math.Pow(10, db[drop] / 10.0);
                count--;
            }
            var centre = i - half;
            if (centre >= 0)
            {
                result[centre] = (float)(10 * Math.Log10(Math.Max(window, 1e-14) / count));
            }
        }
    }

    private static bool IsNucleus(ReadOnlySpan<float> db, ReadOnlySpan<float> f0, int peak, int next, double minDip)
    {
        var dip = db[peak];
        for (var j = peak + 1; j <= next; j++)
        {
            dip = Math.Min(dip, db[j]);
        }
        return db[peak] - dip > minDip && VoicedNear(f0, peak);
    }

    private static bool VoicedNear(ReadOnlySpan<float> f0, int i)
    {
        // Intensity peaks and YIN frames can sit a frame or two apart at vowel onsets.
        for (var j = Math.Max(0, i - 2); j <= Math.Min(f0.Length - 1, i + 2); j++)
        {
            if (f0[j] > 0)
            {
                return true;
            }
        }
        return false;
    }

    private static VolumeMetrics Volume(ReadOnlySpan<float> db, bool[] sounding, int first, int last, ReadOnlySpan<float> samples, SpeechAnalyzerOptions o)
    {
        double power = 0;
        var count = 0;
        Span<float> levels = db.Length <= 4096 ? stackalloc float[db.Length] : new float[db.Length];
        for (var i = first; i <= last; i++)
        {
            if (sounding[i])
            {
                power += Math.Pow(10, db[i] / 10.0);
                levels[count++] = db[i];
            }
        }
        var speechLevel = 10 * Math.Log10(power / count + 1e-12);
        var range = Percentile(levels[..count], 0.95) - Percentile(levels[..count], 0.10);

        double total = 0;
        float peak = 0;
        var clipped = 0;
        foreach (var s in samples)
        {
            total += s * s;
            var a = Math.Abs(s);
            peak = Math.Max(peak, a);
            if (a >= 0.999f)
            {
                clipped++;
            }
        }
        var overall = 10 * Math.Log10(total / Math.Max(1, samples.Length) + 1e-12);

        // One-second blocks: a block with at least 30 % sounding frames gets its own active level.
        var quiet = new List<LevelSpan>();
        var loud = new List<LevelSpan>();
        const int block = 100;
        for (var start = first; start <= last; start += block)
        {
            var end = Math.Min(last + 1, start + block);
            double p = 0;
            var c = 0;
            for (var i = start; i < end; i++)
            {
                if (sounding[i])
                {
                    p += Math.Pow(10, db[i] / 10.0);
                    c++;
                }
            }
            if (c < 0.3 * block && c < 0.3 * (end - start))
            {
                continue;
            }
            var level = 10 * Math.Log10(p / c);
            if (level < o.QuietDbfs)
            {
                Extend(quiet, start * SpeechFrames.HopSeconds, end * SpeechFrames.HopSeconds, level);
            }
            else if (level > o.LoudDbfs)
            {
                Extend(loud, start * SpeechFrames.HopSeconds, end * SpeechFrames.HopSeconds, level);
            }
        }
        var clippedFraction = (double)clipped / Math.Max(1, samples.Length);
        return new VolumeMetrics(
            Math.Round(speechLevel, 2),
            Math.Round(overall, 2),
            Math.Round(20 * Math.Log10(peak + 1e-12), 2),
            Math.Round(range, 2),
            clippedFraction,
            speechLevel < o.QuietDbfs,
            speechLevel > o.LoudDbfs || clippedFraction > 0.001,
            quiet,
            loud);
    }

    private static void Extend(List<LevelSpan> spans, double start, double end, double level)
    {
        if (spans.Count > 0 && Math.Abs(spans[^1].EndSeconds - start) < 1e-9)
        {
            var last = spans[^1];
            var a = last.EndSeconds - last.StartSeconds;
            var b = end - start;
            spans[^1] = new LevelSpan(last.StartSeconds, end, Math.Round((last.LevelDbfs * a + level * b) / (a + b), 2));
            return;
        }
        spans.Add(new LevelSpan(start, end, Math.Round(level, 2)));
    }

    private static PitchMetrics Pitch(ReadOnlySpan<float> f0, bool[] sounding, int first, int last, SpeechAnalyzerOptions o)
    {
        Span<float> voiced = f0.Length <= 4096 ? stackalloc float[f0.Length] : new float[f0.Length];
        var count = 0;
        var soundingFrames = 0;
        for (var i = first; i <= last; i++)
        {
            if (!sounding[i])
            {
                continue;
            }
            soundingFrames++;
            if (f0[i] > 0)
            {
                voiced[count++] = f0[i];
            }
        }
        if (count < 10)
        {
            return new PitchMetrics(0, 0, false, (double)count / Math.Max(1, soundingFrames), 0, 0);
        }
        var median = Median(voiced[..count]);
        var variability = SemitoneSpread(voiced[..count], median);

        // Phrases: sounding runs; a rising ending is a final 200 ms of voiced F0 at least RisingEndingSemitones above
        // the median of the phrase before it.
        var phrases = 0;
        var rising = 0;
        for (var i = first; i <= last; i++)
        {
            if (!sounding[i])
            {
                continue;
            }
            var start = i;
            while (i <= last && sounding[i])
            {
                i++;
            }
            var end = i; // exclusive
            var phraseVoiced = 0;
            for (var j = start; j < end; j++)
            {
                if (f0[j] > 0)
                {
                    phraseVoiced++;
                }
            }
            if (phraseVoiced < 30)
            {
                continue;
            }
            phrases++;
            if (IsRising(f0[start..end], o.RisingEndingSemitones))
            {
                rising++;
            }
        }
        return new PitchMetrics(
            Math.Round(median, 1),
            Math.Round(variability, 2),
            variability < o.MonotoneSemitones,
            Math.Round((double)count / Math.Max(1, soundingFrames), 3),
            phrases,
            rising);
    }

    internal static bool IsRising(ReadOnlySpan<float> phrase, double semitones)
    {
        // The last 20 voiced frames (200 ms) against the voiced frames before them.
        Span<float> tail = stackalloc float[20];
        var t = 0;
        var cut = phrase.Length;
        for (var j = phrase.Length - 1; j >= 0 && t < tail.Length; j--)
        {
            if (phrase[j] > 0)
            {
                tail[t++] = phrase[j];
                cut = j;
            }
        }
        if (t < 10)
        {
            return false;
        }
        Span<float> body = phrase.Length <= 2048 ? stackalloc float[phrase.Length] : new float[phrase.Length];
        var b = 0;
        for (var j = 0; j < cut; j++)
        {
            if (phrase[j] > 0)
            {
                body[b++] = phrase[j];
            }
        }
        if (b < 10)
        {
            return false;
        }
        // The rise is judged on the upper half of the tail (the end of a question lands high).
        var upper = tail[..t];
        upper.Sort();
        var endPitch = upper[(int)(0.75 * (t - 1))];
        return 12 * Math.Log2(endPitch / Median(body[..b])) >= semitones;
    }

    internal static double SemitoneSpread(ReadOnlySpan<float> voiced, double median)
    {
        // Standard deviation in semitones, each value limited to ±12 st so a stray octave error cannot dominate.
        double sum = 0, sumSq = 0;
        foreach (var f in voiced)
        {
            var st = Math.Clamp(12 * Math.Log2(f / median), -12, 12);
            sum += st;
            sumSq += st * st;
        }
        var mean = sum / voiced.Length;
        return Math.Sqrt(Math.Max(0, sumSq / voiced.Length - mean * mean));
    }

    private static PauseMetrics PauseStats(List<Pause> pauses)
    {
        var histogram = new int[5];
        double total = 0, longest = 0;
        Span<float> lengths = stackalloc float[Math.Min(pauses.Count, 1024)];
        var k = 0;
        foreach (var p in pauses)
        {
            total += p.DurationSeconds;
            longest = Math.Max(longest, p.DurationSeconds);
            var bucket = p.DurationSeconds switch { < 0.6 => 0, < 1 => 1, < 2 => 2, < 3 => 3, _ => 4 };
            histogram[bucket]++;
            if (k < lengths.Length)
            {
                lengths[k++] = (float)p.DurationSeconds;
            }
        }
        return new PauseMetrics(
            pauses.Count,
            Math.Round(total, 2),
            pauses.Count == 0 ? 0 : Math.Round(total / pauses.Count, 3),
            k == 0 ? 0 : Math.Round(Median(lengths[..k]), 3),
            Math.Round(longest, 2),
            histogram,
            pauses);
    }

    private static List<TimelinePoint> Timeline(ReadOnlySpan<float> db, ReadOnlySpan<float> f0, bool[] sounding, List<double> syllables, double duration)
    {
        var points = new List<TimelinePoint>((int)duration + 1);
        Span<float> pitches = stackalloc float[100];
        var s = 0;
        for (var second = 0; second * 100 < db.Length; second++)
        {
            double p = 0;
            int c = 0, v = 0;
            for (var i = second * 100; i < Math.Min(db.Length, (second + 1) * 100); i++)
            {
                if (!sounding[i])
                {
                    continue;
                }
                p += Math.Pow(10, db[i] / 10.0);
                c++;
                if (f0[i] > 0)
                {
                    pitches[v++] = f0[i];
                }
            }
            var syl = 0;
            while (s < syllables.Count && syllables[s] < second + 1)
            {
                syl++;
                s++;
            }
            points.Add(new TimelinePoint(
                second,
                c == 0 ? null : Math.Round(10 * Math.Log10(p / c), 1),
                syl,
                v < 5 ? null : Math.Round(Median(pitches[..v]), 1)));
        }
        return points;
    }

    private static SpeechAnalysis Silent(double duration, ReadOnlySpan<float> samples)
    {
        double total = 0;
        foreach (var s in samples)
        {
            total += s * s;
        }
        var overall = Math.Round(10 * Math.Log10(total / Math.Max(1, samples.Length) + 1e-12), 2);
        return new SpeechAnalysis(
            duration, 0, 0,
            new PaceMetrics(0, 0, 0),
            new VolumeMetrics(overall, overall, overall, 0, 0, true, false, [], []),
            new PauseMetrics(0, 0, 0, 0, 0, new int[5], []),
            new PitchMetrics(0, 0, false, 0, 0, 0),
            [],
            []);
    }

    private static void RemoveShortRuns(bool[] flags, bool value, int maxLength, bool keepEdges)
    {
        var i = 0;
        while (i < flags.Length)
        {
            if (flags[i] != value)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < flags.Length && flags[i] == value)
            {
                i++;
            }
            var atEdge = start == 0 || i == flags.Length;
            if (i - start <= maxLength && !(keepEdges && atEdge))
            {
                Array.Fill(flags, !value, start, i - start);
            }
        }
    }

    /// <summary>Percentile of dB values by a 0.1 dB histogram over −140..+10 dB: O(n), no sort, no allocation.</summary>
    internal static double Percentile(ReadOnlySpan<float> values, double q)
    {
        if (values.IsEmpty)
        {
            return double.NegativeInfinity;
        }
        const int bins = 1500;
        Span<int> histogram = stackalloc int[bins];
        histogram.Clear();
        foreach (var v in values)
        {
            histogram[Math.Clamp((int)((v + 140f) * 10f), 0, bins - 1)]++;
        }
        var target = (int)Math.Ceiling(q * values.Length);
        var seen = 0;
        for (var b = 0; b < bins; b++)
        {
            seen += histogram[b];
            if (seen >= target)
            {
                return b / 10.0 - 140 + 0.05;
            }
        }
        return 10;
    }

    internal static double Median(Span<float> values)
    {
        values.Sort();
        var m = values.Length / 2;
        return values.Length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2.0;
    }
}
