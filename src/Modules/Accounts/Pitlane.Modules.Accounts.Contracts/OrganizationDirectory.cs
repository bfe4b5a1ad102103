using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts.Contracts;

/// <summary>The Accounts module's read contract for organisations, so other modules never query org_organizations.</summary>
public interface IOrganizationDirectory
{
    Task<string?> NameOfAsync(Guid organizationId, CancellationToken ct);

    Task<IReadOnlyDictionary<Guid, string>> NamesOfAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken ct);

    /// <summary>The organisation of that name and kind (e.g. the demo shop), or null.</summary>
    Task<Guid?> FindAsync(string name, OrganizationKind kind, CancellationToken ct);
}

/// <summary>The embedded profile's demo shop, by the name every module's demo data is attached to.</summary>
public static class DemoShop
{
    public const string Name = "Pitlane Demo Garage";
}
