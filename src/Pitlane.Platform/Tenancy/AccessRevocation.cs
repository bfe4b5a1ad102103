using System.Security.Claims;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Tenancy;

/// <summary>
/// A person left or was removed from an organisation. Published by the Accounts module through its outbox with the
/// removal; every instance (fan-out) forgets the cached membership and drops that person's live connections from the
/// organisation's groups.
/// </summary>
[IntegrationEventName("accounts.membership-removed")]
public sealed record MembershipRemoved(Guid OrganizationId, Guid UserId) : IntegrationEvent;

/// <summary>
/// Sessions of a person ended: one API session (<see cref="SessionId"/>, the refresh-token family of the access
/// tokens' <c>sid</c>), or, when null, their browser sessions (signing out changes the security stamp the cookies
/// carry). Every instance checks that person's live connections again and closes the ones no longer signed in.
/// </summary>
[IntegrationEventName("accounts.session-revoked")]
public sealed record SessionRevoked(Guid UserId, Guid? SessionId) : IntegrationEvent;

/// <summary>
/// Whether a signed-in principal's session still stands: implemented by the Accounts module (a bearer session's
/// family not revoked; a cookie's security stamp still the user's), read by the live hub's re-checks, uncached.
/// </summary>
public interface ISessionDirectory
{
    Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken ct);
}
