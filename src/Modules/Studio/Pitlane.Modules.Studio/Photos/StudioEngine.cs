using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Pitlane.Imaging;

namespace Pitlane.Modules.Studio;

/// <summary>
/// This instance's background remover: one ONNX session, loaded on first use, inference one photo at a time (the
/// model already uses every core; two at once only thrash the cache).
/// </summary>
public sealed class StudioEngine(IOptions<StudioOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _load = new();
    private Segmenter? _segmenter;

    public string ModelPath => string.IsNullOrWhiteSpace(options.Value.ModelPath) ? StudioModelLocation.Default : options.Value.ModelPath;

    public bool ModelAvailable => File.Exists(ModelPath);

    private Segmenter Segmenter
    {
        get
        {
            lock (_load)
            {
                return _segmenter ??= new Segmenter(ModelPath, options.Value.InferenceThreads);
            }
        }
    }

    /// <summary>Runs the stages off the request thread and reports each one (percent, words) as it starts.</summary>
    public async Task<Cutout> RemoveAsync(byte[] bytes, Func<int, string, Task> report, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var watch = Stopwatch.StartNew();
            await report(10, "Reading the photo");
            var photo = await Task.Run(() => SafeDecoder.Decode(bytes), ct);
            var decode = watch.Elapsed;
            await report(20, "Finding the car");
            watch.Restart();
            var segmenter = Segmenter;
            var coarse = await Task.Run(() => segmenter.Predict(photo), ct);
            var infer = watch.Elapsed;
            await report(75, "Refining the edges");
            watch.Restart();
            var alpha = await Task.Run(() =>
            {
                MaskCleanup.Apply(coarse, segmenter.Side, photo);
                return BackgroundRemover.Refine(photo, coarse, segmenter.Side);
            }, ct);
            var refine = watch.Elapsed;
            await report(90, "Saving the cut-out");
            watch.Restart();
            var (png, mask) = await Task.Run(() => (Backdrops.EncodeCutout(photo, alpha), MaskCodec.Encode(alpha, photo.Width, photo.Height)), ct);
            return new Cutout(photo, alpha, png, mask, new StageTimings(decode, infer, refine, watch.Elapsed));
        }
        finally
        {
            _gate.Release();
        }
    }

    public static string Describe(StageTimings t) => string.Create(CultureInfo.InvariantCulture,
        $"decode {t.Decode.TotalMilliseconds:F0} ms, infer {t.Infer.TotalMilliseconds:F0} ms, refine {t.Refine.TotalMilliseconds:F0} ms, encode {t.Encode.TotalMilliseconds:F0} ms");

    public void Dispose()
    {
        _segmenter?.Dispose();
        _gate.Dispose();
    }
}
