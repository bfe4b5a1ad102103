using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>One interpretation of a scan, kept for audit: who produced it (rules or which model), the prompt, the answer, and why a fallback happened.</summary>
public sealed class InterpretationRecord : IOrganizationOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ScanId { get; set; }

    /// <summary>"rules" or "ai:{model}".</summary>
    public string Source { get; set; } = "";
    public string? Model { get; set; }

    /// <summary>rules, answered, timeout, error, invalid-answer.</summary>
    public string Outcome { get; set; } = "";
    public string? Prompt { get; set; }
    public string? Answer { get; set; }
    public string? Error { get; set; }
    public int LatencyMs { get; set; }

    /// <summary>The interpretation as JSON.</summary>
    public string Result { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
