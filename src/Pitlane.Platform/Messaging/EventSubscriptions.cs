using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Platform.Persistence;

namespace Pitlane.Platform.Messaging;

/// <summary>One handler's interest in one event type, registered by <see cref="MessagingServices.AddIntegrationEventHandler{TEvent, THandler}"/>.</summary>
public sealed class EventSubscription
{
    internal EventSubscription(Type eventType, Type handlerType, string handlerName, EventDelivery delivery, Type inboxContext,
        Func<IServiceProvider, IntegrationEvent, CancellationToken, Task> invoke)
    {
        InboxContext = inboxContext;
        EventType = eventType;
        EventName = IntegrationEventName.Of(eventType);
        HandlerType = handlerType;
        HandlerName = handlerName;
        Delivery = delivery;
        Invoke = invoke;
    }

    public Type EventType { get; }

    public string EventName { get; }

    public Type HandlerType { get; }

    /// <summary>The inbox consumer name and, with RabbitMQ, the work queue "pitlane.work.{HandlerName}".</summary>
    public string HandlerName { get; }

    public EventDelivery Delivery { get; }

    /// <summary>The context (a module's own) through which a work handler saves: its inbox row is written by that context, with the handler's change.</summary>
    public Type InboxContext { get; }

    internal Func<IServiceProvider, IntegrationEvent, CancellationToken, Task> Invoke { get; }
}

/// <summary>Every subscription of this instance, by event name, and the (de)serialisation of events.</summary>
public sealed class EventRegistry
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSubscription[]> _byEvent;

    public EventRegistry(IEnumerable<EventSubscription> subscriptions)
    {
        Subscriptions = subscriptions.ToArray();
        var duplicate = Subscriptions.GroupBy(s => s.HandlerName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two event subscriptions share the handler name '{duplicate.Key}'; each needs its own inbox and queue.");
        }
        foreach (var subscription in Subscriptions)
        {
            if (_types.TryGetValue(subscription.EventName, out var known) && known != subscription.EventType)
            {
                throw new InvalidOperationException($"The event name '{subscription.EventName}' belongs to both {known} and {subscription.EventType}.");
            }
            _types[subscription.EventName] = subscription.EventType;
        }
        _byEvent = Subscriptions.GroupBy(s => s.EventName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<EventSubscription> Subscriptions { get; }

    public IReadOnlyList<EventSubscription> For(string eventName) => _byEvent.TryGetValue(eventName, out var found) ? found : [];

    public static EventEnvelope Serialize(IntegrationEvent integrationEvent) => new(
        integrationEvent.Id, integrationEvent.Type, integrationEvent.OccurredAt,
        JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), Json));

    /// <summary>The event, or null when no handler of this instance knows the name (nothing here can process it).</summary>
    public IntegrationEvent? Deserialize(string eventName, ReadOnlySpan<byte> body) =>
        _types.TryGetValue(eventName, out var type) ? (IntegrationEvent?)JsonSerializer.Deserialize(body, type, Json) : null;
}

/// <summary>
/// Runs one handler for one delivery in its own DI scope. A work handler's delivery is recorded in the inbox
/// (platform_inbox) through the handler's own context (<see cref="EventSubscription.InboxContext"/>): the inbox row is tracked before the handler
/// runs, so a handler that saves through the same context commits its change and the inbox row together; a delivery
/// whose (handler, event id) is already in the inbox is skipped. Fan-out handlers only push live data and have no inbox.
/// </summary>
public sealed class EventHandlerInvoker(IServiceScopeFactory scopes, TimeProvider time, ILogger<EventHandlerInvoker> logger)
{
    public async Task InvokeAsync(EventSubscription subscription, IntegrationEvent integrationEvent, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (subscription.Delivery == EventDelivery.FanOut)
        {
            await subscription.Invoke(scope.ServiceProvider, integrationEvent, ct);
            return;
        }
        var db = (DbContext)scope.ServiceProvider.GetRequiredService(subscription.InboxContext);
        if (await AlreadyProcessedAsync(db, subscription.HandlerName, integrationEvent.Id, ct))
        {
            logger.LogDebug("Event {EventId} already processed by {Handler}; delivery skipped.", integrationEvent.Id, subscription.HandlerName);
            return;
        }
        db.Set<InboxEntry>().Add(new InboxEntry(subscription.HandlerName, integrationEvent.Id, time.GetUtcNow().UtcDateTime));
        await subscription.Invoke(scope.ServiceProvider, integrationEvent, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (!await AlreadyProcessedInFreshScopeAsync(subscription, integrationEvent.Id, ct))
            {
                throw;
            }
            // A concurrent redelivery (e.g. after a broker restart) recorded the same event first: processed once.
        }
    }

    private static Task<bool> AlreadyProcessedAsync(DbContext db, string consumer, Guid eventId, CancellationToken ct) =>
        db.Set<InboxEntry>().AsNoTracking().AnyAsync(i => i.Consumer == consumer && i.EventId == eventId, ct);

    private async Task<bool> AlreadyProcessedInFreshScopeAsync(EventSubscription subscription, Guid eventId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await AlreadyProcessedAsync((DbContext)scope.ServiceProvider.GetRequiredService(subscription.InboxContext), subscription.HandlerName, eventId, ct);
    }
}
