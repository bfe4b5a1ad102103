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
