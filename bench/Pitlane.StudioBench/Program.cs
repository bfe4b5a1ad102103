using System.Diagnostics;
using Pitlane.Imaging;

// Studio timing tool (docs/studio.md). ONNX inference of one photo takes seconds, so BenchmarkDotNet's many
// iterations would take an hour on two cores; this runs each photo N times after a warm-up and reports the median
// split decode / infer / refine / encode, photos per minute (wall clock) and process CPU time.
//   dotnet run -c Release --project bench/Pitlane.StudioBench -- time [--threads 2] [--runs 3] photo...
//   dotnet run -c Release --project bench/Pitlane.StudioBench -- shots OUTDIR photo...   (before/after images)
//   dotnet run -c Release --project bench/Pitlane.StudioBench -- holes photo...   (each hole in the mask and what was decided)
if (args.Length < 2 || args[0] is not ("time" or "shots" or "holes"))
{
    Console.Error.WriteLine("usage: time [--threads N] [--runs N] photo... | shots OUTDIR photo... | holes photo...");
    return 2;
}

var threads = 0;
var runs = 3;
var rest = new List<string>();
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--threads") { threads = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); }
    else if (args[i] == "--runs") { runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); }
    else { rest.Add(args[i]); }
}

using var segmenter = new Segmenter(StudioModelLocation.Default, threads);
var remover = new BackgroundRemover(segmenter);
Console.WriteLine($"model {StudioModelLocation.Default}: {segmenter.InputDescription}, intra-op threads {(threads == 0 ? "default" : threads)}");

if (args[0] == "shots")
{
    var outDir = rest[0];
    Directory.CreateDirectory(outDir);
    foreach (var file in rest.Skip(1))
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var cutout = remover.Remove(File.ReadAllBytes(file));
        File.Copy(file, Path.Combine(outDir, name + "-before" + Path.GetExtension(file)), true);
        File.WriteAllBytes(Path.Combine(outDir, name + "-cutout.png"), cutout.CutoutPng);
        File.WriteAllBytes(Path.Combine(outDir, name + "-mask.png"), cutout.MaskPng);
        File.WriteAllBytes(Path.Combine(outDir, name + "-studio-1200x900.jpg"), Backdrops.Compose(cutout.Photo, cutout.Alpha, Backdrop.Studio, new ListingSize(1200, 900), OutputFormat.Jpeg));
        File.WriteAllBytes(Path.Combine(outDir, name + "-gradient-1080x1080.webp"), Backdrops.Compose(cutout.Photo, cutout.Alpha, new Backdrop(BackdropKind.Gradient, "#1d2a3a", "#6b7f99"), new ListingSize(1080, 1080), OutputFormat.Webp));
        Console.WriteLine($"{name}: {cutout.Photo.Width}x{cutout.Photo.Height} {Format(cutout.Timings)}");
        if (Environment.GetEnvironmentVariable("STUDIO_RAW") == "1")
        {
            var raw = segmenter.Predict(cutout.Photo);
            File.WriteAllBytes(Path.Combine(outDir, name + "-raw1024.png"), MaskCodec.Encode(raw.Select(v => (byte)(v * 255)).ToArray(), segmenter.Side, segmenter.Side));
        }
    }

    return 0;
}

if (args[0] == "holes")
{
    foreach (var file in rest)
    {
        var photo = SafeDecoder.Decode(File.ReadAllBytes(file));
        var map = segmenter.Predict(photo);
        var report = MaskCleanup.Apply((float[])map.Clone(), segmenter.Side, photo);
        // The clean-up alone, median of 9: with the photo's colours and with the model's map only.
        double CleanupMs(RgbaImage? p) => Enumerable.Range(0, 9).Select(_ =>
        {
            var copy = (float[])map.Clone();
            var watch = Stopwatch.StartNew();
            MaskCleanup.Apply(copy, segmenter.Side, p);
            return watch.Elapsed.TotalMilliseconds;
        }).Order().ElementAt(4);
        Console.WriteLine($"{Path.GetFileName(file)}: {report.Holes.Count} holes, {report.SpecksDropped} specks dropped; clean-up {CleanupMs(photo):F1} ms ({CleanupMs(null):F1} ms without colours)");
        foreach (var h in report.Holes.Where(h => h.Pixels >= MaskCleanup.MinHolePixels).OrderByDescending(h => h.Pixels))
        {
            Console.WriteLine($"  {h.Pixels,7} px  mean p {h.MeanProbability:F2}  sure {h.ConfidentShare:F2}  background colours {h.BackgroundColourShare:F2}  {(h.Filled ? "filled" : "open  ")}  {h.Reason}");
        }
    }

    return 0;
}

var photos = rest.Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToList();
remover.Remove(photos[0].Bytes); // warm-up: session initialisation and first-run allocations
var all = new List<StageTimings>();
var process = Process.GetCurrentProcess();
var cpuBefore = process.TotalProcessorTime;
var wall = Stopwatch.StartNew();
foreach (var (name, bytes) in photos)
{
    for (var r = 0; r < runs; r++)
    {
        var t = remover.Remove(bytes).Timings;
        all.Add(t);
        Console.WriteLine($"{name}: {Format(t)}");
    }
}

wall.Stop();
process.Refresh();
var cpu = process.TotalProcessorTime - cpuBefore;
double Median(Func<StageTimings, TimeSpan> f) => all.Select(t => f(t).TotalMilliseconds).Order().ElementAt(all.Count / 2);
Console.WriteLine($"photos {all.Count}, median ms: decode {Median(t => t.Decode):F0}, infer {Median(t => t.Infer):F0}, refine {Median(t => t.Refine):F0}, encode {Median(t => t.Encode):F0}, total {Median(t => t.Total):F0}");
Console.WriteLine($"photos per minute (wall) {all.Count / wall.Elapsed.TotalMinutes:F1}; CPU time per photo {cpu.TotalMilliseconds / all.Count:F0} ms; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
return 0;

static string Format(StageTimings t) =>
    $"decode {t.Decode.TotalMilliseconds:F0} ms, infer {t.Infer.TotalMilliseconds:F0} ms, refine {t.Refine.TotalMilliseconds:F0} ms, encode {t.Encode.TotalMilliseconds:F0} ms";
