using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Telemetry;

public enum IngestStatus
{
    Stored,
    Duplicate,
    Invalid,
    TooLarge,
}

public sealed record IngestOutcome(IngestStatus Status, string? BatchId, int Stored, Dictionary<string, string[]>? Errors = null, string? Detail = null);

/// <summary>The acknowledgement a device receives, over HTTP as the body and over WebSocket as one message.</summary>
public sealed record IngestAck(string? BatchId, string Status, int Stored, bool Duplicate, Dictionary<string, string[]>? Errors = null, string? Detail = null)
{
    public static IngestAck From(IngestOutcome o) => new(o.BatchId, o.Status switch
    {
        IngestStatus.Stored => "stored",
        IngestStatus.Duplicate => "duplicate",
        IngestStatus.Invalid => "invalid",
        _ => "too_large",
    }, o.Stored, o.Status == IngestStatus.Duplicate, o.Errors, o.Detail);
}

/// <summary>A batch as pushed to dashboards watching the vehicle.</summary>
public sealed record LiveTelemetry(Guid VehicleId, string BatchId, IReadOnlyList<LiveSample> Samples);

public sealed record LiveSample(DateTime T, string Pid, double Value);

/// <summary>
/// The one ingest pipeline behind HTTP, WebSocket and MQTT: parse (all or nothing), store durably with the batch id,
/// and only then publish to the vehicle's live group (<see cref="ITelemetryLive"/>: this instance's dashboards in the
/// embedded profile, every instance's through the bus in the distributed one) and acknowledge. A failure to publish
/// never un-acknowledges a committed batch: dashboards are a view, the database is the record.
/// </summary>
public sealed class TelemetryIngest(TelemetryStore store, ITelemetryLive live, IOptions<TelemetryOptions> options, TimeProvider time)
{
    public static readonly Meter Meter = new("Pitlane.Modules.Telemetry");
    private static readonly Counter<long> SamplesStored = Meter.CreateCounter<long>("pitlane.telemetry.samples_stored");
    private static readonly Counter<long> BatchesRejected = Meter.CreateCounter<long>("pitlane.telemetry.batches_rejected");

    private readonly BatchParser _parser = new(
        options.Value.MaxBatchSamples, TimeSpan.FromSeconds(options.Value.MaxClockSkewSeconds), time);

    public int MaxBatchBytes => options.Value.MaxBatchBytes;

    public async Task<IngestOutcome> IngestAsync(DeviceIdentity device, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        if (body.Length > MaxBatchBytes)
        {
            BatchesRejected.Add(1);
            return new IngestOutcome(IngestStatus.TooLarge, null, 0, Detail: TooLargeDetail);
        }
        var parsed = _parser.Parse(body.Span);
        if (parsed.TooLarge is { } tooLarge)
        {
            BatchesRejected.Add(1);
            return new IngestOutcome(IngestStatus.TooLarge, null, 0, Detail: tooLarge);
        }
        if (parsed.Batch is not { } batch)
        {
            BatchesRejected.Add(1);
            return new IngestOutcome(IngestStatus.Invalid, null, 0, parsed.Errors);
        }
        // Not cancelled by a client that goes away mid-write: the transaction either commits or rolls back whole.
        if (!await store.WriteBatchAsync(device, batch, time.GetUtcNow().UtcDateTime, CancellationToken.None))
        {
            return new IngestOutcome(IngestStatus.Duplicate, batch.BatchId, 0);
        }
        SamplesStored.Add(batch.Samples.Length);
        await PublishAsync(device, batch);
        return new IngestOutcome(IngestStatus.Stored, batch.BatchId, batch.Samples.Length);
    }

    public string TooLargeDetail => $"A batch is at most {MaxBatchBytes} bytes (Pitlane:VehicleTelemetry:MaxBatchBytes).";

    private async Task PublishAsync(DeviceIdentity device, ParsedBatch batch)
    {
        var samples = new LiveSample[batch.Samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var s = batch.Samples[i];
            samples[i] = new LiveSample(s.T, s.Pid, s.Value);
        }
        await live.PublishAsync(LiveGroup.Vehicle(device.OrganizationId, device.VehicleId), new LiveTelemetry(device.VehicleId, batch.BatchId, samples));
    }
}
