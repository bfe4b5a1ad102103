using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed class Organization
{
    private Organization() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public OrganizationKind Kind { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static Organization Create(string name, OrganizationKind kind, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        Name = name.Trim(),
        Kind = kind,
        CreatedAt = now,
    };

    public void Rename(string name) => Name = name.Trim();
}

public sealed class Membership
{
    private Membership() { }

    public Guid OrganizationId { get; private set; }
    public Guid UserId { get; private set; }
    public OrganizationRole Role { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static Membership Create(Guid organizationId, Guid userId, OrganizationRole role, DateTime now) => new()
    {
        OrganizationId = organizationId,
        UserId = userId,
        Role = role,
        CreatedAt = now,
    };

    public void ChangeRole(OrganizationRole role) => Role = role;
}
