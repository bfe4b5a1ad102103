namespace Pitlane.Platform.Tenancy;

/// <summary>A row that belongs to one organisation: every query on it starts with <see cref="TenantQueries.OfOrganization{T}"/>.</summary>
public interface IOrganizationOwned
{
    Guid OrganizationId { get; }
}

public static class TenantQueries
{
    /// <summary>
    /// The organisation's rows only: the way module code starts a query on organisation-owned data, so the filter is
    /// the first thing written, not an afterthought in each Where.
    /// </summary>
    public static IQueryable<T> OfOrganization<T>(this IQueryable<T> source, Guid organizationId) where T : class, IOrganizationOwned =>
        source.Where(row => row.OrganizationId == organizationId);

    /// <summary>The request's organisation's rows (<see cref="OrganizationScope"/>, resolved by <see cref="OrganizationScopeFilter"/>).</summary>
    public static IQueryable<T> OfOrganization<T>(this IQueryable<T> source, OrganizationScope scope) where T : class, IOrganizationOwned
    {
        ArgumentNullException.ThrowIfNull(scope);
        return source.OfOrganization(scope.OrganizationId);
    }
}
