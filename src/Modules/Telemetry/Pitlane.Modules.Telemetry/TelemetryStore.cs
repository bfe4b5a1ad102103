using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

/// <summary>Who sent a batch: resolved from the device key before anything is parsed.</summary>
public sealed record DeviceIdentity(Guid DeviceId, Guid OrganizationId, Guid VehicleId);

public readonly record struct RawPoint(DateTime T, double Value);

public sealed record MaintenanceReport(long RolledUp, long Deleted, int PartitionsCreated, int PartitionsDropped);

/// <summary>
/// The hot tables of the Telemetry module, one implementation per provider. A batch's samples, its idempotency record
/// (device, batchId) and the latest values are written in one transaction: a batch is either wholly stored, with its
/// id, or not at all, so a device that retries after a lost answer can never store a batch twice.
/// </summary>
public abstract class TelemetryStore : ITelemetryHistory
{
    /// <summary>Stores the batch; false (and nothing written) when this device already sent this batchId.</summary>
    public abstract Task<bool> WriteBatchAsync(DeviceIdentity device, ParsedBatch batch, DateTime receivedAt, CancellationToken ct);

    /// <summary>Samples of one signal in [from, to), oldest first, at most <paramref name="limit"/>.</summary>
    public abstract Task<IReadOnlyList<RawPoint>> ReadRawAsync(Guid vehicleId, string pid, DateTime from, DateTime to, int limit, CancellationToken ct);

    /// <summary>Min/avg/max/count per bucket in [from, to), over raw samples and the per-minute rollups of older data.</summary>
    public abstract Task<IReadOnlyList<Bucket>> ReadBucketsAsync(Guid vehicleId, string pid, DateTime from, DateTime to, TimeSpan bucket, int limit, CancellationToken ct);

    public abstract Task<IReadOnlyList<LatestValue>> ReadLatestAsync(Guid vehicleId, CancellationToken ct);

    public abstract Task<IReadOnlySet<Guid>> ReportingAsync(IReadOnlyCollection<Guid> vehicleIds, string pid, CancellationToken ct);

    /// <summary>The most vehicles <see cref="ReportingAsync"/> takes in one call.</summary>
    protected const int MaxReportingVehicles = 100;

    protected static Guid[] ReportingArguments(IReadOnlyCollection<Guid> vehicleIds, string pid)
    {
        ArgumentNullException.ThrowIfNull(vehicleIds);
        ArgumentException.ThrowIfNullOrEmpty(pid);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vehicleIds.Count, MaxReportingVehicles);
        return [.. vehicleIds.Distinct()];
    }

    /// <summary>Removes everything stored for a deleted vehicle: samples, per-minute rows and latest values.</summary>
    public abstract Task DeleteVehicleAsync(Guid vehicleId, CancellationToken ct);

    /// <summary>Raw samples stored for a vehicle (all signals): for operations and tests.</summary>
    public abstract Task<long> CountSamplesAsync(Guid vehicleId, CancellationToken ct);

    /// <summary>Retention with downsampling; on PostgreSQL also creates the coming days' partitions.</summary>
    public abstract Task<MaintenanceReport> MaintainAsync(DateTime now, TelemetryOptions options, CancellationToken ct);

    /// <summary>The latest sample of each signal in a batch, in signal order (a fixed lock order for the upsert).</summary>
    protected static List<Sample> LatestPerSignal(Sample[] samples)
    {
        var latest = new Dictionary<string, Sample>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (!latest.TryGetValue(sample.Pid, out var seen) || sample.T >= seen.T)
            {
                latest[sample.Pid] = sample;
            }
        }
        var ordered = latest.Values.ToList();
        ordered.Sort((a, b) => string.CompareOrdinal(a.Pid, b.Pid));
        return ordered;
    }

    /// <summary>Raw rows older than this are rolled up and deleted.</summary>
    protected static DateTime RetentionCutoff(DateTime now, int days) =>
        new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddDays(-days);
}
