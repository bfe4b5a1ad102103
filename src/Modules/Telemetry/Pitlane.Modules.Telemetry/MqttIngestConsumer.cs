using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// MQTT ingest in the distributed profile, consumed over AMQP 0-9-1. Devices publish the batch JSON of
/// POST /api/v1/telemetry/batches to the MQTT 3.1.1 topic <c>devices/{deviceId}/telemetry</c> with QoS 1 on RabbitMQ's
/// MQTT plugin. The plugin publishes every MQTT message to the <c>amq.topic</c> exchange with the topic as routing key,
/// '/' turned into '.', and sends the device its PUBACK only once the message is routed to (and confirmed by) the
/// queues bound there. Hence <see cref="Queue"/>, a durable quorum queue bound with <see cref="RoutingPattern"/>, must
/// exist before devices publish: an MQTT message that no queue takes is dropped by the exchange.
/// <para>
/// Every instance consumes the one queue (competing consumers), with manual acknowledgements and basic.qos prefetch.
/// A delivery is acknowledged only after <see cref="TelemetryIngest"/> committed the batch (or found it a replay), so
/// a crash before the commit makes the broker redeliver it, and the batch id makes the redelivery store nothing twice.
/// A batch that can never be stored (unknown or revoked device, invalid JSON or samples, too large) is acknowledged
/// and logged: requeueing it would only loop. A transient failure (the database is down) is negatively acknowledged
/// with requeue after a back-off, so nothing is lost while the database is away. An unexpected exception (a bug) is
/// rejected without requeue and lands in "pitlane.dead-letter" for inspection.
/// </para>
/// <para>
/// Authentication: MQTT clients authenticate to the broker, not to Pitlane, so the device key is never seen here. The
/// device id in the topic must name an existing, unrevoked device whose vehicle is still in its organisation. The id
/// is not a secret: in production each device gets its own broker user, limited by RabbitMQ topic authorisation to
/// write only <c>devices.{its id}.telemetry</c> on <c>amq.topic</c>, and the shared guest user is removed. That broker
/// configuration is the hardening that makes the id in the topic trustworthy.
/// </para>
/// </summary>
public sealed class MqttIngestConsumer(
    RabbitMqConnection connection, EventRegistry registry, DeviceKeys devices, TelemetryIngest ingest,
    TimeProvider time, IOptions<PitlaneOptions> options, ILogger<MqttIngestConsumer> logger) : BackgroundService
{
    /// <summary>The RabbitMQ MQTT plugin's exchange for MQTT publishes.</summary>
    public const string MqttExchange = "amq.topic";

    public const string Queue = "pitlane.telemetry.mqtt";

    /// <summary>The MQTT topic filter devices/+/telemetry, as an AMQP topic binding ('*' is one word).</summary>
    public const string RoutingPattern = "devices.*.telemetry";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly MessagingOptions _options = options.Value.Messaging;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IChannel? _channel;
    private long _settled;

    /// <summary>Deliveries this instance settled (acked or nacked): shows how competing consumers shared the queue.</summary>
    public long Settled => Interlocked.Read(ref _settled);

    /// <summary>Completes once this instance consumes the MQTT ingest queue (tests wait for it before devices publish).</summary>
    public Task Started => _started.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RabbitMqStart.WithRetriesAsync(StartConsumingAsync, CloseChannelAsync, "Declaring the MQTT ingest queue", logger, time, stoppingToken);

    private async Task StartConsumingAsync(CancellationToken ct)
    {
        // The bus's one connection: its automatic recovery re-declares this channel's queue, binding and consumer.
        var amqp = await connection.GetAsync(ct);
        // Batches are independent (each has its own transaction and idempotency record), so several commit at once.
        var channel = await amqp.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false,
            consumerDispatchConcurrency: (ushort)_options.RabbitMq.ConsumerConcurrency), ct);
        _channel = channel;
        // The shared topology brings the dead-letter exchange and queue this queue dead-letters to.
        await RabbitMqTopology.DeclareAsync(channel, registry, _options.MaxDeliveries, ct);
        // No x-delivery-limit: a batch requeued through a long database outage must not be dropped or dead-lettered
        // for being retried. (RabbitMQ 4 sets a default limit of 20 on quorum queues; past it the message goes to the
        // dead-letter queue below, not away.)
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-dead-letter-exchange"] = RabbitMqTopology.DeadLetterExchange,
        }, cancellationToken: ct);
        await channel.QueueBindAsync(Queue, MqttExchange, RoutingPattern, cancellationToken: ct);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: (ushort)_options.RabbitMq.Prefetch, global: false, ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleDeliveryAsync(channel, delivery, ct);
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, ct);
        logger.LogInformation("Consuming MQTT telemetry from {Queue} ({Exchange} {Pattern}).", Queue, MqttExchange, RoutingPattern);
        _started.TrySetResult();
    }

    private async Task HandleDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        if (DeviceIdOf(delivery.RoutingKey) is not { } deviceId)
        {
            logger.LogWarning("MQTT message on {RoutingKey} does not name a device (devices/{{deviceId}}/telemetry); dropped.", delivery.RoutingKey);
            await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
            return;
        }
        try
        {
            if (await devices.FindActiveAsync(deviceId, stopping) is not { } device)
            {
                logger.LogWarning("MQTT batch from unknown or revoked device {DeviceId}; dropped.", deviceId);
                await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
                return;
            }
            // The body is valid until this handler completes; the store copies what it keeps before it returns.
            var outcome = await ingest.IngestAsync(device, delivery.Body, stopping);
            if (outcome.Status is IngestStatus.Invalid or IngestStatus.TooLarge)
            {
                logger.LogWarning("MQTT batch {BatchId} from device {DeviceId} rejected ({Status}): {Errors}; dropped.", outcome.BatchId, deviceId, outcome.Status,
                    outcome.Detail ?? Describe(outcome.Errors));
            }
            await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
        }
        catch (Exception e) when (IsTransient(e, stopping))
        {
            var deliveries = DeliveryCount(delivery);
            if (!stopping.IsCancellationRequested)
            {
                logger.LogWarning(e, "MQTT batch from device {DeviceId} not stored (delivery {Delivery}); requeued.", deviceId, deliveries + 1);
                // Growing with the quorum queue's delivery count, so a database outage is not a hot requeue loop.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(deliveries, 16)), MaxBackoff.TotalMilliseconds)), time, CancellationToken.None);
            }
            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None));
        }
        catch (Exception e)
        {
            logger.LogError(e, "MQTT batch from device {DeviceId} failed unexpectedly; dead-lettered.", deviceId);
            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: false, CancellationToken.None));
        }
    }

    /// <summary>The device id of the routing key "devices.{id}.telemetry", or null.</summary>
    public static Guid? DeviceIdOf(string routingKey)
    {
        ArgumentNullException.ThrowIfNull(routingKey);
        const string prefix = "devices.", suffix = ".telemetry";
        return routingKey.StartsWith(prefix, StringComparison.Ordinal) && routingKey.EndsWith(suffix, StringComparison.Ordinal)
            && routingKey.Length > prefix.Length + suffix.Length
            && Guid.TryParse(routingKey.AsSpan(prefix.Length, routingKey.Length - prefix.Length - suffix.Length), out var id)
                ? id
                : null;
    }

    /// <summary>Failures that pass with time: the database (or its connection pool) is unavailable, or this instance stops.</summary>
    private static bool IsTransient(Exception e, CancellationToken stopping) => e switch
    {
        OperationCanceledException => stopping.IsCancellationRequested,
        DbException or TimeoutException => true,
        // EF Core and the pools wrap connection failures; a database fault somewhere in the chain counts.
        _ => e.InnerException is { } inner && IsTransient(inner, stopping),
    };

    private static string Describe(Dictionary<string, string[]>? errors) =>
        errors is null ? "" : string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"));

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
            Interlocked.Increment(ref _settled);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            logger.LogInformation("MQTT acknowledgement not sent ({Reason}); the broker will redeliver.", e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CloseChannelAsync();
    }

    private async Task CloseChannelAsync()
    {
        if (Interlocked.Exchange(ref _channel, null) is not { } channel)
        {
            return;
        }
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
