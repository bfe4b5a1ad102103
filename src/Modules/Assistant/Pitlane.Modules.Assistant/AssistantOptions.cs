using Pitlane.Ai;

namespace Pitlane.Modules.Assistant;

/// <summary>
/// The "Pitlane:Assistant" section: the OpenAI-compatible model the assistant talks to. Without a base URL the offline,
/// rule-based assistant answers (and it answers whenever the model fails or is late).
/// </summary>
public sealed class AssistantOptions : Pitlane.Platform.Modules.IModuleOptions
{
    /// <summary>OpenAI-compatible API root, e.g. http://127.0.0.1:8080/v1 (llama.cpp, Ollama, vLLM) or https://api.openai.com/v1.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name the server knows; required with a base URL. The model must support function calling.</summary>
    public string? Model { get; set; }

    /// <summary>Bearer token; empty for local servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Deadline for each model exchange (one streamed answer or tool-call round); past it the rules answer.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Most rounds of tool calls in one answer before the assistant stops asking the model.</summary>
    public int MaxToolRounds { get; set; } = 4;

    public bool ModelConfigured => !string.IsNullOrWhiteSpace(BaseUrl);

    public void Validate(List<string> faults, Pitlane.Platform.PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (var fault in new AiOptions(BaseUrl, Model, ApiKey, TimeoutSeconds).Validate())
        {
            faults.Add("Pitlane:Assistant:" + fault);
        }
        if (MaxToolRounds is < 1 or > 10)
        {
            faults.Add("Pitlane:Assistant:MaxToolRounds must be between 1 and 10.");
        }
    }
}
