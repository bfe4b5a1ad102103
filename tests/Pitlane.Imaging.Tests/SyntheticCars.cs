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

    /// <summary>
    /// Scenes where a hole through the subject is part of the answer: "rear wing" (a car with a wing on two struts,
    /// the background showing between the struts, the wing and the deck: the hole must stay open), "spoked wheels" (a
    /// motorcycle-like frame on two wheels with six spokes each and an open frame triangle: the gaps must stay open)
    /// and "tinted glass" (a car whose windows are half-transparent over the background: the windows are the car and
    /// must be filled). <paramref name="Holes"/> marks the pixels of the see-through holes (empty for glass).
    /// </summary>
    public sealed record HoleScene(Scene Scene, bool[] Holes);

    public static readonly string[] HoleKinds = ["rear wing", "spoked wheels", "tinted glass"];

    public static HoleScene MakeWithHoles(string kind, int seed, int width = 480, int height = 320)
    {
        using var scene = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scene))
        {
            DrawBackground(canvas, seed % 6, new Random(seed), width, height);
            DrawHoleSubject(canvas, kind, width, height, truthOnly: false, seed);
        }

        using var mask = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(mask))
        {
            canvas.Clear(SKColors.Black);
            DrawHoleSubject(canvas, kind, width, height, truthOnly: true, seed);
        }

        // The holes: background pixels of the truth not reachable from the frame's border.
        var truth = new bool[width * height];
        var span = mask.GetPixelSpan();
        for (var i = 0; i < truth.Length; i++)
        {
            truth[i] = span[i * 4] >= 128;
        }

        var outside = new bool[truth.Length];
        var stack = new Stack<int>();
        for (var i = 0; i < truth.Length; i++)
        {
            var x = i % width;
            var y = i / width;
            if ((x == 0 || y == 0 || x == width - 1 || y == height - 1) && !truth[i] && !outside[i])
            {
                outside[i] = true;
                stack.Push(i);
                while (stack.Count > 0)
                {
                    var j = stack.Pop();
                    int[] next = [j % width > 0 ? j - 1 : -1, j % width < width - 1 ? j + 1 : -1, j - width, j + width];
                    foreach (var k in next)
                    {
                        if (k >= 0 && k < truth.Length && !truth[k] && !outside[k])
                        {
                            outside[k] = true;
                            stack.Push(k);
                        }
                    }
                }
            }
        }

        var holes = new bool[truth.Length];
        for (var i = 0; i < truth.Length; i++)
        {
            holes[i] = !truth[i] && !outside[i];
        }

        using var image = SKImage.FromBitmap(scene);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new HoleScene(new Scene(data.ToArray(), truth, width, height, kind), holes);
    }

    private static void DrawHoleSubject(SKCanvas canvas, string kind, int w, int h, bool truthOnly, int seed)
    {
        var random = new Random(seed + 2000);
        var hue = (float)random.NextDouble() * 360f;
        var bodyColor = truthOnly ? SKColors.White : SKColor.FromHsv(hue, 75, 70);
        var dark = truthOnly ? SKColors.White : new SKColor(25, 25, 28);
        var chrome = truthOnly ? SKColors.White : new SKColor(120, 122, 128);
        using var paint = new SKPaint { IsAntialias = !truthOnly, Color = bodyColor };
        var cw = w * 0.72f;
        var ch = cw * 0.42f;
        var left = (w - cw) / 2;
        var bottom = h * 0.82f;
        var bodyTop = bottom - (ch * 0.62f);
        var roofTop = bottom - ch;
        switch (kind)
        {
            case "rear wing":
            {
                DrawCar(canvas, new Random(seed + 1000), w, h, truthOnly, seed);
                // DrawCar places the car from the same generator: redo its numbers to put the wing on its deck.
                var r = new Random(seed + 1000);
                var scale = 0.62f + (float)(r.NextDouble() * 0.22);
                var carW = w * scale;
                var carH = carW * 0.42f;
                var carLeft = (w - carW) * (0.3f + (float)(r.NextDouble() * 0.4));
                var carBottom = (h * 0.78f) + ((float)r.NextDouble() * h * 0.08f);
                var deck = carBottom - (carH * 0.62f);
                var wingY = deck - (carH * 0.42f);
                paint.Color = dark;
                canvas.DrawRect(new SKRect(carLeft + (carW * 0.02f), deck - (carH * 0.44f), carLeft + (carW * 0.05f), deck + 2), paint);
                canvas.DrawRect(new SKRect(carLeft + (carW * 0.17f), deck - (carH * 0.44f), carLeft + (carW * 0.20f), deck + 2), paint);
                canvas.DrawRect(new SKRect(carLeft - (carW * 0.01f), wingY - (carH * 0.08f), carLeft + (carW * 0.22f), wingY), paint);
                break;
            }

            case "spoked wheels":
            {
                var radius = ch * 0.42f;
                var rear = new SKPoint(left + radius, bottom - radius);
                var front = new SKPoint(left + cw - radius, bottom - radius);
                foreach (var c in new[] { rear, front })
                {
                    paint.Style = SKPaintStyle.Stroke;
                    paint.Color = dark;
                    paint.StrokeWidth = radius * 0.24f;
                    canvas.DrawCircle(c, radius * 0.88f, paint);
                    paint.Color = chrome;
                    paint.StrokeWidth = radius * 0.07f;
                    for (var k = 0; k < 6; k++)
                    {
                        var a = (k * MathF.PI / 3) + (seed * 0.2f);
                        canvas.DrawLine(c, new SKPoint(c.X + (MathF.Cos(a) * radius * 0.8f), c.Y + (MathF.Sin(a) * radius * 0.8f)), paint);
                    }

                    paint.Style = SKPaintStyle.Fill;
                    canvas.DrawCircle(c, radius * 0.18f, paint);
                }

                // Frame: a closed triangle between the axles and the seat, open in the middle; a tank and seat on top.
                var seat = new SKPoint(left + (cw * 0.38f), roofTop + (ch * 0.15f));
                var head = new SKPoint(left + (cw * 0.72f), roofTop + (ch * 0.05f));
                var crank = new SKPoint(left + (cw * 0.5f), bottom - (radius * 0.9f));
                paint.Style = SKPaintStyle.Stroke;
                paint.Color = bodyColor;
                paint.StrokeWidth = radius * 0.16f;
                paint.StrokeJoin = SKStrokeJoin.Round;
                using (var frame = new SKPath())
                {
                    frame.MoveTo(rear);
                    frame.LineTo(seat);
                    frame.LineTo(head);
                    frame.LineTo(crank);
                    frame.Close();
                    frame.MoveTo(seat);
                    frame.LineTo(crank);
                    frame.MoveTo(head);
                    frame.LineTo(front);
                    canvas.DrawPath(frame, paint);
                }

                paint.Style = SKPaintStyle.Fill;
                canvas.DrawRoundRect(new SKRect(seat.X - (cw * 0.04f), seat.Y - (ch * 0.16f), head.X - (cw * 0.03f), seat.Y + (ch * 0.02f)), ch * 0.06f, ch * 0.06f, paint);
                break;
            }

            default: // tinted glass: half-transparent windows, the background showing through them
            {
                paint.Color = bodyColor;
                canvas.DrawRoundRect(new SKRect(left, bodyTop, left + cw, bottom - (ch * 0.12f)), ch * 0.12f, ch * 0.12f, paint);
                using var cabin = new SKPath();
                cabin.MoveTo(left + (cw * 0.22f), bodyTop + 1);
                cabin.LineTo(left + (cw * 0.34f), roofTop);
                cabin.LineTo(left + (cw * 0.68f), roofTop);
                cabin.LineTo(left + (cw * 0.80f), bodyTop + 1);
                cabin.Close();
                canvas.DrawPath(cabin, paint);
                // The pillars stay; each side window lets the background through.
                // One window 24% opaque, the other 43%.
                foreach (var (a, b, tint) in new[] { (0.26f, 0.49f, (byte)60), (0.53f, 0.76f, (byte)110) })
                {
                    var glassColor = truthOnly ? SKColors.White : new SKColor(40, 60, 80, tint);
                    using var window = new SKPath();
                    var topA = a < 0.3f ? 0.355f : a;
                    var topB = b > 0.7f ? 0.665f : b;
                    window.MoveTo(left + (cw * a), bodyTop);
                    window.LineTo(left + (cw * topA), roofTop + (ch * 0.07f));
                    window.LineTo(left + (cw * topB), roofTop + (ch * 0.07f));
                    window.LineTo(left + (cw * b), bodyTop);
                    window.Close();
                    if (!truthOnly)
                    {
                        // Cut the window out of the body first so what shows is background under tinted glass.
                        canvas.Save();
                        canvas.ClipPath(window, antialias: true);
                        DrawBackground(canvas, seed % 6, new Random(seed), w, h);
                        canvas.Restore();
                    }

                    paint.Color = glassColor;
                    canvas.DrawPath(window, paint);
                }

                paint.Color = dark;
                var wheel = ch * 0.2f;
                canvas.DrawCircle(left + (cw * 0.2f), bottom - wheel, wheel, paint);
                canvas.DrawCircle(left + (cw * 0.8f), bottom - wheel, wheel, paint);
                break;
            }
        }
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
