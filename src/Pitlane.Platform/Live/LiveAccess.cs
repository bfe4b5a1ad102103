using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform.Live;

/// <summary>
/// What a connection is told when it loses access ("access" on the hub), for the page to show: <see cref="Reason"/> is
/// "removed" (no longer a member of <see cref="OrganizationId"/>) or "signed-out" (the connection is then closed).
/// </summary>
public sealed record LiveAccessMessage(string Reason, Guid? OrganizationId, string Message)
{
    public const string Method = "access";

    public static LiveAccessMessage Removed(Guid organizationId) => new("removed", organizationId,
        "You are no longer a member of this organisation, so its live updates have stopped. Reload the page to carry on where you still have access.");

    public static LiveAccessMessage SignedOut() => new("signed-out", null,
        "You were signed out, so live updates have stopped. Sign in again to carry on.");
}

/// <summary>One open hub connection: who it is and which groups it joined, by organisation.</summary>
public sealed class LiveConnection(HubCallerContext context, Guid userId)
{
    private readonly ConcurrentDictionary<string, Guid> _groups = new(StringComparer.Ordinal);

    public string Id => context.ConnectionId;

    public Guid UserId { get; } = userId;

    public ClaimsPrincipal User => context.User ?? new ClaimsPrincipal();

    public IReadOnlyList<LiveGroup> Groups => _groups.Select(g => new LiveGroup(g.Key, g.Value)).ToList();

    internal void Joined(LiveGroup group) => _groups[group.Name] = group.OrganizationId;

    internal void Left(string group) => _groups.TryRemove(group, out _);

    internal void Abort() => context.Abort();
}

/// <summary>This instance's open hub connections, so access can be checked again after they joined.</summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, LiveConnection> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    internal LiveConnection? Open(HubCallerContext context)
    {
        if (context.User?.UserId() is not { } userId)
        {
            return null;
        }
        var connection = new LiveConnection(context, userId);
        _open[context.ConnectionId] = connection;
        return connection;
    }

    internal LiveConnection? Find(string connectionId) => _open.GetValueOrDefault(connectionId);

    internal void Close(string connectionId) => _open.TryRemove(connectionId, out _);

    internal IReadOnlyList<LiveConnection> Where(Func<LiveConnection, bool> which) => _open.Values.Where(which).ToList();
}

/// <summary>
/// Checks open hub connections again: a connection whose session ended is told and closed; one whose user is no
/// longer a member of a group's organisation is told and removed from that organisation's groups. Runs every
/// Pitlane:Live:RecheckSeconds over all connections, and at once for one person on <see cref="MembershipRemoved"/> and
/// <see cref="SessionRevoked"/> (fan-out: each instance checks its own connections). Expired authentication is the
/// dispatcher's job (CloseOnAuthenticationExpiration on the hub's route).
/// </summary>
public sealed class LiveAccessMonitor(
    LiveConnections connections,
    IHubContext<LiveHub> hub,
    IServiceScopeFactory scopes,
    IOptions<PitlaneOptions> options,
    TimeProvider time,
    ILogger<LiveAccessMonitor> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Live.RecheckSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RecheckAsync(_ => true, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again; a database outage must not stop the re-checks for good.
                logger.LogWarning(e, "Re-checking live connections failed.");
            }
        }
    }

    /// <summary>Checks the connections <paramref name="which"/> selects; one check at a time, so a person is told once.</summary>
    public async Task RecheckAsync(Func<LiveConnection, bool> which, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var person in connections.Where(which).GroupBy(c => c.UserId))
            {
                await using var scope = scopes.CreateAsyncScope();
                var sessions = scope.ServiceProvider.GetService<ISessionDirectory>();
                var directory = scope.ServiceProvider.GetRequiredService<IMembershipDirectory>();
                var memberOf = new Dictionary<Guid, bool>();
                foreach (var connection in person)
                {
                    if (sessions is not null && !await sessions.IsActiveAsync(connection.User, ct))
                    {
                        await TellAsync(connection, LiveAccessMessage.SignedOut(), ct);
                        connection.Abort();
                        connections.Close(connection.Id);
                        continue;
                    }
                    foreach (var organization in connection.Groups.GroupBy(g => g.OrganizationId))
                    {
                        if (!memberOf.TryGetValue(organization.Key, out var member))
                        {
                            member = memberOf[organization.Key] = await directory.RoleOfAsync(organization.Key, person.Key, ct) is not null;
                        }
                        if (member)
                        {
                            continue;
                        }
                        foreach (var group in organization)
                        {
                            await hub.Groups.RemoveFromGroupAsync(connection.Id, group.Name, ct);
                            connection.Left(group.Name);
                        }
                        await TellAsync(connection, LiveAccessMessage.Removed(organization.Key), ct);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TellAsync(LiveConnection connection, LiveAccessMessage message, CancellationToken ct)
    {
        try
        {
            await hub.Clients.Client(connection.Id).SendAsync(LiveAccessMessage.Method, message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Telling is a courtesy: the connection loses its access whether or not the message got through.
            logger.LogDebug(e, "Could not tell connection {ConnectionId} it lost access.", connection.Id);
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}

/// <summary>Revocations from any instance, applied to this one's cache and connections (fan-out).</summary>
public sealed class LiveAccessRevocations(LiveAccessMonitor monitor, MembershipCache memberships)
    : IIntegrationEventHandler<MembershipRemoved>, IIntegrationEventHandler<SessionRevoked>
{
    public Task HandleAsync(MembershipRemoved integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        memberships.Invalidate(integrationEvent.OrganizationId, integrationEvent.UserId);
        return monitor.RecheckAsync(c => c.UserId == integrationEvent.UserId, ct);
    }

    public Task HandleAsync(SessionRevoked integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return monitor.RecheckAsync(c => c.UserId == integrationEvent.UserId, ct);
    }
}
