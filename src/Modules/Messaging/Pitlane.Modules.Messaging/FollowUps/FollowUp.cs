namespace Pitlane.Modules.Messaging.FollowUps;

/// <summary>
/// A reminder to a customer, sent once by a scheduled job at <see cref="DueAt"/>: declined work ("declined", about an RO
/// job) or maintenance coming due ("maintenance"). Cancelled when the customer opts out before it goes.
/// </summary>
public sealed class FollowUp
{
    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid CustomerId { get; private set; }

    public Guid? RepairOrderId { get; private set; }

    /// <summary>The declined RO job it is about; with the kind it makes the follow-up unique (one reminder per declined job).</summary>
    public Guid? JobId { get; private set; }

    /// <summary>"declined" or "maintenance".</summary>
    public string Kind { get; private set; } = "maintenance";

    public string Text { get; private set; } = "";

    public DateTime DueAt { get; private set; }

    /// <summary>scheduled, sent, refused (not sendable: opted out, no consent), cancelled.</summary>
    public string Status { get; private set; } = "scheduled";

    public string? Outcome { get; private set; }

    public Guid? MessageId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static FollowUp Schedule(Guid organizationId, Guid customerId, Guid? repairOrderId, Guid? jobId, string kind, string text, DateTime dueAt, DateTime at) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = organizationId, CustomerId = customerId, RepairOrderId = repairOrderId, JobId = jobId, Kind = kind, Text = text,
        DueAt = dueAt, CreatedAt = at,
    };

    public void Sent(Guid? messageId)
    {
        Status = "sent";
        MessageId = messageId;
    }

    public void Refused(string why)
    {
        Status = "refused";
        Outcome = why;
    }

    public void Cancel(string why)
    {
        Status = "cancelled";
        Outcome = why;
    }
}
