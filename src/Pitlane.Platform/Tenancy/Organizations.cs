namespace Pitlane.Platform.Tenancy;

public enum OrganizationKind
{
    Personal,
    Shop,
    Dealership,
    Fleet,
    Other,
}

/// <summary>Roles are per organisation: one person can be Owner of their shop and Technician elsewhere.</summary>
public enum OrganizationRole
{
    Owner,
    Manager,
    ServiceAdvisor,
    Technician,
    Porter,
    Salesperson,
}

/// <summary>An organisation the caller belongs to, with the caller's role there.</summary>
public sealed record MeOrganization(Guid Id, string Name, OrganizationKind Kind, OrganizationRole Role, bool Personal);

/// <summary>
/// Who belongs to which organisation, in which role: implemented by the Accounts module, read by the kernel's tenancy
/// (<see cref="MembershipCache"/>, <see cref="PageOrganization"/>) so the kernel never queries the membership table.
/// </summary>
public interface IMembershipDirectory
{
    Task<OrganizationRole?> RoleOfAsync(Guid organizationId, Guid userId, CancellationToken ct);

    /// <summary>The user's organisations, the personal one first, then by name.</summary>
    Task<IReadOnlyList<MeOrganization>> OrganizationsOfAsync(Guid userId, Guid personalOrganizationId, CancellationToken ct);
}
