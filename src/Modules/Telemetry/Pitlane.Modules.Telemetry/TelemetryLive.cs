using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pitlane.Platform.Live;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// Where <see cref="TelemetryIngest"/> hands a committed batch for dashboards. Called only after the commit, never
/// fails the ingest: dashboards are a view, the database is the record.
/// </summary>
public interface ITelemetryLive
{
    ValueTask PublishAsync(LiveGroup group, LiveTelemetry telemetry);
}

/// <summary>
/// Embedded profile (one process): the batch goes straight to this instance's SignalR clients. There is no second
/// instance to tell, so nothing goes through the bus and nothing is delivered twice.
/// </summary>
public sealed class LocalTelemetryLive(ILiveChannel live, ILogger<LocalTelemetryLive> logger) : ITelemetryLive
{
    public async ValueTask PublishAsync(LiveGroup group, LiveTelemetry telemetry)
    {
        try
        {
            await live.PublishAsync(group, TelemetryLiveEvent.Method, telemetry, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning(e, "Live publish of batch {BatchId} for vehicle {VehicleId} failed", telemetry.BatchId, telemetry.VehicleId);
        }
    }
}

/// <summary>
/// A committed batch as it travels to every instance (distributed profile), which pushes it to its own SignalR
/// clients watching the vehicle (<see cref="TelemetryLiveFanOut"/>).
/// </summary>
[IntegrationEventName("telemetry.live")]
public sealed record TelemetryLiveEvent(Guid OrganizationId, Guid VehicleId, string BatchId, IReadOnlyList<LiveSample> Samples) : IntegrationEvent
{
    /// <summary>The SignalR client method dashboards listen on.</summary>
    public const string Method = "telemetry";
}

/// <summary>Every instance runs this for every live batch (EventDelivery.FanOut): the push to its own dashboards.</summary>
public sealed class TelemetryLiveFanOut(ILiveChannel live) : IIntegrationEventHandler<TelemetryLiveEvent>
{
    public const string HandlerName = "telemetry.live-fan-out";

    public Task HandleAsync(TelemetryLiveEvent integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return live.PublishAsync(LiveGroup.Vehicle(integrationEvent.OrganizationId, integrationEvent.VehicleId), TelemetryLiveEvent.Method,
            new LiveTelemetry(integrationEvent.VehicleId, integrationEvent.BatchId, integrationEvent.Samples), ct);
    }
}

/// <summary>
/// Distributed profile: a committed batch is published to the bus as a fan-out event, so dashboards on every instance
/// see it, including this one's (through its own fan-out queue, hence no direct local push and no double delivery).
/// <para>
/// This is a direct bus publish, not an outbox row: the samples commit in the telemetry store's own transaction
/// (ADR 0005), which cannot hold a platform_outbox row (ADR 0004), and live data is best-effort by nature: a push
/// that is lost in a crash or a broker outage is stale a second later, while the samples themselves are committed
/// and readable. The ingest path must not wait for the broker either (an AMQP 0-9-1 publisher confirm per batch, or
/// the publisher's retries through an outage, would add to every device's acknowledgement), so batches are queued
/// here, bounded, and published from a loop of their own; when the queue is full the oldest is dropped and counted.
/// </para>
/// </summary>
public sealed class BusTelemetryLive(IEventBus bus, TimeProvider time, ILogger<BusTelemetryLive> logger) : BackgroundService, ITelemetryLive
{
    /// <summary>Batches waiting for the broker; enough for a few seconds of a busy instance, small enough to bound memory.</summary>
    public const int Capacity = 2048;

    private static readonly Counter<long> Dropped = TelemetryIngest.Meter.CreateCounter<long>("pitlane.telemetry.live_dropped");
    private static readonly Counter<long> Failed = TelemetryIngest.Meter.CreateCounter<long>("pitlane.telemetry.live_publish_failed");

    private readonly Channel<TelemetryLiveEvent> _queue = Channel.CreateBounded<TelemetryLiveEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
        _ => Dropped.Add(1));

    public ValueTask PublishAsync(LiveGroup group, LiveTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        _queue.Writer.TryWrite(new TelemetryLiveEvent(group.OrganizationId, telemetry.VehicleId, telemetry.BatchId, telemetry.Samples)
        {
            OccurredAt = time.GetUtcNow(),
        });
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var live in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await bus.PublishAsync(live, stoppingToken);
                }
                catch (BrokerUnavailableException e)
                {
                    // The publisher already retried for a few seconds; this push is stale now. The next batch tries again.
                    Failed.Add(1);
                    logger.LogWarning("Live fan-out of batch {BatchId} for vehicle {VehicleId} dropped: {Reason}", live.BatchId, live.VehicleId, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: queued live pushes are dropped with the process, their samples are committed.
        }
    }
}
