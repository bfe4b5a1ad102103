using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Shop.Contracts;

/// <summary>
/// Published (through the outbox, in the transaction of the decision) when a job on a repair order becomes declined:
/// by the advisor for the customer, or by the customer on an approval link. Messaging schedules the declined-work
/// reminder from it.
/// </summary>
public sealed record RepairOrderJobDeclined(Guid OrganizationId, Guid RepairOrderId, Guid JobId, Guid CustomerId, string Title) : IntegrationEvent;
