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
    /// <summary>The topic exchange every integration event is published to, with its wire name as routing key.</summary>
    public const string Exchange = "pitlane.events";

    /// <summary>Poison messages (AMQP dead-lettering) land in <see cref="DeadLetterQueue"/> through this fanout exchange.</summary>
    public const string DeadLetterExchange = "pitlane.dead-letter";

    public const string DeadLetterQueue = "pitlane.dead-letter";

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
            RequestedHeartbeat = TimeSpan.FromSeconds(20),
        };
        _clientName = $"pitlane {instance.Id}";
        _time = time;
        _logger = logger;
    }

    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>The open (or recovering) connection; waits, retrying with back-off, until the broker answers.</summary>
    public async Task<IConnection> GetAsync(CancellationToken ct)
    {
        if (_connection is { } existing)
        {
            return existing;
        }
        await _gate.WaitAsync(ct);
        try
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (_connection is null)
            {
                try
                {
                    _connection = await _factory.CreateConnectionAsync(_clientName, ct);
                    _logger.LogInformation("Connected to RabbitMQ at {Host}:{Port}.", _factory.HostName, _factory.Port);
                }
                catch (BrokerUnreachableException e)
                {
                    _logger.LogWarning("RabbitMQ at {Host}:{Port} unreachable ({Reason}); retrying in {Delay}.", _factory.HostName, _factory.Port, e.InnerException?.Message ?? e.Message, delay);
                    await Task.Delay(delay, _time, ct);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
                }
            }
            return _connection;
        }
        finally
        {
            _gate.Release();
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
