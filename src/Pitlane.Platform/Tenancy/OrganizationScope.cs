using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Pitlane.Platform.Tenancy;

/// <summary>The organisation one API request acts in, and the caller's role there. Set by <see cref="OrganizationScopeFilter"/>.</summary>
public sealed class OrganizationScope
{
    private Guid? _organizationId;

    public Guid OrganizationId => _organizationId ?? throw new InvalidOperationException("The organisation scope was not resolved for this request.");

    public Guid UserId { get; private set; }

    public OrganizationRole Role { get; private set; }

    /// <summary>Whether the caller's role here allows <paramref name="permission"/>.</summary>
    public bool Can(Permission permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return permission.Allows(Role);
    }

    internal void Set(Guid organizationId, Guid userId, OrganizationRole role)
    {
        _organizationId = organizationId;
        UserId = userId;
        Role = role;
    }
}

/// <summary>
/// Membership look-ups, cached briefly because every API request needs one. Changes made on this instance
/// invalidate at once; other instances see them within <see cref="Lifetime"/>.
/// </summary>
public sealed class MembershipCache(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public ValueTask<OrganizationRole?> RoleOfAsync(IMembershipDirectory directory, Guid organizationId, Guid userId, CancellationToken ct) =>
        RoleOfAsync(organizationId, userId, () => directory, ct);

    /// <summary>As above, resolving the directory only on a cache miss (the hot path of every API request).</summary>
    public async ValueTask<OrganizationRole?> RoleOfAsync(Guid organizationId, Guid userId, Func<IMembershipDirectory> directory, CancellationToken ct)
    {
        var key = (organizationId, userId);
        if (cache.TryGetValue(key, out OrganizationRole? role))
        {
            return role;
        }
        var membership = await directory().RoleOfAsync(organizationId, userId, ct);
        cache.Set(key, membership, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
        return membership;
    }

    public void Invalidate(Guid organizationId, Guid userId) => cache.Remove((organizationId, userId));
}

/// <summary>
/// Resolves the request's organisation from <c>X-Organization-Id</c> (default: the caller's personal organisation)
/// and refuses non-members with 404, so the existence of another organisation's data is never revealed.
/// </summary>
public sealed class OrganizationScopeFilter : IEndpointFilter
{
    public const string Header = "X-Organization-Id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.UserId() is not { } userId)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        Guid organizationId;
        if (http.Request.Headers.TryGetValue(Header, out var raw) && raw.Count > 0)
        {
            if (raw.Count > 1 || !Guid.TryParse(raw[0], out organizationId))
            {
                return Problems.Invalid(Header, "The X-Organization-Id header must be one organisation id (a GUID).");
            }
        }
        else if (http.User.PersonalOrganizationId() is { } personal)
        {
            organizationId = personal;
        }
        else
        {
            return Problems.Invalid(Header, "No organisation given and the caller has no personal organisation.");
        }

        var services = http.RequestServices;
        var role = await services.GetRequiredService<MembershipCache>()
            .RoleOfAsync(organizationId, userId, services.GetRequiredService<IMembershipDirectory>, http.RequestAborted);
        if (role is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        services.GetRequiredService<OrganizationScope>().Set(organizationId, userId, role.Value);
        foreach (var gate in http.GetEndpoint()?.Metadata.GetOrderedMetadata<OrganizationGate>() ?? [])
        {
            if (!gate.Admits(services, organizationId))
            {
                return Problems.NotFound("Not found.");
            }
        }
        foreach (var required in http.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiredPermission>() ?? [])
        {
            if (!required.Permission.Allows(role.Value))
            {
                return Problems.Forbidden($"Your role ({role.Value}) may not {required.Permission.Action}.");
            }
        }
        return await next(context);
    }
}

/// <summary>
/// Endpoint metadata: only the organisations it admits see the endpoint at all (a platform operator's routes); any
/// other organisation gets 404 before a permission is checked, so not even a 403 reveals the route.
/// </summary>
public sealed record OrganizationGate(Func<IServiceProvider, Guid, bool> Admits);
