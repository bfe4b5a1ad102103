using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pitlane.Platform.Tenancy;

/// <summary>
/// One named rule of who may do what in an organisation, defined once by the module that owns the action (e.g.
/// <c>DiagnosticsPermissions.Scan</c>) and used by its endpoints (<see cref="TenantApi.RequirePermission{TBuilder}"/>),
/// its handlers (<see cref="OrganizationScope.Can"/>), its pages and its navigation entries alike.
/// </summary>
public sealed class Permission
{
    private readonly HashSet<OrganizationRole> _roles;

    public Permission(string name, string action, params OrganizationRole[] roles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        Name = name;
        Action = action;
        _roles = [.. roles];
    }

    /// <summary>Stable name, "module.action" (e.g. "diagnostics.scan").</summary>
    public string Name { get; }

    /// <summary>What it allows, in words that complete "Your role may not ...": "start scans".</summary>
    public string Action { get; }

    public IReadOnlySet<OrganizationRole> Roles => _roles;

    public bool Allows(OrganizationRole role) => _roles.Contains(role);

    public bool Allows(OrganizationRole? role) => role is { } r && _roles.Contains(r);

    public override string ToString() => Name;
}

/// <summary>Endpoint metadata: the permission an endpoint needs, checked by <see cref="OrganizationScopeFilter"/> once the caller's role is known.</summary>
public sealed record RequiredPermission(Permission Permission);

/// <summary>The conventions every organisation-scoped API group shares.</summary>
public static class TenantApi
{
    /// <summary>
    /// A group of organisation-scoped endpoints: signed-in callers only, the organisation resolved from
    /// <c>X-Organization-Id</c> (default: the personal one) with non-members answered 404, errors as problem+json.
    /// </summary>
    public static RouteGroupBuilder MapTenantApi(this IEndpointRouteBuilder routes, string prefix, string tag)
    {
        var group = routes.MapGroup(prefix).WithTags(tag).RequireAuthorization().AddEndpointFilter<OrganizationScopeFilter>();
        group.ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Only roles that <paramref name="permission"/> allows reach the endpoint; others get 403 naming the action.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(permission);
        builder.WithMetadata(new RequiredPermission(permission));
        builder.ProducesProblem(StatusCodes.Status403Forbidden);
        return builder;
    }
}
