using SkiaSharp;

namespace Pitlane.Imaging;

/// <summary>Outside bytes that are not an image this engine will decode. The message is written for a person.</summary>
public sealed class ImageRejectedException(string message) : Exception(message);

/// <summary>Limits checked before any pixel is decoded, so a small file that claims huge dimensions (a decompression bomb) costs nothing.</summary>
public sealed record ImageLimits(long MaxBytes = 40 * 1024 * 1024, int MaxSide = 12_000, long MaxPixels = 50_000_000)
{
    public static ImageLimits Default { get; } = new();
}

/// <summary>An RGBA image in memory, premultiplication undone (straight alpha), row-major, 4 bytes a pixel.</summary>
public sealed class RgbaImage
{
    public RgbaImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != checked(width * height * 4))
        {
            throw new ArgumentException("pixel buffer does not match the dimensions", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    internal SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(Pixels, 0, bitmap.GetPixels(), Pixels.Length);
        return bitmap;
    }

    internal static RgbaImage FromBitmap(SKBitmap source)
    {
        using var converted = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!source.CopyTo(converted, SKColorType.Rgba8888))
        {
            using var canvas = new SKCanvas(converted);
            using var image = SKImage.FromBitmap(source);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }

        var pixels = new byte[source.Width * source.Height * 4];
        System.Runtime.InteropServices.Marshal.Copy(converted.GetPixels(), pixels, 0, pixels.Length);
        return new RgbaImage(source.Width, source.Height, pixels);
    }
}

/// <summary>Decodes JPEG, PNG and WebP with Skia after checking size and header dimensions; everything else is rejected.</summary>
public static class SafeDecoder
{
    private static readonly SKEncodedImageFormat[] Accepted = [SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp];

    /// <summary>Checks format, size and header dimensions without decoding pixels: what an upload endpoint can afford per file.</summary>
    public static (int Width, int Height, string Format) Probe(ReadOnlySpan<byte> bytes, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        using var data = Open(bytes, limits, out var codec);
        using (codec)
        {
            return (codec.Info.Width, codec.Info.Height, codec.EncodedFormat.ToString().ToLowerInvariant());
        }
    }

    private static SKData Open(ReadOnlySpan<byte> bytes, ImageLimits limits, out SKCodec codec)
    {
        if (bytes.IsEmpty)
        {
            throw new ImageRejectedException("The file is empty.");
        }

        if (bytes.Length > limits.MaxBytes)
        {
            throw new ImageRejectedException($"The file is larger than {limits.MaxBytes / (1024 * 1024)} MB.");
        }

        var data = SKData.CreateCopy(bytes);
        var created = SKCodec.Create(data);
        if (created is null)
        {
            data.Dispose();
            throw new ImageRejectedException("The file is not a JPEG, PNG or WebP image.");
        }

        var info = created.Info;
        string? problem = null;
        if (Array.IndexOf(Accepted, created.EncodedFormat) < 0)
        {
            problem = $"{created.EncodedFormat} images are not accepted: use JPEG, PNG or WebP.";
        }
        else if (info.Width <= 0 || info.Height <= 0)
        {
            problem = "The image has no pixels.";
        }
        else if (info.Width > limits.MaxSide || info.Height > limits.MaxSide || (long)info.Width * info.Height > limits.MaxPixels)
        {
            problem = $"The image is {info.Width}×{info.Height}: at most {limits.MaxSide} pixels a side and {limits.MaxPixels / 1_000_000} megapixels are accepted.";
        }

        if (problem is not null)
        {
            created.Dispose();
            data.Dispose();
            throw new ImageRejectedException(problem);
        }

        codec = created;
        return data;
    }

    public static RgbaImage Decode(ReadOnlySpan<byte> bytes, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        using var data = Open(bytes, limits, out var codec);
        using var codecScope = codec;
        var info = codec.Info;
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[target.BytesSize];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(target, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        // IncompleteInput: a truncated file. Skia fills the rest with zeros; a listing photo with a grey band is not
        // something to publish, so it is refused like any other broken file.
        if (result != SKCodecResult.Success)
        {
            throw new ImageRejectedException(result == SKCodecResult.IncompleteInput
                ? "The image file is cut short (truncated)."
                : $"The image could not be decoded ({result}).");
        }

        return ApplyOrientation(new RgbaImage(info.Width, info.Height, pixels), codec.EncodedOrigin);
    }

    // EXIF orientation (CIPA DC-008 tag 0x0112): phone photos are stored sideways and flagged; show them upright.
    private static RgbaImage ApplyOrientation(RgbaImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return image;
        }

        using var source = image.ToBitmap();
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (image.Height, image.Width) : (image.Width, image.Height);
        using var rotated = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(rotated))
        {
            canvas.SetMatrix(OriginMatrix(origin, image.Width, image.Height));
            using var sourceImage = SKImage.FromBitmap(source);
            canvas.DrawImage(sourceImage, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }

        return RgbaImage.FromBitmap(rotated);
    }

    private static SKMatrix OriginMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
