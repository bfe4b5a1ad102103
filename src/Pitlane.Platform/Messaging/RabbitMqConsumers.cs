using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Pitlane.Platform.Messaging;

/// <summary>
/// Declares the AMQP 0-9-1 topology and consumes it:
/// <list type="bullet">
/// <item>work: one durable quorum queue "pitlane.work.{handler}" per work handler, bound to its event's routing key.
/// Every instance consumes the same queue, so each event is handled by one instance (competing consumers). The
/// broker counts redeliveries (x-delivery-count) and dead-letters a message after Pitlane:Messaging:MaxDeliveries
/// (x-delivery-limit) to "pitlane.dead-letter".</item>
/// <item>fan-out: one exclusive, auto-delete queue "pitlane.live.{instance}" bound to every fan-out event, so each
/// instance receives every live event for its own SignalR clients; it disappears with the instance, and live events
/// published while an instance is disconnected are not replayed to it.</item>
/// </list>
/// Acknowledgements are manual and sent after the handler (and its inbox row) committed; prefetch bounds the
/// unacknowledged deliveries per channel (basic.qos). Declaration is retried with back-off until the broker is there;
/// after that the client's automatic recovery restores queues, bindings and consumers.
/// </summary>
public sealed class RabbitMqConsumers(
    RabbitMqConnection connection, EventRegistry registry, EventHandlerInvoker invoker, MessagingInstance instance,
    TimeProvider time, IOptions<PitlaneOptions> options, ILogger<RabbitMqConsumers> logger) : BackgroundService
{
    private readonly MessagingOptions _options = options.Value.Messaging;
    private readonly List<IChannel> _channels = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string LiveQueue => $"pitlane.live.{instance.Id}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RabbitMqStart.WithRetriesAsync(StartConsumingAsync, CloseChannelsAsync, "Declaring the RabbitMQ topology", logger, time, stoppingToken);

    /// <summary>Completes once this instance consumes every queue (tests and start-up probes wait for it).</summary>
    public Task Started => _started.Task;

    private async Task StartConsumingAsync(CancellationToken ct)
    {
        var amqp = await connection.GetAsync(ct);
        await using (var setup = await amqp.CreateChannelAsync(cancellationToken: ct))
        {
            await RabbitMqTopology.DeclareAsync(setup, registry, _options.MaxDeliveries, ct);
            await setup.CloseAsync(ct);
        }

        foreach (var subscription in registry.Subscriptions.Where(s => s.Delivery == EventDelivery.Work))
        {
            // Work deliveries are independent (the inbox makes each effective once), so several run at once.
            var channel = await OpenChannelAsync(amqp, _options.RabbitMq.ConsumerConcurrency, ct);
            await ConsumeAsync(channel, RabbitMqTopology.WorkQueue(subscription.HandlerName), [subscription], ct);
        }

        var fanOut = registry.Subscriptions.Where(s => s.Delivery == EventDelivery.FanOut).ToArray();
        if (fanOut.Length > 0)
        {
            // One at a time: live pushes of one instance keep their publishing order.
            var channel = await OpenChannelAsync(amqp, 1, ct);
            // No dead-lettering here: a live push that failed is stale a moment later, so it is dropped (and logged).
            await channel.QueueDeclareAsync(LiveQueue, durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
            foreach (var eventName in fanOut.Select(s => s.EventName).Distinct(StringComparer.Ordinal))
            {
                await channel.QueueBindAsync(LiveQueue, RabbitMqTopology.Exchange, eventName, cancellationToken: ct);
            }
            await ConsumeAsync(channel, LiveQueue, fanOut, ct);
        }
        logger.LogInformation("Consuming {Work} work queues and {FanOut} fan-out subscriptions from RabbitMQ.",
            registry.Subscriptions.Count(s => s.Delivery == EventDelivery.Work), fanOut.Length);
        _started.TrySetResult();
    }

    private async Task<IChannel> OpenChannelAsync(IConnection amqp, int concurrency, CancellationToken ct)
    {
        var channel = await amqp.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)concurrency), ct);
        lock (_channels)
        {
            _channels.Add(channel);
        }
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: (ushort)options.Value.Messaging.RabbitMq.Prefetch, global: false, ct);
        return channel;
    }

    private async Task ConsumeAsync(IChannel channel, string queue, IReadOnlyList<EventSubscription> subscriptions, CancellationToken stopping)
    {
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleDeliveryAsync(channel, queue, subscriptions, delivery, stopping);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stopping);
    }

    private async Task HandleDeliveryAsync(IChannel channel, string queue, IReadOnlyList<EventSubscription> subscriptions, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        var eventName = delivery.BasicProperties.Type ?? delivery.RoutingKey;
        IntegrationEvent? integrationEvent;
        try
        {
            integrationEvent = registry.Deserialize(eventName, delivery.Body.Span);
        }
        catch (JsonException e)
        {
            integrationEvent = null;
            logger.LogError(e, "Unreadable {Event} message on {Queue}.", eventName, queue);
        }
        if (integrationEvent is null)
        {
            // It can never succeed here: straight to the dead-letter queue (basic.nack, requeue=false).
            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: false, CancellationToken.None));
            return;
        }
        try
        {
            foreach (var subscription in subscriptions.Where(s => s.EventName == eventName))
            {
                await invoker.InvokeAsync(subscription, integrationEvent, stopping);
            }
            await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
        }
        catch (Exception e)
        {
            var deliveries = DeliveryCount(delivery);
            var live = subscriptions[0].Delivery == EventDelivery.FanOut;
            logger.LogWarning(e, "Handling {Event} {EventId} from {Queue} failed (delivery {Delivery}).", eventName, integrationEvent.Id, queue, deliveries + 1);
            if (!live && !stopping.IsCancellationRequested)
            {
                // A short back-off before the redelivery, growing with the broker's delivery count.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, deliveries), 5000)), time, CancellationToken.None);
            }
            // Work: requeue; the quorum queue dead-letters after x-delivery-limit. Live: a missed push is not retried.
            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: !live, CancellationToken.None));
        }
    }

    private static long DeliveryCount(BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var count) == true
            ? count switch { long n => n, int n => n, _ => 0 }
            : 0;

    /// <summary>An ack or nack on a channel the broker closed cannot be sent; the broker redelivers that message anyway.</summary>
    private async Task SettleAsync(Func<ValueTask> settle)
    {
        try
        {
            await settle();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            logger.LogInformation("Acknowledgement not sent ({Reason}); the broker will redeliver.", e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CloseChannelsAsync();
    }

    private async Task CloseChannelsAsync()
    {
        IChannel[] channels;
        lock (_channels)
        {
            channels = [.. _channels];
            _channels.Clear();
        }
        foreach (var channel in channels)
        {
            try
            {
                await channel.CloseAsync();
                await channel.DisposeAsync();
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
            {
                // Closed (and disposed) with the connection.
            }
        }
    }
}
