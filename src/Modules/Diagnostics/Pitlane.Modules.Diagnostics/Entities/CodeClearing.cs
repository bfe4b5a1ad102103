using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;
namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// One clearing of a vehicle's trouble codes (service 04), kept as the vehicle's record: who asked, through which adapter
/// or agent, the VIN the car confirmed before anything was erased, and the ECUs that acknowledged. Clearing also resets
/// readiness, so "when were the codes last cleared, and by whom" is a question a shop must be able to answer.
/// </summary>
public sealed class CodeClearing : IOrganizationOwned
{
    private CodeClearing() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid VehicleId { get; private set; }

    /// <summary>The vehicle's VIN: the car on the adapter must report it before its codes are cleared.</summary>
    public string ExpectedVin { get; private set; } = "";
    public Guid AdapterId { get; private set; }
    public string AdapterName { get; private set; } = "";
    public Guid? AgentId { get; private set; }
    public Guid JobId { get; set; }
    public ScanStatus Status { get; set; }
    public string? Stage { get; set; }
    public int Progress { get; set; }

    /// <summary>The VIN the car reported.</summary>
    public string? Vin { get; set; }

    /// <summary>The ECUs (response headers) that acknowledged the clear, space-separated.</summary>
    public string? ClearedBy { get; set; }

    /// <summary>The agent's upload (agent adapters), kept until the job has read it.</summary>
    public string? Result { get; set; }
    public string? Error { get; set; }
    public Guid RequestedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>When a scan agent took it (agent adapters only).</summary>
    public DateTime? ClaimedAt { get; set; }

    /// <summary>The agent process that took it (its X-Agent-Instance), so another process with the same key does not abandon it.</summary>
    public string? ClaimedByInstance { get; set; }

    /// <summary>When its agent last reported on it (progress, heartbeat, result): the task's own sign of life.</summary>
    public DateTime? HeardAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    public static CodeClearing Create(Guid organizationId, VehicleSummary vehicle, ScanAdapter adapter, Guid userId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        VehicleId = vehicle.Id,
        ExpectedVin = vehicle.Vin,
        AdapterId = adapter.Id,
        AdapterName = adapter.Name,
        AgentId = adapter.AgentId,
        Status = ScanStatus.Queued,
        RequestedByUserId = userId,
        CreatedAt = now,
    };
}
