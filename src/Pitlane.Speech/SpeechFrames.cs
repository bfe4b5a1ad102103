using System.Numerics;
using System.Runtime.InteropServices;

namespace Pitlane.Speech;

/// <summary>One 10 ms analysis frame: intensity and fundamental frequency at <see cref="TimeSeconds"/>.</summary>
public readonly record struct SpeechFrame(double TimeSeconds, float IntensityDb, float F0Hz, float Periodicity)
{
    public bool Voiced => F0Hz > 0;
}

/// <summary>
/// Streaming frame extractor over 16 kHz mono samples: every 10 ms it yields the intensity of the last 40 ms
/// (Hann-weighted mean square, in dBFS) and a YIN pitch estimate (de Cheveigné &amp; Kawahara 2002: difference
/// function, cumulative-mean normalisation, absolute threshold, parabolic interpolation) on a 4:1 decimated copy
/// (4 kHz keeps the harmonics below 2 kHz that carry 75-400 Hz speech F0, and cuts the lag search sixteenfold).
/// No allocation after construction.
/// </summary>
public sealed class SpeechFrames
{
    public const int SampleRate = 16_000;
    public const int Hop = 160;                 // 10 ms
    public const double HopSeconds = 0.010;
    private const int Window = 640;             // 40 ms intensity window
    private const int Factor = 4;
    private const int DecimatedRate = SampleRate / Factor;
    private const int YinWindow = 128;          // 32 ms at 4 kHz
    private const int MinLag = DecimatedRate / 400;   // 400 Hz
    private const int MaxLag = DecimatedRate / 75;    // 75 Hz
    private const int DecimatedHistory = YinWindow + MaxLag + 1;
    private const float YinThreshold = 0.15f;
    private const float VoicedLimit = 0.35f;
    /// <summary>Frames quieter than this are not searched for pitch (saves the YIN cost on silence).</summary>
    private const float PitchFloorDb = -55f;

    // 63-tap low-pass (Hamming-windowed sinc, cut-off 1.6 kHz at 16 kHz) before keeping every 4th sample.
    private static readonly float[] Fir = BuildFir(63, 1600.0 / SampleRate);
    private static readonly float[] Hann = BuildHann(Window);
    private static readonly float HannSum = Hann.Sum();
    private static readonly float[] Zeros = new float[Window / 2 + Hop];

    private readonly float[] _history = new float[Window + Hop];
    private readonly float[] _decimated = new float[DecimatedHistory + Hop / Factor];
    private readonly float[] _diff = new float[MaxLag + 1];
    private int _pending;
    private long _frameIndex;

    /// <summary>Frames produced so far.</summary>
    public long FrameCount => _frameIndex;

    /// <summary>
    /// Feeds samples; <paramref name="onFrame"/> runs once per completed 10 ms frame. The frame time is the centre
    /// of its 40 ms window, so the first frame sits at -10 ms (the window is still half empty).
    /// </summary>
    public void Feed<TSink>(ReadOnlySpan<float> samples, ref TSink sink) where TSink : IFrameSink
    {
        while (!samples.IsEmpty)
        {
            var take = Math.Min(Hop - _pending, samples.Length);
            samples[..take].CopyTo(_history.AsSpan(Window + _pending));
            _pending += take;
            samples = samples[take..];
            if (_pending == Hop)
            {
                sink.OnFrame(Compute());
                _history.AsSpan(Hop).CopyTo(_history);
                _pending = 0;
            }
        }
    }

    /// <summary>Feeds 20 ms of silence so the last real samples reach the centre of a window.</summary>
    public void Flush<TSink>(ref TSink sink) where TSink : IFrameSink
    {
        Feed(Zeros.AsSpan(0, Window / 2 + Hop - _pending), ref sink);
    }

    private SpeechFrame Compute()
    {
        var time = (_frameIndex + 1) * HopSeconds - (double)Window / 2 / SampleRate;
        _frameIndex++;

        var frame = _history.AsSpan(Hop, Window);
        var energy = WeightedEnergy(Hann, frame);
        var db = 10f * MathF.Log10(energy / HannSum + 1e-12f);

        Decimate();
        if (db < PitchFloorDb)
        {
            return new SpeechFrame(time, db, 0f, 0f);
        }
        var (f0, periodicity) = Yin(_decimated.AsSpan(_decimated.Length - DecimatedHistory));
        return new SpeechFrame(time, db, f0, periodicity);
    }

    private void Decimate()
    {
        // Shift the decimated history left by the 80 samples this hop adds, then filter the new 16 kHz hop.
        var add = Hop / Factor;
        _decimated.AsSpan(add).CopyTo(_decimated);
        var src = _history.AsSpan();
        var start = _decimated.Length - add;
        for (var k = 0; k < add; k++)
        {
            // New hop occupies _history[Window .. Window+Hop); the filter ends on sample Window + 4k, so every tap
            // reads existing history (a fixed 31-sample, 2 ms delay the frame time ignores). The taps are symmetric,
            // so the convolution is a plain dot product.
            _decimated[start + k] = Dot(Fir, src.Slice(Window + Factor * k - Fir.Length + 1, Fir.Length));
        }
    }

    private (float F0, float Periodicity) Yin(ReadOnlySpan<float> x)
    {
        // d(tau) = sum_j (x_j - x_{j+tau})^2 = E(0) + E(tau) - 2 r(tau), with E the window energies kept as
        // running sums and r computed by a SIMD dot product: O(W) per lag without per-frame allocation.
        var d = _diff.AsSpan();
        var w0 = x[..YinWindow];
        var e0 = Dot(w0, w0);
        var eTau = e0;
        d[0] = 0;
        var running = 0f;
        var bestTau = -1;
        for (var tau = 1; tau <= MaxLag; tau++)
        {
            eTau += x[tau + YinWindow - 1] * x[tau + YinWindow - 1] - x[tau - 1] * x[tau - 1];
            var v = MathF.Max(0f, e0 + eTau - 2f * Dot(w0, x.Slice(tau, YinWindow)));
            running += v;
            d[tau] = running > 0 ? v * tau / running : 1f;
        }
        for (var tau = MinLag; tau <= MaxLag; tau++)
        {
            if (d[tau] < YinThreshold)
            {
                while (tau + 1 <= MaxLag && d[tau + 1] < d[tau])
                {
                    tau++;
                }
                bestTau = tau;
                break;
            }
        }
        if (bestTau < 0)
        {
            bestTau = MinLag;
            for (var tau = MinLag + 1; tau <= MaxLag; tau++)
            {
                if (d[tau] < d[bestTau])
                {
                    bestTau = tau;
                }
            }
            if (d[bestTau] >= VoicedLimit)
            {
                return (0f, 1f - MathF.Min(1f, d[bestTau]));
            }
        }
        var refined = (float)bestTau;
        if (bestTau > MinLag && bestTau < MaxLag)
        {
            var a = d[bestTau - 1];
            var b = d[bestTau];
            var c = d[bestTau + 1];
            var denominator = a - 2 * b + c;
            if (denominator > 1e-9f)
            {
                refined += 0.5f * (a - c) / denominator;
            }
        }
        return (DecimatedRate / refined, 1f - d[bestTau]);
    }

    private static float WeightedEnergy(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        var sum = Vector<float>.Zero;
        var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        for (var i = 0; i < vw.Length; i++)
        {
            sum += vw[i] * vx[i] * vx[i];
        }
        var result = Vector.Sum(sum);
        for (var i = vw.Length * Vector<float>.Count; i < w.Length; i++)
        {
            result += w[i] * x[i] * x[i];
        }
        return result;
    }

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (var i = 0; i < va.Length; i++)
        {
            sum += va[i] * vb[i];
        }
        var result = Vector.Sum(sum);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }
        return result;
    }

    private static float[] BuildFir(int taps, double cutoff)
    {
        var h = new float[taps];
        var m = taps / 2;
        double sum = 0;
        for (var i = 0; i < taps; i++)
        {
            var n = i - m;
            var sinc = n == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
            var w = 0.54 - 0.46 * Math.Cos(2 * Math.PI * i / (taps - 1));
            h[i] = (float)(sinc * w);
            sum += h[i];
        }
        for (var i = 0; i < taps; i++)
        {
            h[i] = (float)(h[i] / sum);
        }
        return h;
    }

    private static float[] BuildHann(int n)
    {
        var w = new float[n];
        for (var i = 0; i < n; i++)
        {
            w[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / n));
        }
        return w;
    }
}

/// <summary>Receives frames from <see cref="SpeechFrames"/> (a struct sink keeps the hot loop free of delegates).</summary>
public interface IFrameSink
{
    void OnFrame(in SpeechFrame frame);
}
