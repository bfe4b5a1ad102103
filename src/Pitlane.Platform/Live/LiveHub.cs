using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform.Live;

/// <summary>
/// Tells the hub which organisation a module's entity belongs to (the Vehicles module answers for "vehicle"), so a
/// connection joins that entity's group only after a membership check, and the kernel never reads a module's tables.
/// </summary>
public interface ILiveGroupOwner
{
    /// <summary>The group kind: "vehicle" for <see cref="LiveGroup.Vehicle"/>.</summary>
    string Kind { get; }

    Task<Guid?> OrganizationOfAsync(Guid id, CancellationToken ct);
}

/// <summary>
/// The one real-time channel. A connection joins a group only after the caller's membership of the group's
/// organisation is checked, and keeps it only while that holds (<see cref="LiveAccessMonitor"/>); modules publish
/// through <see cref="ILiveChannel"/>.
/// </summary>
[Authorize]
public sealed class LiveHub(PlatformDbContext db, IMembershipDirectory directory, MembershipCache memberships, IEnumerable<ILiveGroupOwner> owners,
    LiveConnections connections) : Hub
{
    public override Task OnConnectedAsync()
    {
        connections.Open(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Close(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task<bool> JoinOrganization(Guid organizationId) =>
        await JoinAsync(LiveGroup.Organization(organizationId));

    /// <summary>The caller's own updates in an organisation they belong to (nobody else can join this group).</summary>
    public async Task<bool> JoinMine(Guid organizationId) =>
        Context.User?.UserId() is { } userId && await JoinAsync(LiveGroup.Member(organizationId, userId));

    /// <summary>Live values and events of one vehicle; the vehicle must belong to an organisation the caller is in.</summary>
    public async Task<bool> JoinVehicle(Guid vehicleId)
    {
        var owner = owners.FirstOrDefault(o => o.Kind == "vehicle");
        var organizationId = owner is null ? null : await owner.OrganizationOfAsync(vehicleId, Context.ConnectionAborted);
        return organizationId is { } org && await JoinAsync(LiveGroup.Vehicle(org, vehicleId));
    }

    /// <summary>Progress of one job (a scan, a report); the job must belong to an organisation the caller is in.</summary>
    public async Task<bool> JoinJob(Guid jobId)
    {
        var organizationId = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => (Guid?)j.OrganizationId).FirstOrDefaultAsync(Context.ConnectionAborted);
        return organizationId is { } org && await JoinAsync(LiveGroup.Job(org, jobId));
    }

    public Task Leave(string group)
    {
        connections.Find(Context.ConnectionId)?.Left(group);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
    }

    private async Task<bool> JoinAsync(LiveGroup group)
    {
        if (Context.User?.UserId() is not { } userId
            || await memberships.RoleOfAsync(directory, group.OrganizationId, userId, Context.ConnectionAborted) is null)
        {
            return false;
        }
        // Recorded before joining: a re-check running in between then sees the group and may take it away again.
        connections.Find(Context.ConnectionId)?.Joined(group);
        await Groups.AddToGroupAsync(Context.ConnectionId, group.Name, Context.ConnectionAborted);
        return true;
    }
}

/// <summary><see cref="ILiveChannel"/> over this instance's SignalR connections.</summary>
internal sealed class SignalRLiveChannel(IHubContext<LiveHub> hub) : ILiveChannel
{
    public Task PublishAsync(LiveGroup group, string method, object payload, CancellationToken ct) =>
        hub.Clients.Group(group.Name).SendAsync(method, payload, ct);
}
