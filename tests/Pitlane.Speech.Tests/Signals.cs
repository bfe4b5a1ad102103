namespace Pitlane.Speech.Tests;

/// <summary>Synthetic voiced signals with a known F0 (a harmonic series, amplitude-modulated like syllables).</summary>
public static class Signals
{
    public static float[] Voice(double seconds, Func<double, double> f0At, double amplitude = 0.2, double syllablesPerSecond = 4)
    {
        var n = (int)(seconds * 16000);
        var x = new float[n];
        double phase = 0;
        for (var i = 0; i < n; i++)
        {
            var t = i / 16000.0;
            phase += 2 * Math.PI * f0At(t) / 16000;
            double v = 0;
            for (var h = 1; h <= 8; h++)
            {
                v += Math.Sin(h * phase) / h;
            }
            var envelope = 0.55 - 0.45 * Math.Cos(2 * Math.PI * syllablesPerSecond * t);
            x[i] = (float)(amplitude * 0.5 * v * envelope);
        }
        return x;
    }

    public static float[] Concat(params float[][] parts)
    {
        var result = new float[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, at);
            at += p.Length;
        }
        return result;
    }

    public static float[] Silence(double seconds) => new float[(int)(seconds * 16000)];
}
