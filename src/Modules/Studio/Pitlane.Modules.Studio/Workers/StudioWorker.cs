namespace Pitlane.Modules.Studio;

/// <summary>
/// A remote background-removal worker: `pitlane worker` on another machine (one with a GPU, or just a spare PC), holding a
/// key shown once and stored as SHA-256. It connects out to the server, takes the organisation's photos and uploads masks.
/// </summary>
public sealed class StudioWorker
{
    private StudioWorker()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Name { get; private set; } = "";
    public byte[] KeyHash { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastSeenAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    /// <summary>Photos this worker finished, for the page.</summary>
    public int Completed { get; private set; }

    public static StudioWorker Create(Guid organizationId, string name, byte[] keyHash, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        Name = name,
        KeyHash = keyHash,
        CreatedAt = now,
    };

    public void Revoke(DateTime now) => RevokedAt ??= now;
}
