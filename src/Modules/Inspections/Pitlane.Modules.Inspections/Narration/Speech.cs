using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Inspections.Narration;

/// <summary>Spoken audio: its bytes and what they are ("audio/wav", "audio/mpeg").</summary>
public sealed record SpeechAudio(byte[] Bytes, string ContentType);

/// <summary>A provider that failed in a way retrying may fix (a timeout, 429, 5xx): the job tries again later.</summary>
public sealed class SpeechUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Text to speech. The offline default is espeak-ng; production may use an ElevenLabs-compatible server.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>"espeak-ng", "elevenlabs": recorded with the narration.</summary>
    string Name { get; }

    Task<SpeechAudio> SpeakAsync(string text, CancellationToken ct);
}

/// <summary>
/// espeak-ng (the Debian package), offline: the text goes in on stdin (--stdin, so nothing in it is read as an option),
/// a RIFF/WAVE file (16-bit mono, 22 050 Hz) comes out on stdout (--stdout).
/// </summary>
public sealed class EspeakSpeech(IOptions<InspectionsOptions> options) : ISpeechSynthesizer
{
    public string Name => "espeak-ng";

    public async Task<SpeechAudio> SpeakAsync(string text, CancellationToken ct)
    {
        var info = new ProcessStartInfo(options.Value.EspeakPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", options.Value.EspeakVoice, "-s", "160", "--stdin", "--stdout" })
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("espeak-ng did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"espeak-ng is not installed ({options.Value.EspeakPath}): apt-get install espeak-ng.", e);
        }
        using (process)
        {
            using var output = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(output, ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.StandardInput.WriteAsync(text.AsMemory(), ct);
            process.StandardInput.Close();
            await reading;
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0 || output.Length < 44)
            {
                throw new InvalidOperationException($"espeak-ng failed: {(await errors).Trim()}");
            }
            return new SpeechAudio(output.ToArray(), "audio/wav");
        }
    }
}

/// <summary>
/// The ElevenLabs text-to-speech API (and servers compatible with it): POST /v1/text-to-speech/{voice_id}
/// ?output_format=mp3_44100_128 with the key in the xi-api-key header and {"text", "model_id"} as JSON; the answer is
/// the audio itself (audio/mpeg). 429 and 5xx are retried by the job; 401/422 are configuration or input faults.
/// </summary>
public sealed class ElevenLabsSpeech(HttpClient http, IOptions<InspectionsOptions> options) : ISpeechSynthesizer
{
    public string Name => "elevenlabs";

    private sealed record Request(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("model_id")] string ModelId);

    public async Task<SpeechAudio> SpeakAsync(string text, CancellationToken ct)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"v1/text-to-speech/{Uri.EscapeDataString(o.ElevenLabsVoiceId)}?output_format=mp3_44100_128")
        {
            Content = JsonContent.Create(new Request(text, o.ElevenLabsModelId)),
        };
        request.Headers.Add("xi-api-key", o.ElevenLabsApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("audio/mpeg"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SpeechUnavailableException($"The speech service could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SpeechUnavailableException("The speech service did not answer in time.", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                throw new SpeechUnavailableException($"The speech service answered {(int)response.StatusCode}; trying again later.");
            }
            if (!response.IsSuccessStatusCode)
            {
                var detail = await response.Content.ReadAsStringAsync(ct);
                throw new InvalidOperationException($"The speech service refused the request ({(int)response.StatusCode}): {(detail.Length > 200 ? detail[..200] : detail)}");
            }
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (bytes.Length == 0)
            {
                throw new SpeechUnavailableException("The speech service answered with no audio.");
            }
            return new SpeechAudio(bytes, response.Content.Headers.ContentType?.MediaType ?? "audio/mpeg");
        }
    }
}
