using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Pitlane.Platform.Messaging;

/// <summary>
/// A fact one module tells the others, after its change committed. Modules write events to the outbox
/// (<see cref="OutboxExtensions.AddOutboxEvent"/>) in the same SaveChanges as the change itself; the dispatcher
/// publishes them afterwards, at least once. Handlers must therefore be idempotent by <see cref="Id"/>; work handlers
/// get that for free through the inbox (<see cref="InboxEntry"/>).
/// </summary>
public abstract record IntegrationEvent
{
    /// <summary>Unique per event; the AMQP message-id and the inbox key.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>When the fact happened, from the caller's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The wire name: the AMQP routing key and the outbox type column.</summary>
    [JsonIgnore]
    public string Type => IntegrationEventName.Of(GetType());
}

/// <summary>
/// Names the event on the wire (e.g. "jobs.queued"); without it the CLR type name is used. Renaming the class then
/// keeps the routing key, queued messages and outbox rows valid.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IntegrationEventNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

public static class IntegrationEventName
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    public static string Of(Type type) => Names.GetOrAdd(type, t => t.GetCustomAttribute<IntegrationEventNameAttribute>()?.Name ?? t.Name);

    public static string Of<TEvent>() where TEvent : IntegrationEvent => Of(typeof(TEvent));
}

/// <summary>How a handler receives an event when several app instances run.</summary>
public enum EventDelivery
{
    /// <summary>One instance handles each event (competing consumers on one durable queue per handler), with the inbox.</summary>
    Work,

    /// <summary>Every instance handles every event (one exclusive queue per instance): live pushes to its own SignalR clients.</summary>
    FanOut,
}

/// <summary>Handles one event type; resolved from DI in a fresh scope per delivery.</summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken ct);
}

/// <summary>
/// Carries events to their handlers: in process (embedded profile) or over RabbitMQ (distributed profile, chosen by
/// Pitlane:Messaging:Provider). Modules normally write to the outbox instead of calling this: a direct publish is for
/// ephemeral live events (progress, live values) that may be lost when the process or the broker goes down. With
/// RabbitMQ a publish returns once the broker confirmed it and keeps retrying for a few seconds through an outage
/// before it throws <see cref="BrokerUnavailableException"/>, so a hot path queues its live events and publishes them
/// from a loop of its own (as the job worker does) rather than awaiting the bus in a request.
/// </summary>
public interface IEventBus
{
    Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct);

    /// <summary>Publishes an already serialised event (the outbox dispatcher's path).</summary>
    Task PublishAsync(EventEnvelope envelope, CancellationToken ct);
}

/// <summary>An event as it travels: its id, wire name, time and JSON body.</summary>
public sealed record EventEnvelope(Guid Id, string Type, DateTimeOffset OccurredAt, ReadOnlyMemory<byte> Body);

/// <summary>Thrown when the broker stays unreachable through the publisher's own retries; the outbox keeps the event.</summary>
public sealed class BrokerUnavailableException(string message, Exception? inner) : Exception(message, inner);
