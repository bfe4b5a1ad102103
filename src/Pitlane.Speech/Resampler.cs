namespace Pitlane.Speech;

/// <summary>
/// Band-limited resampling to the engine's 16 kHz: a Blackman-windowed sinc interpolator whose cut-off follows the
/// lower of the two Nyquist frequencies, so down-sampling does not alias. Used for WAV uploads; the web host decodes
/// compressed audio with ffmpeg, which resamples itself.
/// </summary>
public static class Resampler
{
    private const int HalfTaps = 16;

    public static float[] To16k(PcmAudio audio) => Resample(audio.Samples, audio.SampleRate, SpeechFrames.SampleRate);

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        if (fromRate == toRate)
        {
            return input.ToArray();
        }
        var ratio = (double)fromRate / toRate;
        var cutoff = Math.Min(1.0, 1.0 / ratio) * 0.95;
        var outLength = (int)((long)input.Length * toRate / fromRate);
        var output = new float[outLength];
        var half = (int)Math.Ceiling(HalfTaps / cutoff);
        for (var i = 0; i < outLength; i++)
        {
            var t = i * ratio;
            var centre = (int)t;
            double sum = 0, weight = 0;
            for (var k = centre - half + 1; k <= centre + half; k++)
            {
                var x = t - k;
                var w = Kernel(x * cutoff) * Blackman(x / (half + 1));
                if ((uint)k < (uint)input.Length)
                {
                    sum += input[k] * w;
                }
                weight += w;
            }
            output[i] = weight == 0 ? 0f : (float)(sum / weight);
        }
        return output;
    }

    private static double Kernel(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double Blackman(double x)
    {
        // x in [-1, 1]
        var a = Math.PI * (x + 1);
        return Math.Abs(x) >= 1 ? 0 : 0.42 - 0.5 * Math.Cos(a) + 0.08 * Math.Cos(2 * a);
    }
}
