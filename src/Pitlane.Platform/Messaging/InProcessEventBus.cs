namespace Pitlane.Platform.Messaging;

/// <summary>
/// The embedded profile's bus: one process, so every subscription (work and fan-out alike) runs here, awaited in
/// registration order. Awaiting is what keeps delivery at least once: the dispatcher marks an outbox row published
/// only after every handler returned, so a crash in between means the row is published again, and the inbox turns
/// that redelivery into a no-op for the handlers that had finished. A failing handler fails the publish; the
/// dispatcher retries it with back-off and dead-letters the row after Pitlane:Messaging:MaxDeliveries attempts.
/// </summary>
public sealed class InProcessEventBus(EventRegistry registry, EventHandlerInvoker invoker) : IEventBus
{
    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return DeliverAsync(integrationEvent.Type, integrationEvent, ct);
    }

    public Task PublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var subscriptions = registry.For(envelope.Type);
        if (subscriptions.Count == 0)
        {
            return Task.CompletedTask;
        }
        var integrationEvent = registry.Deserialize(envelope.Type, envelope.Body.Span)
            ?? throw new InvalidOperationException($"The event '{envelope.Type}' has a null body.");
        return DeliverAsync(envelope.Type, integrationEvent, ct);
    }

    private async Task DeliverAsync(string eventName, IntegrationEvent integrationEvent, CancellationToken ct)
    {
        List<Exception>? failures = null;
        foreach (var subscription in registry.For(eventName))
        {
            try
            {
                await invoker.InvokeAsync(subscription, integrationEvent, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The other handlers still get the event; the redelivery that follows skips them through the inbox.
                (failures ??= []).Add(new InvalidOperationException($"{subscription.HandlerName} failed on {eventName} {integrationEvent.Id}: {e.Message}", e));
            }
        }
        if (failures is not null)
        {
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }
    }
}
