namespace Pitlane.Modules.Payments.Contracts;

/// <summary>
/// What an organisation's subscriptions entitle it to, for modules that gate features or limits on a plan (the
/// marketplace's listings per seller and its fee). A subscription grants its plan's entitlements while trialing, active
/// or past due (the dunning grace period); unpaid, incomplete and canceled grant nothing.
/// </summary>
public interface ISubscriptions
{
    /// <param name="providerOrganizationId">Only subscriptions to this provider's plans; null for all.</param>
    Task<EntitlementSet> EntitlementsAsync(Guid subscriberOrganizationId, Guid? providerOrganizationId, CancellationToken ct);
}

/// <param name="Features">Feature name → limit; where several plans grant one feature, the highest limit.</param>
public sealed record EntitlementSet(IReadOnlyDictionary<string, long> Features, IReadOnlyList<EntitledPlan> Plans)
{
    public bool Has(string feature) => Features.TryGetValue(feature, out var limit) && limit > 0;

    public long? Limit(string feature) => Features.TryGetValue(feature, out var limit) ? limit : null;
}

public sealed record EntitledPlan(Guid SubscriptionId, Guid ProviderOrganizationId, string PlanCode, string PlanName, string Status, DateTime CurrentPeriodEnd);

/// <summary>A subscription started, renewed into another state, changed plan, was set to cancel or ended.</summary>
public sealed record SubscriptionChanged(
    Guid SubscriptionId,
    Guid ProviderOrganizationId,
    Guid SubscriberOrganizationId,
    string PlanCode,
    string Status,
    bool GrantsEntitlements,
    bool CancelAtPeriodEnd,
    DateTime CurrentPeriodEnd) : Pitlane.Platform.Messaging.IntegrationEvent;
