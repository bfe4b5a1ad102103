using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pitlane.Platform.Messaging;

/// <summary>
/// Publishes to the "pitlane.events" topic exchange (AMQP 0-9-1) with the event's wire name as routing key, as a
/// persistent message (delivery-mode 2) on a channel in publisher-confirm mode: a publish returns only after the
/// broker confirmed it (basic.ack), i.e. took responsibility for it. One channel, publishes serialised, so outbox
/// order is kept. Broken connections, closed channels, nacks and timeouts are retried with exponential back-off;
/// when the broker stays away, <see cref="BrokerUnavailableException"/> tells the outbox to keep the row.
/// </summary>
public sealed class RabbitMqEventBus(
    RabbitMqConnection connection, EventRegistry registry, TimeProvider time, IOptions<PitlaneOptions> options, ILogger<RabbitMqEventBus> logger)
    : IEventBus, IAsyncDisposable
{
    private const int MaxAttempts = 6;
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return PublishAsync(EventRegistry.Serialize(integrationEvent), ct);
    }

    public async Task PublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var properties = new BasicProperties
        {
            MessageId = envelope.Id.ToString(),
            Type = envelope.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(envelope.OccurredAt.ToUnixTimeSeconds()),
        };
        var delay = TimeSpan.FromMilliseconds(100);
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var channel = await ChannelAsync(ct);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(ConfirmTimeout);
                    // mandatory=false: an event nobody subscribed to is dropped by the exchange, which is correct.
                    await channel.BasicPublishAsync(RabbitMqTopology.Exchange, envelope.Type, mandatory: false, properties, envelope.Body, timeout.Token);
                    return;
                }
                catch (Exception e) when (IsTransient(e, ct))
                {
                    if (attempt == MaxAttempts)
                    {
                        throw new BrokerUnavailableException($"RabbitMQ did not confirm event {envelope.Id} ({envelope.Type}) after {attempt} attempts: {e.Message}", e);
                    }
                    logger.LogWarning("Publish of {EventId} failed (attempt {Attempt}: {Reason}); retrying in {Delay}.", envelope.Id, attempt, e.Message, delay);
                    await DropChannelIfClosedAsync();
                    await Task.Delay(delay, time, ct);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException => !ct.IsCancellationRequested, // the confirm timeout, not the caller
        PublishException or AlreadyClosedException or OperationInterruptedException or BrokerUnreachableException
            or ConnectFailureException or IOException or TimeoutException => true,
        _ => false,
    };

    private async Task<IChannel> ChannelAsync(CancellationToken ct)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }
        var amqp = await connection.GetAsync(ct, once: true);
        await DropChannelIfClosedAsync();
        _channel = await amqp.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        await RabbitMqTopology.DeclareAsync(_channel, registry, options.Value.Messaging.MaxDeliveries, ct);
        return _channel;
    }

    private async Task DropChannelIfClosedAsync()
    {
        if (_channel is { IsOpen: false } closed)
        {
            _channel = null;
            try
            {
                await closed.DisposeAsync();
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // Already gone with its connection.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            try
            {
                await channel.CloseAsync();
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // The connection is already down.
            }
            await channel.DisposeAsync();
        }
        _gate.Dispose();
    }
}
