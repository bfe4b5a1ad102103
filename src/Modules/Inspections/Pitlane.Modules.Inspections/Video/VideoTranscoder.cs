using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pitlane.Modules.Inspections.Video;

/// <summary>A video ffmpeg cannot use, or one over a limit: the message is for a person and becomes the job's error.</summary>
public sealed class VideoRejectedException(string message) : Exception(message);

/// <param name="MaxSide">Longest side of the output, in pixels; smaller inputs keep their size.</param>
public sealed record TranscodeSettings(string FfmpegPath, string FfprobePath, int MaxSide, int MaxSeconds, TimeSpan Timeout);

/// <summary>The files a transcode wrote into its output folder.</summary>
public sealed record TranscodeResult(string VideoPath, string PosterPath, string PreviewPath, double DurationSeconds, bool HasAudio);

/// <summary>
/// Phone video to something every browser plays: H.264 (High, yuv420p) and AAC-LC in MP4 with the moov atom first
/// (-movflags +faststart, so playback starts before the download ends), a JPEG poster frame and a 4-second silent
/// preview. Progress comes from ffmpeg's machine-readable -progress output (key=value lines; out_time_us against the
/// duration ffprobe read).
/// </summary>
public sealed class VideoTranscoder(TranscodeSettings settings)
{
    public async Task<TranscodeResult> TranscodeAsync(string input, string outputDirectory, Func<int, string, Task> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var probe = await ProbeAsync(input, timeout.Token);
            if (probe.Duration > settings.MaxSeconds)
            {
                throw new VideoRejectedException($"The video is {probe.Duration:0} seconds long; at most {settings.MaxSeconds} seconds are accepted.");
            }
            Directory.CreateDirectory(outputDirectory);
            var video = Path.Combine(outputDirectory, "video.mp4");
            var poster = Path.Combine(outputDirectory, "poster.jpg");
            var preview = Path.Combine(outputDirectory, "preview.mp4");
            await progress(1, "Converting the video");
            var lastPercent = 1;
            await RunAsync(settings.FfmpegPath, MainArguments(input, video, settings.MaxSide), async line =>
            {
                if (ProgressLine.OutTimeSeconds(line) is { } seconds && probe.Duration > 0)
                {
                    var percent = 1 + (int)Math.Clamp(seconds / probe.Duration * 89, 0, 89);
                    if (percent > lastPercent)
                    {
                        lastPercent = percent;
                        await progress(percent, "Converting the video");
                    }
                }
            }, timeout.Token);
            await progress(92, "Taking the poster frame");
            var at = Math.Min(1.0, probe.Duration / 2).ToString("0.###", CultureInfo.InvariantCulture);
            await RunAsync(settings.FfmpegPath, ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", at, "-i", video, "-frames:v", "1",
                "-vf", "scale='min(640,iw)':-2", "-q:v", "4", poster], null, timeout.Token);
            await progress(96, "Making the preview");
            await RunAsync(settings.FfmpegPath, ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", video, "-t", "4", "-an",
                "-vf", "scale='min(320,iw)':-2,fps=15", "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", preview], null, timeout.Token);
            return new TranscodeResult(video, poster, preview, probe.Duration, probe.HasAudio);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new VideoRejectedException($"Converting the video took longer than {settings.Timeout.TotalSeconds:0} seconds.");
        }
    }

    /// <summary>The main transcode's arguments (shared with the benchmark's plain-ffmpeg baseline).</summary>
    public static List<string> MainArguments(string input, string output, int maxSide) =>
    [
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-stats_period", "0.25",
        "-i", input, "-map", "0:v:0", "-map", "0:a:0?",
        // Landscape: at most maxSide wide; portrait: at most maxSide high; even dimensions for yuv420p.
        "-vf", $"scale='if(gte(iw,ih),min(iw,{maxSide}),-2)':'if(gte(iw,ih),-2,min(ih,{maxSide}))'",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k", "-ac", "2",
        "-movflags", "+faststart", "-f", "mp4", output,
    ];

    private sealed record Probe(double Duration, bool HasAudio);

    private async Task<Probe> ProbeAsync(string input, CancellationToken ct)
    {
        var output = new StringBuilder();
        string errors;
        try
        {
            errors = await RunAsync(settings.FfprobePath, ["-v", "error", "-print_format", "json", "-show_entries", "format=duration:stream=codec_type,width,height", input],
                line =>
                {
                    output.AppendLine(line);
                    return Task.CompletedTask;
                }, ct);
        }
        catch (VideoRejectedException e)
        {
            throw new VideoRejectedException($"The file is not a video that can be read ({e.Message}).");
        }
        try
        {
            using var json = JsonDocument.Parse(output.ToString());
            var streams = json.RootElement.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : [];
            var video = streams.FirstOrDefault(x => x.TryGetProperty("codec_type", out var t) && t.GetString() == "video");
            if (video.ValueKind != JsonValueKind.Object || !video.TryGetProperty("width", out var width) || width.GetInt32() <= 0)
            {
                throw new VideoRejectedException("The file has no picture: it is not a video.");
            }
            var hasAudio = streams.Any(x => x.TryGetProperty("codec_type", out var t) && t.GetString() == "audio");
            var duration = json.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
                && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : double.NaN;
            if (double.IsNaN(duration) || duration <= 0)
            {
                throw new VideoRejectedException("The video's length cannot be read" + (errors.Length > 0 ? $": {errors}" : "."));
            }
            return new Probe(duration, hasAudio);
        }
        catch (JsonException)
        {
            throw new VideoRejectedException("The file is not a video that can be read.");
        }
    }

    /// <summary>Runs a tool, handing each stdout line to <paramref name="onLine"/>; a non-zero exit is a rejection with its first error line.</summary>
    private static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, Func<string, Task>? onLine, CancellationToken ct)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start.");
        try
        {
            var errors = process.StandardError.ReadToEndAsync(ct);
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(ct)) is not null)
            {
                if (onLine is not null)
                {
                    await onLine(line);
                }
            }
            await process.WaitForExitAsync(ct);
            var message = (await errors).Trim();
            if (process.ExitCode != 0)
            {
                throw new VideoRejectedException(FirstLine(message) is { Length: > 0 } first ? first : $"{Path.GetFileName(tool)} exited with code {process.ExitCode}");
            }
            return FirstLine(message);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }
            throw;
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] : line;
    }
}

/// <summary>ffmpeg -progress output: "key=value" lines in blocks ending with "progress=continue" or "progress=end".</summary>
public static class ProgressLine
{
    /// <summary>
    /// Seconds of output written so far, from "out_time_us=" (microseconds; "out_time_ms" carries the same number, a
    /// long-standing ffmpeg misnomer). Null for other lines and for "N/A" (before the first frame).
    /// </summary>
    public static double? OutTimeSeconds(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        const string key = "out_time_us=";
        if (!line.StartsWith(key, StringComparison.Ordinal))
        {
            return null;
        }
        return long.TryParse(line.AsSpan(key.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) && us >= 0 ? us / 1_000_000.0 : null;
    }
}
