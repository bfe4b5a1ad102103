namespace Pitlane.Speech;

public enum FeedbackKind { TooFast, TooSlow, TooQuiet, TooLoud, LongPause, FillerStreak, Monotone, SteadyDelivery }

public enum FeedbackType { Suggestion, Correction, Praise }

public enum FeedbackSeverity { Info, Warning, Critical }

/// <summary>A live coaching event at <see cref="AtSeconds"/> of the audio fed so far.</summary>
public sealed record LiveFeedback(FeedbackKind Kind, FeedbackType Type, FeedbackSeverity Severity, double AtSeconds, string Message, double? Value);

public sealed record LiveFeedbackOptions
{
    public static readonly LiveFeedbackOptions Default = new();

    /// <summary>Rolling window the rate, level and pitch are judged over.</summary>
    public double WindowSeconds { get; init; } = 8;
    public double FastArticulation { get; init; } = 6.0;
    public double SlowArticulation { get; init; } = 2.8;
    public double QuietDbfs { get; init; } = -28;
    public double LoudDbfs { get; init; } = -8;
    public double LongPauseSeconds { get; init; } = 3;
    public int FillerStreakCount { get; init; } = 3;
    public double FillerStreakSeconds { get; init; } = 20;
    public double MonotoneSemitones { get; init; } = 2.0;
    /// <summary>The same kind of event is not repeated within this time.</summary>
    public double CooldownSeconds { get; init; } = 10;
    /// <summary>Speaking this long without a correction earns a word of praise.</summary>
    public double PraiseAfterSeconds { get; init; } = 30;
}

/// <summary>
/// Incremental analysis for feedback while someone speaks: feed 16 kHz mono chunks of any size, get events back
/// within one 10 ms frame of the audio that triggers them (plus the judging window). The same frame extractor and
/// nucleus rule as <see cref="SpeechAnalyzer"/>, made causal: the silence threshold follows a running 99th percentile,
/// nuclei are confirmed when the intensity has dipped 2 dB after them. No allocation per frame; a list only when an
/// event is produced.
/// </summary>
public sealed class LiveSpeechAnalyzer
{
    private const int Bins = 300; // 0.5 dB bins over -140..+10 dBFS
    private static readonly IReadOnlyList<LiveFeedback> None = [];

    private readonly LiveFeedbackOptions _o;
    private readonly SpeechFrames _frames = new();
    private readonly int[] _histogram = new int[Bins];
    private readonly int _window;
    private readonly bool[] _ringSounding;
    private readonly float[] _ringPower;
    private readonly float[] _ringF0;
    private readonly float[] _scratch;
    private readonly Queue<double> _syllables = new();
    private readonly Queue<double> _fillers = new();
    private readonly double[] _lastEvent = new double[Enum.GetValues<FeedbackKind>().Length];
    private readonly float[] _recentDb = new float[5];
    private readonly float[] _recentF0 = new float[6];
    private List<LiveFeedback>? _pending;

    private long _frame;
    private float _threshold = -50f;
    private int _soundingInWindow;
    private double _powerInWindow;
    private int _silentRun;
    private bool _started;
    private bool _pauseReported;
    private float _s1 = float.NegativeInfinity, _s2 = float.NegativeInfinity;
    private float _candidate = float.NaN;
    private double _candidateAt;
    private bool _candidateVoiced;
    private float _minSinceCandidate = float.PositiveInfinity;
    private double _lastCorrectionAt;
    private double _lastPraiseAt;
    private double _soundingSince;

    public LiveSpeechAnalyzer(LiveFeedbackOptions? options = null)
    {
        _o = options ?? LiveFeedbackOptions.Default;
        _window = (int)(_o.WindowSeconds / SpeechFrames.HopSeconds);
        _ringSounding = new bool[_window];
        _ringPower = new float[_window];
        _ringF0 = new float[_window];
        _scratch = new float[_window];
        Array.Fill(_lastEvent, double.NegativeInfinity);
    }

    /// <summary>Seconds of audio analysed so far.</summary>
    public double ElapsedSeconds => _frame * SpeechFrames.HopSeconds;

    /// <summary>Syllable nuclei confirmed so far.</summary>
    public int Syllables { get; private set; }

    public IReadOnlyList<LiveFeedback> Feed(ReadOnlySpan<float> samples)
    {
        var sink = new Sink(this);
        _frames.Feed(samples, ref sink);
        return TakePending();
    }

    /// <summary>Raw signed 16-bit little-endian mono (ffmpeg <c>-f s16le</c>), any length; an odd trailing byte is ignored.</summary>
    public IReadOnlyList<LiveFeedback> FeedS16Le(ReadOnlySpan<byte> pcm)
    {
        Span<float> buffer = stackalloc float[1024];
        List<LiveFeedback>? all = null;
        while (pcm.Length >= 2)
        {
            var n = Math.Min(buffer.Length, pcm.Length / 2);
            WavReader.S16LeToFloat(pcm[..(2 * n)], buffer);
            var events = Feed(buffer[..n]);
            if (events.Count > 0)
            {
                (all ??= []).AddRange(events);
            }
            pcm = pcm[(2 * n)..];
        }
        return all ?? None;
    }

    /// <summary>Words from a streaming transcript with the time they were spoken; fillers feed the filler streak.</summary>
    public IReadOnlyList<LiveFeedback> AddWords(IEnumerable<(string Word, double AtSeconds)> words)
    {
        foreach (var (word, at) in words)
        {
            if (!TranscriptAnalyzer.IsFillerWord(word))
            {
                continue;
            }
            _fillers.Enqueue(at);
            while (_fillers.Count > 0 && _fillers.Peek() < at - _o.FillerStreakSeconds)
            {
                _fillers.Dequeue();
            }
            if (_fillers.Count >= _o.FillerStreakCount)
            {
                Emit(FeedbackKind.FillerStreak, FeedbackType.Correction, FeedbackSeverity.Warning, at,
                    $"{_fillers.Count} fillers in {_o.FillerStreakSeconds:0} seconds: pause silently instead of saying \"um\".", _fillers.Count);
                _fillers.Clear();
            }
        }
        return TakePending();
    }

    private IReadOnlyList<LiveFeedback> TakePending()
    {
        if (_pending is null)
        {
            return None;
        }
        var result = _pending;
        _pending = null;
        return result;
    }

    private readonly struct Sink(LiveSpeechAnalyzer owner) : IFrameSink
    {
        public void OnFrame(in SpeechFrame frame) => owner.OnFrame(frame);
    }

    private void OnFrame(in SpeechFrame f)
    {
        if (f.TimeSeconds < 0)
        {
            return;
        }
        var t = f.TimeSeconds;
        var slot = (int)(_frame % _window);
        _frame++;

        _histogram[Math.Clamp((int)((f.IntensityDb + 140f) * 2f), 0, Bins - 1)]++;
        if (_frame % 25 == 0 && _frame >= 50)
        {
            _threshold = (float)Math.Max(Percentile99() - 25, -60);
        }
        var sounding = f.IntensityDb >= _threshold;

        // Rolling window: drop the slot's old frame, add this one.
        if (_ringSounding[slot])
        {
            _soundingInWindow--;
            _powerInWindow -= _ringPower[slot];
        }
        var power = MathF.Pow(10f, f.IntensityDb / 10f);
        _ringSounding[slot] = sounding;
        _ringPower[slot] = sounding ? power : 0f;
        _ringF0[slot] = sounding ? f.F0Hz : 0f;
        if (sounding)
        {
            _soundingInWindow++;
            _powerInWindow += power;
        }
        if (_powerInWindow < 0)
        {
            _powerInWindow = 0;
        }

        Nuclei(f, t, sounding);
        Pauses(t, sounding);
        if (_frame % 50 == 0)
        {
            Judge(t);
        }
    }

    private void Nuclei(in SpeechFrame f, double t, bool sounding)
    {
        // Trailing 50 ms power average (the batch analyser's ±20 ms smoothing, made causal: 20 ms later).
        _recentDb[(int)(_frame % _recentDb.Length)] = f.IntensityDb;
        _recentF0[(int)(_frame % _recentF0.Length)] = f.F0Hz;
        double p = 0;
        foreach (var d in _recentDb)
        {
            p += Math.Pow(10, d / 10.0);
        }
        var s = (float)(10 * Math.Log10(p / _recentDb.Length + 1e-14));

        _minSinceCandidate = MathF.Min(_minSinceCandidate, s);
        var peakAt = t - SpeechFrames.HopSeconds;
        if (_s1 > _s2 && _s1 >= s && _s1 >= _threshold)
        {
            Confirm();
            _candidate = _s1;
            _candidateAt = peakAt - 0.02;
            _candidateVoiced = Array.Exists(_recentF0, v => v > 0);
            _minSinceCandidate = s;
        }
        if (!sounding)
        {
            Confirm();
        }
        _s2 = _s1;
        _s1 = s;
    }

    private void Confirm()
    {
        if (!float.IsNaN(_candidate) && _candidate - _minSinceCandidate > 2f && _candidateVoiced)
        {
            Syllables++;
            _syllables.Enqueue(_candidateAt);
            _candidate = float.NaN;
        }
    }

    private void Pauses(double t, bool sounding)
    {
        if (sounding)
        {
            if (!_started)
            {
                _soundingSince = t;
                _lastCorrectionAt = t;
                _lastPraiseAt = t;
            }
            _started = true;
            _silentRun = 0;
            _pauseReported = false;
            return;
        }
        _silentRun++;
        var pause = _silentRun * SpeechFrames.HopSeconds;
        if (_started && !_pauseReported && pause >= _o.LongPauseSeconds)
        {
            _pauseReported = true;
            Emit(FeedbackKind.LongPause, FeedbackType.Suggestion, FeedbackSeverity.Info, t,
                $"Pause of {pause:0} seconds: a short pause is good, a long one loses the customer.", Math.Round(pause, 1));
        }
    }

    private void Judge(double t)
    {
        var windowStart = t - _o.WindowSeconds;
        while (_syllables.Count > 0 && _syllables.Peek() < windowStart)
        {
            _syllables.Dequeue();
        }
        var soundingSeconds = _soundingInWindow * SpeechFrames.HopSeconds;
        var windowFull = _frame >= _window;
        if (soundingSeconds < 2)
        {
            return;
        }

        var level = 10 * Math.Log10(_powerInWindow / _soundingInWindow + 1e-14);
        var levelOk = true;
        if (level < _o.QuietDbfs)
        {
            levelOk = false;
            Emit(FeedbackKind.TooQuiet, FeedbackType.Correction, level < _o.QuietDbfs - 10 ? FeedbackSeverity.Critical : FeedbackSeverity.Warning, t,
                "Speak up: your voice is too quiet for the customer to follow.", Math.Round(level, 1));
        }
        else if (level > _o.LoudDbfs)
        {
            levelOk = false;
            Emit(FeedbackKind.TooLoud, FeedbackType.Correction, FeedbackSeverity.Warning, t,
                "A little softer: your voice is very loud or the microphone is too close.", Math.Round(level, 1));
        }

        var rateOk = true;
        if (soundingSeconds >= 4 && (windowFull || soundingSeconds >= 5))
        {
            var rate = _syllables.Count / soundingSeconds;
            if (rate > _o.FastArticulation)
            {
                rateOk = false;
                Emit(FeedbackKind.TooFast, FeedbackType.Correction, rate > _o.FastArticulation + 1.5 ? FeedbackSeverity.Critical : FeedbackSeverity.Warning, t,
                    "Slow down: you are speaking faster than a customer can take in.", Math.Round(rate, 2));
            }
            else if (rate < _o.SlowArticulation)
            {
                rateOk = false;
                Emit(FeedbackKind.TooSlow, FeedbackType.Suggestion, FeedbackSeverity.Info, t,
                    "Pick up the pace a little to keep the customer's attention.", Math.Round(rate, 2));
            }
        }

        var voiced = 0;
        for (var i = 0; i < _window; i++)
        {
            if (_ringF0[i] > 0)
            {
                _scratch[voiced++] = _ringF0[i];
            }
        }
        if (voiced >= 300)
        {
            var median = SpeechAnalyzer.Median(_scratch.AsSpan(0, voiced));
            var spread = SpeechAnalyzer.SemitoneSpread(_scratch.AsSpan(0, voiced), median);
            if (spread < _o.MonotoneSemitones)
            {
                Emit(FeedbackKind.Monotone, FeedbackType.Suggestion, FeedbackSeverity.Info, t,
                    "Vary your tone: lift your voice on the benefits that matter to this customer.", Math.Round(spread, 2));
            }
        }

        if (levelOk && rateOk && t - _lastCorrectionAt >= _o.PraiseAfterSeconds && t - _lastPraiseAt >= _o.PraiseAfterSeconds && t - _soundingSince >= _o.PraiseAfterSeconds)
        {
            _lastPraiseAt = t;
            Emit(FeedbackKind.SteadyDelivery, FeedbackType.Praise, FeedbackSeverity.Info, t, "Good steady pace and volume: keep it up.", null);
        }
    }

    private void Emit(FeedbackKind kind, FeedbackType type, FeedbackSeverity severity, double at, string message, double? value)
    {
        var k = (int)kind;
        if (at - _lastEvent[k] < _o.CooldownSeconds)
        {
            return;
        }
        _lastEvent[k] = at;
        if (type == FeedbackType.Correction)
        {
            _lastCorrectionAt = at;
        }
        (_pending ??= []).Add(new LiveFeedback(kind, type, severity, Math.Round(at, 2), message, value));
    }

    private double Percentile99()
    {
        long total = 0;
        foreach (var c in _histogram)
        {
            total += c;
        }
        var target = (long)Math.Ceiling(0.99 * total);
        long seen = 0;
        for (var b = 0; b < Bins; b++)
        {
            seen += _histogram[b];
            if (seen >= target)
            {
                return b / 2.0 - 140 + 0.25;
            }
        }
        return 10;
    }
}
