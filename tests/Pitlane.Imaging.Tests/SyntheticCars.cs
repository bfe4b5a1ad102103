using SkiaSharp;

namespace Pitlane.Imaging.Tests;

/// <summary>
/// Test scenes with a known answer: a car-shaped object (body, cabin with windows, wheels, a door mirror and a thin
/// roof antenna) drawn over a varied background; the ground-truth mask is the same shapes drawn without the scene.
/// </summary>
internal static class SyntheticCars
{
    public sealed record Scene(byte[] Png, bool[] Truth, int Width, int Height, string Name);

    public static Scene Make(int seed, int width = 480, int height = 320)
    {
        var random = new Random(seed);
        var name = (seed % 6) switch
        {
            0 => "solid",
            1 => "vertical gradient",
            2 => "stripes",
            3 => "noise",
            4 => "checker",
            _ => "showroom floor",
        };

        using var scene = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scene))
        {
            DrawBackground(canvas, seed % 6, random, width, height);
            DrawCar(canvas, new Random(seed + 1000), width, height, truthOnly: false, seed);
        }

        using var mask = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(mask))
        {
            canvas.Clear(SKColors.Black);
            DrawCar(canvas, new Random(seed + 1000), width, height, truthOnly: true, seed);
        }

        var truth = new bool[width * height];
        var span = mask.GetPixelSpan();
        for (var i = 0; i < truth.Length; i++)
        {
            truth[i] = span[i * 4] >= 128;
        }

        using var image = SKImage.FromBitmap(scene);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Scene(data.ToArray(), truth, width, height, name);
    }

    private static void DrawBackground(SKCanvas canvas, int kind, Random random, int w, int h)
    {
        using var paint = new SKPaint { IsAntialias = true };
        SKColor Pastel() => new((byte)random.Next(150, 250), (byte)random.Next(150, 250), (byte)random.Next(150, 250));
        switch (kind)
        {
            case 0:
                canvas.Clear(Pastel());
                break;
            case 1:
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), [Pastel(), new SKColor(60, 70, 90)], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, w, h, paint);
                break;
            case 2:
                canvas.Clear(Pastel());
                paint.Color = Pastel();
                for (var x = 0; x < w; x += 40)
                {
                    canvas.DrawRect(x, 0, 20, h, paint);
                }

                break;
            case 3:
                using (var noise = SKShader.CreatePerlinNoiseFractalNoise(0.03f, 0.03f, 3, random.Next()))
                {
                    canvas.Clear(Pastel());
                    paint.Shader = noise;
                    paint.Color = paint.Color.WithAlpha(160);
                    canvas.DrawRect(0, 0, w, h, paint);
                }

                break;
            case 4:
                var a = Pastel();
                var b = Pastel();
                for (var y = 0; y < h; y += 32)
                {
                    for (var x = 0; x < w; x += 32)
                    {
                        paint.Color = ((x + y) / 32) % 2 == 0 ? a : b;
                        canvas.DrawRect(x, y, 32, 32, paint);
                    }
                }

                break;
            default:
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), [new SKColor(235, 235, 240), new SKColor(235, 235, 240), new SKColor(150, 150, 160)], [0f, 0.6f, 1f], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, w, h, paint);
                break;
        }
    }

    private static void DrawCar(SKCanvas canvas, Random random, int w, int h, bool truthOnly, int seed)
    {
        // Size and place vary with the seed; the car stays whole inside the frame.
        var scale = 0.62f + (float)(random.NextDouble() * 0.22);
        var cw = w * scale;
        var ch = cw * 0.42f;
        var left = (w - cw) * (0.3f + (float)(random.NextDouble() * 0.4));
        var bottom = (h * 0.78f) + ((float)random.NextDouble() * h * 0.08f);
        var bodyTop = bottom - (ch * 0.62f);
        var roofTop = bottom - ch;
        var hue = (float)random.NextDouble() * 360f;
        var bodyColor = truthOnly ? SKColors.White : SKColor.FromHsv(hue, 75, 70 + (seed % 3 * 10));
        var dark = truthOnly ? SKColors.White : new SKColor(25, 25, 28);
        var glass = truthOnly ? SKColors.White : new SKColor(90, 110, 130);

        using var paint = new SKPaint { IsAntialias = !truthOnly, Color = bodyColor };
        using var body = new SKPath();
        body.AddRoundRect(new SKRect(left, bodyTop, left + cw, bottom - (ch * 0.12f)), ch * 0.12f, ch * 0.12f);
        canvas.DrawPath(body, paint);

        using var cabin = new SKPath();
        cabin.MoveTo(left + (cw * 0.22f), bodyTop + 1);
        cabin.LineTo(left + (cw * 0.34f), roofTop);
        cabin.LineTo(left + (cw * 0.68f), roofTop);
        cabin.LineTo(left + (cw * 0.80f), bodyTop + 1);
        cabin.Close();
        canvas.DrawPath(cabin, paint);

        paint.Color = glass;
        using var window = new SKPath();
        window.MoveTo(left + (cw * 0.26f), bodyTop);
        window.LineTo(left + (cw * 0.355f), roofTop + (ch * 0.07f));
        window.LineTo(left + (cw * 0.665f), roofTop + (ch * 0.07f));
        window.LineTo(left + (cw * 0.76f), bodyTop);
        window.Close();
        canvas.DrawPath(window, paint);

        paint.Color = dark;
        var r = ch * 0.2f;
        canvas.DrawCircle(left + (cw * 0.2f), bottom - r, r, paint);
        canvas.DrawCircle(left + (cw * 0.8f), bottom - r, r, paint);

        // Door mirror and a thin roof antenna: the parts the edge refinement must keep.
        paint.Color = bodyColor;
        canvas.DrawRect(new SKRect(left + (cw * 0.76f), bodyTop - (ch * 0.08f), left + (cw * 0.80f), bodyTop + 2), paint);
        paint.Color = dark;
        paint.StrokeWidth = Math.Max(2f, w / 200f);
        paint.Style = SKPaintStyle.Stroke;
        canvas.DrawLine(left + (cw * 0.62f), roofTop, left + (cw * 0.66f), roofTop - (ch * 0.35f), paint);
    }
}
