using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Inspections;

/// <summary>The "Pitlane:Inspections" section: upload limits, ffmpeg, text-to-speech and approval links.</summary>
public sealed class InspectionsOptions : IModuleOptions
{
    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    public long MaxPhotoBytes { get; set; } = 15L * 1024 * 1024;

    public long MaxVideoBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest video accepted, in seconds; a longer one fails its transcode with a message saying so.</summary>
    public int MaxVideoSeconds { get; set; } = 180;

    /// <summary>Longest side of the transcoded video, in pixels (a phone's 4K clip becomes 1280 wide, small enough to send).</summary>
    public int VideoMaxSide { get; set; } = 1280;

    public int TranscodeTimeoutSeconds { get; set; } = 600;

    /// <summary>"espeak" (espeak-ng, offline; the default), "elevenlabs" (an ElevenLabs-compatible server) or "none".</summary>
    public string Speech { get; set; } = "espeak";

    public string EspeakPath { get; set; } = "espeak-ng";

    public string EspeakVoice { get; set; } = "en-us";

    public string ElevenLabsBaseUrl { get; set; } = "https://api.elevenlabs.io/";

    public string? ElevenLabsApiKey { get; set; }

    public string ElevenLabsVoiceId { get; set; } = "21m00Tcm4TlvDq8ikWAM";

    public string ElevenLabsModelId { get; set; } = "eleven_multilingual_v2";

    /// <summary>An OpenAI-compatible server (https://api.openai.com/v1, a local llama.cpp) that rewrites the narration; empty: the rules' words.</summary>
    public string? AiBaseUrl { get; set; }

    public string AiModel { get; set; } = "gpt-4o-mini";

    public string? AiApiKey { get; set; }

    public int AiTimeoutSeconds { get; set; } = 20;

    /// <summary>How long an approval link works, in hours, unless the advisor asks for another duration.</summary>
    public int LinkHours { get; set; } = 72;

    public int PublicRequestsPerMinute { get; set; } = 120;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        if (Speech is not ("espeak" or "elevenlabs" or "none"))
        {
            faults.Add($"Pitlane:Inspections:Speech must be espeak, elevenlabs or none, not '{Speech}'.");
        }
        if (Speech == "elevenlabs" && string.IsNullOrWhiteSpace(ElevenLabsApiKey))
        {
            faults.Add("Pitlane:Inspections:ElevenLabsApiKey is required when Pitlane:Inspections:Speech is elevenlabs.");
        }
        if (!Uri.TryCreate(ElevenLabsBaseUrl, UriKind.Absolute, out _))
        {
            faults.Add($"Pitlane:Inspections:ElevenLabsBaseUrl must be an absolute URL, not '{ElevenLabsBaseUrl}'.");
        }
        if (AiBaseUrl is { Length: > 0 } ai && (!Uri.TryCreate(ai, UriKind.Absolute, out var aiUri) || aiUri.Scheme is not ("http" or "https")))
        {
            faults.Add($"Pitlane:Inspections:AiBaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1, not '{ai}'.");
        }
        if (AiTimeoutSeconds is < 1 or > 300)
        {
            faults.Add("Pitlane:Inspections:AiTimeoutSeconds must be between 1 and 300.");
        }
        if (MaxPhotoBytes is < 1024 or > 100L * 1024 * 1024)
        {
            faults.Add("Pitlane:Inspections:MaxPhotoBytes must be between 1 KB and 100 MB.");
        }
        if (MaxVideoBytes is < 1024 or > 4L * 1024 * 1024 * 1024)
        {
            faults.Add("Pitlane:Inspections:MaxVideoBytes must be between 1 KB and 4 GB.");
        }
        if (MaxVideoSeconds is < 1 or > 3600)
        {
            faults.Add("Pitlane:Inspections:MaxVideoSeconds must be between 1 and 3600.");
        }
        if (VideoMaxSide is < 160 or > 3840)
        {
            faults.Add("Pitlane:Inspections:VideoMaxSide must be between 160 and 3840.");
        }
        if (TranscodeTimeoutSeconds is < 10 or > 7200)
        {
            faults.Add("Pitlane:Inspections:TranscodeTimeoutSeconds must be between 10 and 7200.");
        }
        if (LinkHours is < 1 or > 24 * 60)
        {
            faults.Add("Pitlane:Inspections:LinkHours must be between 1 and 1440.");
        }
        if (PublicRequestsPerMinute < 1)
        {
            faults.Add("Pitlane:Inspections:PublicRequestsPerMinute must be at least 1.");
        }
    }
}
