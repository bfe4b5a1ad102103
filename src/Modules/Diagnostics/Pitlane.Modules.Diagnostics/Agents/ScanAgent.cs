using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// A scan agent: `pitlane agent` on a laptop or Raspberry Pi next to the car, holding a key shown once and stored as SHA-256.
/// It connects out to the server, takes the scans meant for it and runs them against its local adapter.
/// </summary>
public sealed class ScanAgent : IOrganizationOwned
{
    private ScanAgent() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public byte[] KeyHash { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public static ScanAgent Create(Guid organizationId, string name, byte[] keyHash, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        KeyHash = keyHash,
        CreatedAt = now,
    };
}
