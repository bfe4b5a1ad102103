namespace Pitlane.Platform.Live;

/// <summary>
/// The one real-time channel, as modules see it: push a message to everyone watching a group. The web host
/// implements it over SignalR (/hubs/live); a group is joined only after an authorization check in the hub.
/// </summary>
public interface ILiveChannel
{
    Task PublishAsync(LiveGroup group, string method, object payload, CancellationToken ct);
}

/// <summary>A SignalR group name with the organisation it belongs to, so the hub can check membership on join.</summary>
public readonly record struct LiveGroup(string Name, Guid OrganizationId)
{
    public static LiveGroup Organization(Guid organizationId) => new($"org:{organizationId:N}", organizationId);

    public static LiveGroup Vehicle(Guid organizationId, Guid vehicleId) => new($"vehicle:{vehicleId:N}", organizationId);

    public static LiveGroup Job(Guid organizationId, Guid jobId) => new($"job:{jobId:N}", organizationId);

    /// <summary>One person's own updates within an organisation (their live practice tips), joined only by that person.</summary>
    public static LiveGroup Member(Guid organizationId, Guid userId) => new($"member:{organizationId:N}:{userId:N}", organizationId);
}
