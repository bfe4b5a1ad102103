using System.Diagnostics;
using SkiaSharp;

namespace Pitlane.Imaging;

/// <summary>Where the time of one photo went: the split the benchmark reports.</summary>
public sealed record StageTimings(TimeSpan Decode, TimeSpan Infer, TimeSpan Refine, TimeSpan Encode)
{
    public TimeSpan Total => Decode + Infer + Refine + Encode;
}

/// <summary>The photo, its alpha matte (one byte a pixel, 255 = car) and the encoded results.</summary>
public sealed record Cutout(RgbaImage Photo, byte[] Alpha, byte[] CutoutPng, byte[] MaskPng, StageTimings Timings);

/// <summary>Decode → ISNet → guided-filter refinement → PNG with alpha, plus the mask kept for re-compositing.</summary>
public sealed class BackgroundRemover(Segmenter segmenter)
{
    /// <summary>Reports progress in [0, 1] at each stage so a job can show it live.</summary>
    public Cutout Remove(ReadOnlySpan<byte> bytes, ImageLimits? limits = null, IProgress<double>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var photo = SafeDecoder.Decode(bytes, limits);
        var decode = watch.Elapsed;
        progress?.Report(0.15);

        watch.Restart();
        var coarse = segmenter.Predict(photo);
        var infer = watch.Elapsed;
        progress?.Report(0.7);

        watch.Restart();
        MaskCleanup.Apply(coarse, segmenter.Side, photo);
        var alpha = Refine(photo, coarse, segmenter.Side);
        var refine = watch.Elapsed;
        progress?.Report(0.85);

        watch.Restart();
        var cutoutPng = Backdrops.EncodeCutout(photo, alpha);
        var maskPng = MaskCodec.Encode(alpha, photo.Width, photo.Height);
        var encode = watch.Elapsed;
        progress?.Report(1.0);
        return new Cutout(photo, alpha, cutoutPng, maskPng, new StageTimings(decode, infer, refine, encode));
    }

    /// <summary>Upsamples the model's map to the photo and runs the guided filter with the photo's luminance as guide.</summary>
    public static byte[] Refine(RgbaImage photo, float[] coarse, int side)
    {
        var w = photo.Width;
        var h = photo.Height;
        var up = Upsample(coarse, side, w, h);
        var guide = new float[w * h];
        var px = photo.Pixels;
        for (var i = 0; i < guide.Length; i++)
        {
            // ITU-R BT.601 luma.
            guide[i] = ((0.299f * px[i * 4]) + (0.587f * px[(i * 4) + 1]) + (0.114f * px[(i * 4) + 2])) / 255f;
        }

        // Radius about 1/300 of the long side: wide enough to cover the model's upsampling blur (1024 → photo),
        // small enough to keep a 3-pixel antenna; ε 1e-3 lets edges of contrast ≳ 0.03 through.
        var radius = Math.Max(2, Math.Max(w, h) / 300);
        var refined = GuidedFilter.Apply(guide, up, w, h, radius, 1e-3f);
        // The filter works only in a band of 2r around the object's outline (where the box mean of the thresholded
        // mask is neither 0 nor 1): inside and outside it the model's answer stands, so a guide with strong texture
        // (a circuit board, a grille) is not copied into the matte far from any edge.
        var inside = new float[w * h];
        for (var i = 0; i < inside.Length; i++)
        {
            inside[i] = up[i] >= 0.5f ? 1f : 0f;
        }

        var band = GuidedFilter.BoxMean(inside, w, h, radius * 2);
        var alpha = new byte[w * h];
        for (var i = 0; i < alpha.Length; i++)
        {
            var v = band[i] is > 0.001f and < 0.999f ? refined[i] : up[i];
            alpha[i] = (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
        }

        return alpha;
    }

    private static float[] Upsample(float[] map, int side, int w, int h)
    {
        using var small = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        var span = small.GetPixelSpan();
        for (var i = 0; i < map.Length; i++)
        {
            span[i] = (byte)Math.Clamp((int)MathF.Round(map[i] * 255f), 0, 255);
        }

        using var big = small.Resize(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKCubicResampler.Mitchell));
        var bigSpan = big.GetPixelSpan();
        var result = new float[w * h];
        var rowBytes = big.RowBytes;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                result[(y * w) + x] = bigSpan[(y * rowBytes) + x] / 255f;
            }
        }

        return result;
    }
}

/// <summary>The alpha matte as an 8-bit greyscale PNG: what the studio stores to re-composite without re-segmenting.</summary>
public static class MaskCodec
{
    public static byte[] Encode(byte[] alpha, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var span = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < height; y++)
        {
            alpha.AsSpan(y * width, width).CopyTo(span.Slice(y * rowBytes, width));
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Decode(ReadOnlySpan<byte> png, int width, int height)
    {
        using var data = SKData.CreateCopy(png);
        using var codec = SKCodec.Create(data) ?? throw new ImageRejectedException("The stored mask is not a PNG.");
        if (codec.Info.Width != width || codec.Info.Height != height)
        {
            throw new ImageRejectedException("The stored mask does not match the photo's size.");
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        if (codec.GetPixels(bitmap.Info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            throw new ImageRejectedException("The stored mask could not be decoded.");
        }

        var span = bitmap.GetPixelSpan();
        var alpha = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            span.Slice(y * bitmap.RowBytes, width).CopyTo(alpha.AsSpan(y * width, width));
        }

        return alpha;
    }
}
