namespace Pitlane.Platform.Jobs;

/// <summary>
/// queued → running → succeeded | cancelled | failed (a retry is scheduled at NextAttemptAt) → running ... → dead
/// (no attempts left, or a payload that can never run). succeeded, cancelled and dead are final.
/// </summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Dead,
}

public static class JobStates
{
    public static string Name(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        JobState.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState Parse(string name) => name switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        "dead" => JobState.Dead,
        _ => throw new FormatException($"Unknown job state '{name}'."),
    };

    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Cancelled or JobState.Dead;
}

/// <summary>
/// A durable unit of background work of one organisation (platform_jobs). The row is the truth: the bus only carries
/// its id as a wake-up. State changes that race between instances (claim, lease renewal, completion, cancel) are
/// conditional single-statement updates in <see cref="JobStore"/>, never read-modify-write.
/// </summary>
public sealed class Job
{
    private Job() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Type { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public JobState State { get; private set; }
    public int Progress { get; private set; }
    public string? ProgressMessage { get; private set; }
    public int Attempts { get; private set; }
    public int MaxAttempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseUntil { get; private set; }
    public bool CancelRequested { get; private set; }
    public string? Error { get; private set; }
    public string? Result { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    internal static Job Create(Guid organizationId, string type, string payload, int maxAttempts, DateTime now, DateTime? runAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Type = type,
        Payload = payload,
        State = JobState.Queued,
        MaxAttempts = maxAttempts,
        NextAttemptAt = runAt is { } at && at > now ? at : now,
        CreatedAt = now,
        UpdatedAt = now,
    };
}
