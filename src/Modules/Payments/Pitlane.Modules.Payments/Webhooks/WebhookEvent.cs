namespace Pitlane.Modules.Payments.Webhooks;

/// <summary>A processor event already applied: its id is unique, so a second delivery changes nothing.</summary>
public sealed class ReceivedEvent
{
    public string Id { get; set; } = "";

    public string Processor { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTime Created { get; set; }

    public DateTime ReceivedAt { get; set; }

    /// <summary>What applying it did: applied, ignored_older, ignored_unknown_object, ignored_type.</summary>
    public string Outcome { get; set; } = "";
}

/// <summary>A dispute the processor opened on a charge.</summary>
public sealed class Dispute
{
    public Guid Id { get; set; }

    public string ProcessorId { get; set; } = "";

    public Guid IntentId { get; set; }

    public Guid OrganizationId { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public string Status { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
