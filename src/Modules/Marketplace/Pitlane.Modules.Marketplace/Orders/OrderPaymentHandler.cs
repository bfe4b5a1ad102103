using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Marketplace.Orders;

/// <summary>
/// Puts an order into escrow when its buyer pays on the processor's page: the Payments module's
/// <see cref="PaymentIntentStatusChanged"/> with our reference ("marketplace.order:{id}") and the money held
/// (requires_capture). The inbox row commits with the order change; the same news twice changes nothing.
/// </summary>
internal sealed class OrderPaymentHandler(OrderService orders, MarketplaceDbContext db) : IIntegrationEventHandler<PaymentIntentStatusChanged>
{
    public async Task HandleAsync(PaymentIntentStatusChanged integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent is { Status: "requires_capture" } && integrationEvent.IsFor(OrderService.ReferencePrefix, out var orderId))
        {
            await orders.PaidAsync(orderId, integrationEvent.IntentId, ct);
        }
        // Saves the inbox row (and nothing else when the event was not ours or changed nothing).
        await db.SaveChangesAsync(ct);
    }
}
