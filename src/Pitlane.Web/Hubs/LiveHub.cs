using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Web.Hubs;

/// <summary>
/// The one real-time channel. A client joins an organisation's group only as a member; modules publish to
/// <see cref="OrganizationGroup"/> (and narrower groups they define) through IHubContext&lt;LiveHub&gt;.
/// </summary>
[Authorize]
public sealed class LiveHub(PitlaneDbContext db, MembershipCache memberships) : Hub
{
    public static string OrganizationGroup(Guid organizationId) => $"org:{organizationId:N}";

    public async Task<bool> JoinOrganization(Guid organizationId)
    {
        if (Context.User?.UserId() is not { } userId
            || await memberships.RoleOfAsync(db, organizationId, userId, Context.ConnectionAborted) is null)
        {
            return false;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, OrganizationGroup(organizationId), Context.ConnectionAborted);
        return true;
    }

    public Task LeaveOrganization(Guid organizationId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, OrganizationGroup(organizationId), Context.ConnectionAborted);
}
