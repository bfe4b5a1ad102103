using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Sales.Transcripts;

public sealed record TranscriptWord(string Word, double StartSeconds, double EndSeconds);

public sealed record TranscriptResult(string Source, string Text, IReadOnlyList<TranscriptWord> Words);

public interface ITranscriber
{
    /// <summary>"openai", "pocketsphinx".</summary>
    string Source { get; }

    /// <summary>The transcript of a 16 kHz mono WAV; throws <see cref="TranscriptionException"/> when the service fails.</summary>
    Task<TranscriptResult> TranscribeAsync(byte[] wav, CancellationToken ct);
}

public sealed class TranscriptionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// OpenAI's speech-to-text, <c>POST /v1/audio/transcriptions</c> (multipart/form-data: file, model,
/// response_format=verbose_json, timestamp_granularities[]=word), which Whisper-compatible servers also speak.
/// </summary>
public sealed class OpenAiTranscriber(HttpClient http, IOptions<SalesOptions> options) : ITranscriber
{
    public string Source => "openai";

    public async Task<TranscriptResult> TranscribeAsync(byte[] wav, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "session.wav");
        form.Add(new StringContent(options.Value.OpenAiModel), "model");
        form.Add(new StringContent("verbose_json"), "response_format");
        form.Add(new StringContent("word"), "timestamp_granularities[]");
        form.Add(new StringContent("en"), "language");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.OpenAiApiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new TranscriptionException("The transcription service could not be reached.", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new TranscriptionException($"The transcription service answered {(int)response.StatusCode}: {ErrorMessage(body)}");
            }
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var text = root.GetProperty("text").GetString() ?? "";
                var words = new List<TranscriptWord>();
                if (root.TryGetProperty("words", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var w in list.EnumerateArray())
                    {
                        words.Add(new TranscriptWord(w.GetProperty("word").GetString() ?? "", w.GetProperty("start").GetDouble(), w.GetProperty("end").GetDouble()));
                    }
                }
                return new TranscriptResult(Source, text.Trim(), words);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new TranscriptionException("The transcription service sent an answer that is not a transcript.", e);
            }
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("error").GetProperty("message").GetString() ?? body;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}

/// <summary>
/// The offline default: CMU PocketSphinx (Debian packages pocketsphinx + pocketsphinx-en-us) run as
/// <c>pocketsphinx_continuous -infile file.wav -time yes</c>, which prints one "word start end confidence" line per word.
/// Its general US English model is far less accurate than Whisper, so its transcript is labelled as such.
/// </summary>
public sealed class PocketsphinxTranscriber(IOptions<SalesOptions> options) : ITranscriber
{
    public string Source => "pocketsphinx";

    public static bool IsInstalled(string path) =>
        Path.IsPathRooted(path) ? File.Exists(path)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, path)));

    public async Task<TranscriptResult> TranscribeAsync(byte[] wav, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pitlane-sphinx-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(file, wav, ct);
        try
        {
            var info = new ProcessStartInfo(options.Value.PocketsphinxPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-infile", file, "-time", "yes", "-logfn", "/dev/null" })
            {
                info.ArgumentList.Add(a);
            }
            using var process = Process.Start(info) ?? throw new TranscriptionException("pocketsphinx did not start.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TranscriptionTimeoutSeconds));
            // A cancelled or timed-out run must not leave the recogniser running behind the job.
            await using var stop = timeout.Token.Register(() =>
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            });
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            await stderr;
            if (process.ExitCode != 0)
            {
                throw new TranscriptionException($"pocketsphinx failed (exit code {process.ExitCode}).");
            }
            return Parse(stdout);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TranscriptionException("pocketsphinx took too long.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TranscriptionException("pocketsphinx is not installed.", e);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Word lines are "word start end confidence"; &lt;s&gt;, &lt;/s&gt;, &lt;sil&gt; and [NOISE] are not words; "word(2)" is an alternative pronunciation.</summary>
    internal static TranscriptResult Parse(string output)
    {
        var words = new List<TranscriptWord>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
            {
                continue;
            }
            var word = parts[0];
            if (word.StartsWith('<') || word.StartsWith('[') || word.StartsWith("++", StringComparison.Ordinal))
            {
                continue;
            }
            var paren = word.IndexOf('(', StringComparison.Ordinal);
            words.Add(new TranscriptWord(paren > 0 ? word[..paren] : word, start, end));
        }
        var text = new StringBuilder();
        foreach (var w in words)
        {
            text.Append(text.Length > 0 ? " " : "").Append(w.Word);
        }
        return new TranscriptResult("pocketsphinx", text.ToString(), words);
    }
}

/// <summary>Which transcriber Pitlane:Sales:Transcription selects, or null when there is none.</summary>
public sealed class TranscriberChoice(IOptions<SalesOptions> options, IServiceProvider services)
{
    public ITranscriber? Current
    {
        get
        {
            var o = options.Value;
            var mode = o.Transcription;
            if (mode == "auto")
            {
                mode = !string.IsNullOrWhiteSpace(o.OpenAiApiKey) ? "openai" : PocketsphinxTranscriber.IsInstalled(o.PocketsphinxPath) ? "pocketsphinx" : "none";
            }
            return mode switch
            {
                "openai" => (ITranscriber)services.GetService(typeof(OpenAiTranscriber))!,
                "pocketsphinx" => (ITranscriber)services.GetService(typeof(PocketsphinxTranscriber))!,
                _ => null,
            };
        }
    }
}
