using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Sales;

/// <summary>The "Pitlane:Sales" section: where recordings wait for analysis, ffmpeg, and speech-to-text.</summary>
public sealed class SalesOptions : IModuleOptions
{
    /// <summary>Folder for the decoded audio of sessions in progress (deleted once the session's report is done).</summary>
    public string AudioDirectory { get; set; } = "";

    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Longest recording one session keeps, in seconds.</summary>
    public int MaxSessionSeconds { get; set; } = 30 * 60;

    public int MaxUploadBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>"auto" (OpenAI when an API key is set, else pocketsphinx when installed, else none), "openai", "pocketsphinx" or "none".</summary>
    public string Transcription { get; set; } = "auto";

    /// <summary>An OpenAI-compatible server (OpenAI, or a Whisper server speaking /v1/audio/transcriptions).</summary>
    public string OpenAiBaseUrl { get; set; } = "https://api.openai.com/";

    public string? OpenAiApiKey { get; set; }

    public string OpenAiModel { get; set; } = "whisper-1";

    public string PocketsphinxPath { get; set; } = "pocketsphinx_continuous";

    public int TranscriptionTimeoutSeconds { get; set; } = 300;

    /// <summary>An OpenAI-compatible chat server (e.g. https://api.openai.com/v1) that writes the report's coaching notes; unset: the rules write them.</summary>
    public string? AiBaseUrl { get; set; }

    public string AiModel { get; set; } = "gpt-4o-mini";

    public string? AiApiKey { get; set; }

    public int AiTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// While a session streams, its audio is transcribed in windows of this many seconds to catch filler streaks
    /// ("um", "uh", "like") live; 0 turns it off. The filler feedback then lags the speech by about a window plus the
    /// transcriber's time.
    /// </summary>
    public double LiveTranscriptSeconds { get; set; } = 4;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        if (Transcription is not ("auto" or "openai" or "pocketsphinx" or "none"))
        {
            faults.Add($"Pitlane:Sales:Transcription must be auto, openai, pocketsphinx or none, not '{Transcription}'.");
        }
        if (Transcription == "openai" && string.IsNullOrWhiteSpace(OpenAiApiKey))
        {
            faults.Add("Pitlane:Sales:OpenAiApiKey is required when Pitlane:Sales:Transcription is openai.");
        }
        if (!Uri.TryCreate(OpenAiBaseUrl, UriKind.Absolute, out _))
        {
            faults.Add($"Pitlane:Sales:OpenAiBaseUrl must be an absolute URL, not '{OpenAiBaseUrl}'.");
        }
        if (LiveTranscriptSeconds != 0 && LiveTranscriptSeconds is < 1 or > 60)
        {
            faults.Add("Pitlane:Sales:LiveTranscriptSeconds must be 0 (off) or between 1 and 60.");
        }
        if (AiBaseUrl is { Length: > 0 } ai && (!Uri.TryCreate(ai, UriKind.Absolute, out var aiUri) || aiUri.Scheme is not ("http" or "https")))
        {
            faults.Add($"Pitlane:Sales:AiBaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1, not '{ai}'.");
        }
        if (AiTimeoutSeconds is < 1 or > 300)
        {
            faults.Add("Pitlane:Sales:AiTimeoutSeconds must be between 1 and 300.");
        }
        if (MaxSessionSeconds is < 10 or > 4 * 3600)
        {
            faults.Add("Pitlane:Sales:MaxSessionSeconds must be between 10 and 14400.");
        }
        if (MaxUploadBytes is < 1024 or > 1024 * 1024 * 1024)
        {
            faults.Add("Pitlane:Sales:MaxUploadBytes must be between 1 KB and 1 GB.");
        }
    }
}
