using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>
/// Marks a repair order paid when the customer pays its payment link: the Payments module's
/// <see cref="PaymentIntentStatusChanged"/> with our reference ("shop.invoice:{ro}") and status succeeded. The inbox
/// row commits with the payment (one transaction), and recording is idempotent by intent, so a redelivery changes nothing.
/// </summary>
internal sealed class PaymentStatusHandler(RepairOrders orders, ShopDbContext db) : IIntegrationEventHandler<PaymentIntentStatusChanged>
{
    public async Task HandleAsync(PaymentIntentStatusChanged integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent is not { Status: "succeeded", AmountReceived: > 0 } || !integrationEvent.IsFor(RepairOrders.ReferencePrefix, out var repairOrderId))
        {
            await db.SaveChangesAsync(ct);
            return;
        }
        var outcome = await orders.RecordOnlineAsync(integrationEvent.OrganizationId, repairOrderId, integrationEvent.IntentId, integrationEvent.AmountReceived,
            integrationEvent.IntentId.ToString(), ct);
        if (outcome.Value is null)
        {
            // Nothing to record (no such RO, or it was settled another way meanwhile): keep the inbox row so it is not retried.
            await db.SaveChangesAsync(ct);
        }
    }
}
