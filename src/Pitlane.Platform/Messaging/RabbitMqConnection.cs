using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pitlane.Platform.Messaging;

/// <summary>
/// The instance's one AMQP 0-9-1 connection to RabbitMQ (channels are multiplexed on it). The first connect is
/// retried with exponential back-off, so the app starts while the broker is down; after that the client's automatic
/// recovery reconnects and re-declares the recorded topology (exchanges, queues, bindings, consumers).
/// </summary>
public sealed class RabbitMqConnection : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ConnectionFactory _factory;
    private readonly string _clientName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger<RabbitMqConnection> _logger;
    private readonly TimeProvider _time;
    private IConnection? _connection;

    public RabbitMqConnection(IOptions<PitlaneOptions> options, MessagingInstance instance, TimeProvider time, ILogger<RabbitMqConnection> logger)
    {
        _factory = new ConnectionFactory
        {
            Uri = new Uri(options.Value.Messaging.RabbitMq.Uri!),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            RequestedHeartbeat = TimeSpan.FromSeconds(20),
        };
        _clientName = $"pitlane {instance.Id}";
        _time = time;
        _logger = logger;
    }

    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>
    /// The open (or recovering) connection. Without one yet, waits, retrying with back-off, until the broker answers;
    /// with <paramref name="once"/> (publishers, who have their own retry) makes a single attempt and throws
    /// <see cref="BrokerUnreachableException"/> when it fails.
    /// </summary>
    public async Task<IConnection> GetAsync(CancellationToken ct, bool once = false)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            if (_connection is { } existing)
            {
                return existing;
            }
            // One attempt at a time; the back-off sleep happens outside the lock so a publisher's single attempt
            // never waits behind a consumer's retry loop.
            await _gate.WaitAsync(ct);
            try
            {
                if (_connection is null)
                {
                    _connection = await _factory.CreateConnectionAsync(_clientName, ct);
                    _logger.LogInformation("Connected to RabbitMQ at {Host}:{Port}.", _factory.HostName, _factory.Port);
                }
                return _connection;
            }
            catch (BrokerUnreachableException e) when (!once)
            {
                _logger.LogWarning("RabbitMQ at {Host}:{Port} unreachable ({Reason}); retrying in {Delay}.", _factory.HostName, _factory.Port, e.InnerException?.Message ?? e.Message, delay);
            }
            finally
            {
                _gate.Release();
            }
            await Task.Delay(delay, _time, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException)
            {
                // Closing a connection the broker already dropped.
            }
            connection.Dispose();
        }
        _gate.Dispose();
    }
}

/// <summary>
/// The shared AMQP 0-9-1 topology, declared (idempotently) by publishers and consumers alike, so an event published
/// before any consumer of it ever started still lands in its work queue instead of being dropped as unroutable.
/// A declaration with other arguments than the existing queue's fails (PRECONDITION_FAILED): changing
/// Pitlane:Messaging:MaxDeliveries needs the work queues deleted first.
/// </summary>
public static class RabbitMqTopology
{
    /// <summary>The durable topic exchange every integration event is published to, with its wire name as routing key.</summary>
    public const string Exchange = "pitlane.events";

    /// <summary>Poison messages (AMQP dead-lettering) land in <see cref="DeadLetterQueue"/> through this fanout exchange.</summary>
    public const string DeadLetterExchange = "pitlane.dead-letter";

    public const string DeadLetterQueue = "pitlane.dead-letter";

    public const int DeadLetterMaxLength = 100_000;

    public static string WorkQueue(string handlerName) => $"pitlane.work.{handlerName}";

    public static async Task DeclareAsync(IChannel channel, EventRegistry registry, int maxDeliveries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(registry);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        // Bounded, oldest dropped first, so a storm of poison messages cannot fill the broker's disk.
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-max-length"] = DeadLetterMaxLength,
        }, cancellationToken: ct);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, "", cancellationToken: ct);
        foreach (var subscription in registry.Subscriptions.Where(s => s.Delivery == EventDelivery.Work))
        {
            var queue = WorkQueue(subscription.HandlerName);
            // A quorum queue (replicated, durable) counts deliveries itself and dead-letters a poison message. Its
            // x-delivery-limit counts returns (nacks, lost channels), so MaxDeliveries deliveries allow one fewer.
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = maxDeliveries - 1,
                ["x-dead-letter-exchange"] = DeadLetterExchange,
            }, cancellationToken: ct);
            await channel.QueueBindAsync(queue, Exchange, subscription.EventName, cancellationToken: ct);
        }
    }
}

/// <summary>/health/ready reports the broker: unhealthy while the connection is down or recovering.</summary>
public sealed class RabbitMqHealthCheck(RabbitMqConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsOpen
            ? HealthCheckResult.Healthy("Connected to RabbitMQ.")
            : HealthCheckResult.Unhealthy("Not connected to RabbitMQ (connecting or recovering)."));
}

/// <summary>This app instance's identity: the owner of job leases and the name of its fan-out queue.</summary>
public sealed class MessagingInstance
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>Starts a RabbitMQ consumer, retrying with exponential back-off (250 ms to 30 s) while the broker is unreachable.</summary>
public static class RabbitMqStart
{
    public static async Task WithRetriesAsync(
        Func<CancellationToken, Task> start, Func<Task> cleanUp, string what, Microsoft.Extensions.Logging.ILogger logger,
        TimeProvider time, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await start(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException
                or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "{What} failed ({Reason}); retrying in {Delay}.", what, e.Message, delay);
                await cleanUp();
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
