using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

public enum ScanStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

public static class ScanStatuses
{
    public static string Name(ScanStatus status) => status switch
    {
        ScanStatus.Queued => "queued",
        ScanStatus.Running => "running",
        ScanStatus.Completed => "completed",
        _ => "failed",
    };
}

/// <summary>
/// One scan of one car. The job (platform_jobs) runs it; this row is what people see: status, progress and, when it
/// completed, the whole <see cref="Pitlane.Obd.Scanning.ScanReport"/> as JSON in <see cref="Result"/>.
/// </summary>
public sealed class Scan : IOrganizationOwned
{
    private Scan() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }

    /// <summary>Null until known when the scan was started without a vehicle ("read the VIN from the car").</summary>
    public Guid? VehicleId { get; set; }

    /// <summary>The VIN of the vehicle the scan was started for; the car's own answer is <see cref="Vin"/>.</summary>
    public string? ExpectedVin { get; private set; }
    public Guid AdapterId { get; private set; }
    public string AdapterName { get; private set; } = "";
    public Guid? AgentId { get; private set; }
    public Guid JobId { get; set; }
    public ScanStatus Status { get; set; }
    public int Progress { get; set; }
    public string? Stage { get; set; }

    /// <summary>The VIN the car reported (service 09 PID 02).</summary>
    public string? Vin { get; set; }

    /// <summary>The car's VIN differs from <see cref="ExpectedVin"/>: flagged, never silently accepted.</summary>
    public bool VinMismatch { get; set; }
    public string? Protocol { get; set; }
    public bool MilOn { get; set; }
    public int DtcCount { get; set; }
    public int? RequestCount { get; set; }
    public int? DurationMs { get; set; }

    /// <summary>The scan report as JSON (<see cref="ScanDocument"/>).</summary>
    public string? Result { get; set; }
    public string? Error { get; set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>When a scan agent took it (agent adapters only).</summary>
    public DateTime? ClaimedAt { get; set; }

    /// <summary>The agent process that took it (its X-Agent-Instance), so another process with the same key does not abandon it.</summary>
    public string? ClaimedByInstance { get; set; }

    /// <summary>When its agent last reported on it (progress, heartbeat, result): the task's own sign of life.</summary>
    public DateTime? HeardAt { get; set; }

    /// <summary>The paired kiosk screen that started it (a customer at the lane); null when staff did.</summary>
    public Guid? KioskId { get; private set; }

    public static Scan Create(Guid organizationId, Guid? vehicleId, string? expectedVin, ScanAdapter adapter, Guid userId, DateTime now,
        Guid? kioskId = null) => new()
    {
        KioskId = kioskId,
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        VehicleId = vehicleId,
        ExpectedVin = expectedVin,
        AdapterId = adapter.Id,
        AdapterName = adapter.Name,
        AgentId = adapter.AgentId,
        Status = ScanStatus.Queued,
        CreatedByUserId = userId,
        CreatedAt = now,
    };
}
