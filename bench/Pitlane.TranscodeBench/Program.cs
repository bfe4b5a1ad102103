using System.Diagnostics;
using System.Globalization;
using Pitlane.Modules.Inspections.Video;

// Usage: pitlane-transcode-bench [seconds=30] [size=1920x1080] [rounds=3]
// Makes a clip with ffmpeg (testsrc2 picture at 30 fps, a sine tone), then alternates, round by round, the plain ffmpeg
// encode (the pipeline's own main arguments, one process) and the whole pipeline (ffprobe, the same encode with progress
// parsing, poster and preview). Reports wall time per run and the median of each; the difference is the pipeline's cost.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var size = args.Length > 1 ? args[1] : "1920x1080";
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var folder = Path.Combine(Path.GetTempPath(), $"pitlane-transcode-bench-{Environment.ProcessId}");
Directory.CreateDirectory(folder);
try
{
    var input = Path.Combine(folder, "input.mp4");
    var make = Stopwatch.StartNew();
    Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=duration={seconds}:size={size}:rate=30",
        "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", input]);
    Console.WriteLine($"input: {seconds} s {size} 30 fps, {new FileInfo(input).Length / 1024} KiB, made in {make.Elapsed.TotalSeconds:0.0} s; cores: {Environment.ProcessorCount}");

    var transcoder = new VideoTranscoder(new TranscodeSettings("ffmpeg", "ffprobe", 1280, 3600, TimeSpan.FromHours(1)));
    var plain = new List<double>();
    var pipeline = new List<double>();
    var progressUpdates = 0;
    for (var round = 1; round <= rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        Run("ffmpeg", VideoTranscoder.MainArguments(input, Path.Combine(folder, $"plain-{round}.mp4"), 1280));
        plain.Add(watch.Elapsed.TotalSeconds);

        watch.Restart();
        var updates = 0;
        await transcoder.TranscodeAsync(input, Path.Combine(folder, $"pipeline-{round}"), (_, _) =>
        {
            updates++;
            return Task.CompletedTask;
        }, CancellationToken.None);
        pipeline.Add(watch.Elapsed.TotalSeconds);
        progressUpdates = updates;
        Console.WriteLine($"round {round}: plain ffmpeg {plain[^1]:0.00} s, pipeline {pipeline[^1]:0.00} s ({updates} progress updates)");
    }
    static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
    var p = Median(plain);
    var q = Median(pipeline);
    Console.WriteLine($"median: plain ffmpeg {p:0.00} s ({seconds / p:0.00}x real time), pipeline {q:0.00} s ({seconds / q:0.00}x real time), overhead {q - p:0.00} s ({(q / p - 1) * 100:0.0} %), progress updates per run {progressUpdates}");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static void Run(string tool, IEnumerable<string> arguments)
{
    var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments)
    {
        info.ArgumentList.Add(a);
    }
    using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
    var output = process.StandardOutput.ReadToEndAsync();
    var errors = process.StandardError.ReadToEnd();
    process.WaitForExit();
    _ = output.Result;
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{tool} failed: {errors}");
    }
}
