using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Sales.Capture;

/// <summary>
/// ffmpeg as a pipe: compressed audio in on stdin (WebM/Opus from MediaRecorder, WAV, Ogg, MP3...), 16 kHz mono
/// signed 16-bit PCM out on stdout as soon as each packet is decoded (-flush_packets 1), for live analysis.
/// </summary>
public sealed class FfmpegDecoder(IOptions<SalesOptions> options)
{
    /// <summary>Starts a decoder; <paramref name="format"/> is an ffmpeg demuxer name ("matroska", "wav") or null to probe.</summary>
    public Process Start(string? format)
    {
        var info = new ProcessStartInfo(options.Value.FfmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-nostdin" })
        {
            info.ArgumentList.Add(a);
        }
        if (format is not null)
        {
            // A live stream: start decoding after the first few KB instead of probing seconds of it.
            foreach (var a in new[] { "-probesize", "32", "-analyzeduration", "0", "-f", format })
            {
                info.ArgumentList.Add(a);
            }
        }
        foreach (var a in new[] { "-i", "pipe:0", "-vn", "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", "16000", "-flush_packets", "1", "pipe:1" })
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start.");
    }

    /// <summary>Decodes a whole file; null with ffmpeg's reason when it is not audio ffmpeg can read.</summary>
    public async Task<(byte[]? Pcm, string? Error)> DecodeAsync(byte[] input, int maxSeconds, CancellationToken ct)
    {
        using var process = Start(null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        var output = new MemoryStream();
        var limit = (long)maxSeconds * AudioStore.BytesPerSecond;
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await process.StandardOutput.BaseStream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                if (output.Length + n > limit)
                {
                    return false;
                }
                output.Write(buffer, 0, n);
            }
            return true;
        }, timeout.Token);
        try
        {
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(input, timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // ffmpeg gave up on the input and closed its end; its exit code and message say why.
            }
            var withinLimit = await reading;
            if (!withinLimit)
            {
                process.Kill(entireProcessTree: true);
                return (null, $"The recording is longer than {maxSeconds / 60} minutes.");
            }
            await process.WaitForExitAsync(timeout.Token);
            var message = (await errors).Trim();
            if (process.ExitCode != 0 || output.Length < 2)
            {
                return (null, "The file could not be read as audio" + (message.Length > 0 ? $": {FirstLine(message)}" : "."));
            }
            return (output.ToArray(), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (null, "Decoding the recording took too long.");
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] : line;
    }
}
