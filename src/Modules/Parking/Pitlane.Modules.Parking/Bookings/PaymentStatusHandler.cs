using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Parking.Bookings;

/// <summary>
/// Confirms a booking when its driver pays on the processor's page: the Payments module's
/// <see cref="PaymentIntentStatusChanged"/> with our reference ("parking.booking:{id}") and the money held
/// (requires_capture). The inbox row commits with the booking change; confirming twice changes nothing.
/// </summary>
internal sealed class PaymentStatusHandler(BookingService bookings, ParkingDbContext db) : IIntegrationEventHandler<PaymentIntentStatusChanged>
{
    public async Task HandleAsync(PaymentIntentStatusChanged integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent is { Status: "requires_capture" } && integrationEvent.IsFor(BookingService.ReferencePrefix, out var bookingId))
        {
            await bookings.PaidAsync(bookingId, integrationEvent.IntentId, ct);
        }
        // Saves the inbox row (and nothing else when the event was not ours or changed nothing).
        await db.SaveChangesAsync(ct);
    }
}
