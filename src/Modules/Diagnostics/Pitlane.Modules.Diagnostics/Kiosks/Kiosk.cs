using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// A customer kiosk: a touch screen in the lane paired with the shop. It can start scans on its one adapter and see only
/// the results of its own recent scans; it holds no user's session. Pairing: a one-time code (shown to the manager,
/// SHA-256 stored) is exchanged on the device for a secret kept in an HttpOnly cookie (SHA-256 stored).
/// </summary>
public sealed class Kiosk : IOrganizationOwned
{
    private Kiosk() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public Guid AdapterId { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public byte[]? PairingCodeHash { get; set; }
    public DateTime? PairingExpiresAt { get; set; }
    public byte[]? SecretHash { get; set; }
    public DateTime? PairedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public static Kiosk Create(Guid organizationId, string name, Guid adapterId, Guid userId, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        AdapterId = adapterId,
        CreatedByUserId = userId,
        CreatedAt = now,
    };
}
