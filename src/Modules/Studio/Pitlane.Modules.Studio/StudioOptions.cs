using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Studio;

/// <summary>Pitlane:Studio.</summary>
public sealed class StudioOptions : IModuleOptions
{
    /// <summary>The ISNet ONNX file; empty: where the build put it (PITLANE_CACHE or ~/.cache/pitlane/models/isnet-fp16.onnx).</summary>
    public string? ModelPath { get; set; }

    /// <summary>ONNX Runtime intra-op threads for local inference; 0: its default (all cores).</summary>
    public int InferenceThreads { get; set; }

    public int MaxPhotosPerUpload { get; set; } = 40;

    public long MaxPhotoBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// A remote worker's lease on a photo: it reports (progress, heartbeat) at least every third of this; silent for longer,
    /// it is taken as gone and the photo is handed out again (once). Also how recently a worker must have been heard from
    /// to count as alive when a photo is queued.
    /// </summary>
    public int WorkerLeaseSeconds { get; set; } = 30;

    /// <summary>How long a photo offered to the organisation's (busy) workers waits before this server runs it itself.</summary>
    public int WorkerPickupSeconds { get; set; } = 120;

    /// <summary>An OpenAI-compatible server (https://api.openai.com/v1, a local llama.cpp) that writes the listing text; empty: the offline templates.</summary>
    public string? AiBaseUrl { get; set; }

    public string AiModel { get; set; } = "gpt-4o-mini";

    public string? AiApiKey { get; set; }

    /// <summary>The whole exchange for all seven platforms; past it the templates write every piece.</summary>
    public int AiTimeoutSeconds { get; set; } = 60;

    public void Validate(List<string> faults, Pitlane.Platform.PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (InferenceThreads is < 0 or > 256)
        {
            faults.Add("Pitlane:Studio:InferenceThreads must be between 0 and 256.");
        }

        if (WorkerLeaseSeconds is < 3 or > 600)
        {
            faults.Add("Pitlane:Studio:WorkerLeaseSeconds must be between 3 and 600.");
        }

        if (WorkerPickupSeconds is < 1 or > 86_400)
        {
            faults.Add("Pitlane:Studio:WorkerPickupSeconds must be between 1 and 86400.");
        }

        if (AiBaseUrl is { Length: > 0 } ai && (!Uri.TryCreate(ai, UriKind.Absolute, out var aiUri) || aiUri.Scheme is not ("http" or "https")))
        {
            faults.Add($"Pitlane:Studio:AiBaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1, not '{ai}'.");
        }

        if (AiTimeoutSeconds is < 1 or > 600)
        {
            faults.Add("Pitlane:Studio:AiTimeoutSeconds must be between 1 and 600.");
        }

        if (string.IsNullOrWhiteSpace(AiModel) || AiModel.Length > 100)
        {
            faults.Add("Pitlane:Studio:AiModel is the model's name, 1 to 100 characters.");
        }

        if (MaxPhotosPerUpload is < 1 or > 500)
        {
            faults.Add("Pitlane:Studio:MaxPhotosPerUpload must be between 1 and 500.");
        }

        if (MaxPhotoBytes is < 1024 or > 200L * 1024 * 1024)
        {
            faults.Add("Pitlane:Studio:MaxPhotoBytes must be between 1 KB and 200 MB.");
        }
    }
}
