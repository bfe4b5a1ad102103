using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>How the server reaches an adapter: directly over TCP or a serial port of the server, or through a scan agent.</summary>
public enum AdapterKind
{
    Tcp,
    Serial,
    Agent,
}

/// <summary>A scan adapter an organisation registered: a Wi-Fi ELM327, the vehicle simulator, a serial cable, or a scan agent.</summary>
public sealed class ScanAdapter : IOrganizationOwned
{
    private ScanAdapter() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>tcp://host:port, serial:///dev/..., or agent://{agent id}.</summary>
    public string Uri { get; private set; } = "";
    public AdapterKind Kind { get; private set; }

    /// <summary>The agent that runs scans for an <see cref="AdapterKind.Agent"/> adapter.</summary>
    public Guid? AgentId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static ScanAdapter Create(Guid organizationId, string name, string uri, AdapterKind kind, Guid? agentId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        Uri = uri,
        Kind = kind,
        AgentId = agentId,
        CreatedAt = now,
    };
}
