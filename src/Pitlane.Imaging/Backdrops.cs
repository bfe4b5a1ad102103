using System.Globalization;
using SkiaSharp;

namespace Pitlane.Imaging;

public enum BackdropKind
{
    Solid,
    Gradient,
    StudioFloor,
}

public enum OutputFormat
{
    Jpeg,
    Webp,
}

/// <summary>A backdrop: colours as "#rrggbb". Solid uses <see cref="Top"/>; the others blend top to bottom (wall to floor).</summary>
public sealed record Backdrop(BackdropKind Kind, string Top, string Bottom)
{
    public static Backdrop White { get; } = new(BackdropKind.Solid, "#ffffff", "#ffffff");

    public static Backdrop Studio { get; } = new(BackdropKind.StudioFloor, "#f2f3f5", "#c9ccd1");

    /// <summary>Null when a colour is not "#rrggbb".</summary>
    public static Backdrop? TryCreate(BackdropKind kind, string? top, string? bottom)
    {
        top = string.IsNullOrWhiteSpace(top) ? "#ffffff" : top.Trim();
        bottom = string.IsNullOrWhiteSpace(bottom) ? top : bottom.Trim();
        return TryColor(top, out _) && TryColor(bottom, out _) ? new Backdrop(kind, top.ToLowerInvariant(), bottom.ToLowerInvariant()) : null;
    }

    internal static bool TryColor(string value, out SKColor color)
    {
        color = SKColors.White;
        if (value.Length != 7 || value[0] != '#' || !uint.TryParse(value.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
        {
            return false;
        }

        color = new SKColor((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        return true;
    }

    internal SKColor TopColor => TryColor(Top, out var c) ? c : SKColors.White;

    internal SKColor BottomColor => TryColor(Bottom, out var c) ? c : SKColors.White;
}

/// <summary>A listing size (pixels), e.g. 1920×1080 for a website hero, 1200×900 for classifieds, 1080×1080 for Instagram.</summary>
public sealed record ListingSize(int Width, int Height)
{
    public static IReadOnlyList<ListingSize> Standard { get; } = [new(1920, 1080), new(1200, 900), new(1080, 1080)];

    public override string ToString() => $"{Width}x{Height}";
}

/// <summary>Places the cut-out car on a backdrop at a listing size. Needs only the photo and its stored alpha.</summary>
public static class Backdrops
{
    public static byte[] EncodeCutout(RgbaImage photo, byte[] alpha)
    {
        using var bitmap = WithAlpha(photo, alpha);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Compose(RgbaImage photo, byte[] alpha, Backdrop backdrop, ListingSize size, OutputFormat format, int quality = 88)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size.Width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(size.Height, 16);
        var (bx, by, bw, bh) = Bounds(alpha, photo.Width, photo.Height);
        using var car = WithAlpha(photo, alpha);
        using var surface = SKSurface.Create(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        float w = size.Width;
        float h = size.Height;

        // The car fills at most 86% of the width and 70% of the height; on a floor it stands at 84% of the height.
        var scale = Math.Min(w * 0.86f / bw, h * 0.70f / bh);
        var dw = bw * scale;
        var dh = bh * scale;
        var left = (w - dw) / 2f;
        var groundY = backdrop.Kind == BackdropKind.StudioFloor ? h * 0.84f : (h + dh) / 2f;
        var top = groundY - dh;

        DrawBackground(canvas, backdrop, w, h, groundY);
        if (backdrop.Kind == BackdropKind.StudioFloor)
        {
            DrawShadow(canvas, left, dw, groundY, h);
        }

        using var paint = new SKPaint { IsAntialias = true };
        using var carImage = SKImage.FromBitmap(car);
        canvas.DrawImage(carImage, new SKRect(bx, by, bx + bw, by + bh), new SKRect(left, top, left + dw, groundY), new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
        canvas.Flush();
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(format == OutputFormat.Webp ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Jpeg, Math.Clamp(quality, 1, 100));
        return data.ToArray();
    }

    private static void DrawBackground(SKCanvas canvas, Backdrop backdrop, float w, float h, float groundY)
    {
        using var paint = new SKPaint { IsAntialias = true };
        switch (backdrop.Kind)
        {
            case BackdropKind.Solid:
                canvas.Clear(backdrop.TopColor);
                break;
            case BackdropKind.Gradient:
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), [backdrop.TopColor, backdrop.BottomColor], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, w, h, paint);
                break;
            case BackdropKind.StudioFloor:
                // A cyclorama: the wall fades into the floor a little above the ground line, with no hard horizon.
                var horizon = groundY - (h * 0.22f);
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h),
                    [backdrop.TopColor, backdrop.TopColor, backdrop.BottomColor, Darker(backdrop.BottomColor, 0.9f)],
                    [0f, horizon / h, groundY / h, 1f], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, w, h, paint);
                break;
        }
    }

    private static void DrawShadow(SKCanvas canvas, float left, float width, float groundY, float h)
    {
        // A wide soft ambient shadow plus a tighter contact shadow under the wheels.
        using var soft = new SKPaint { IsAntialias = true, Color = new SKColor(0, 0, 0, 90), ImageFilter = SKImageFilter.CreateBlur(width * 0.04f, h * 0.012f) };
        canvas.DrawOval(new SKRect(left + (width * 0.02f), groundY - (h * 0.025f), left + (width * 0.98f), groundY + (h * 0.035f)), soft);
        using var contact = new SKPaint { IsAntialias = true, Color = new SKColor(0, 0, 0, 120), ImageFilter = SKImageFilter.CreateBlur(width * 0.01f, h * 0.004f) };
        canvas.DrawOval(new SKRect(left + (width * 0.08f), groundY - (h * 0.008f), left + (width * 0.92f), groundY + (h * 0.01f)), contact);
    }

    private static SKColor Darker(SKColor c, float f) => new((byte)(c.Red * f), (byte)(c.Green * f), (byte)(c.Blue * f));

    internal static SKBitmap WithAlpha(RgbaImage photo, byte[] alpha)
    {
        var bitmap = new SKBitmap(new SKImageInfo(photo.Width, photo.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var span = bitmap.GetPixelSpan();
        var src = photo.Pixels;
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < photo.Height; y++)
        {
            for (var x = 0; x < photo.Width; x++)
            {
                var i = (y * photo.Width) + x;
                var o = (y * rowBytes) + (x * 4);
                span[o] = src[i * 4];
                span[o + 1] = src[(i * 4) + 1];
                span[o + 2] = src[(i * 4) + 2];
                span[o + 3] = (byte)(src[(i * 4) + 3] * alpha[i] / 255);
            }
        }

        return bitmap;
    }

    /// <summary>The box around alpha ≥ 10% (the whole photo when the model found nothing).</summary>
    internal static (int X, int Y, int W, int H) Bounds(byte[] alpha, int width, int height)
    {
        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (alpha[(y * width) + x] >= 26)
                {
                    minX = Math.Min(minX, x);
                    maxX = Math.Max(maxX, x);
                    minY = Math.Min(minY, y);
                    maxY = Math.Max(maxY, y);
                }
            }
        }

        return maxX < 0 ? (0, 0, width, height) : (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }
}
