namespace Pitlane.Modules.Telemetry.Contracts;

public readonly record struct Bucket(DateTime Start, double Min, double Avg, double Max, long Count);

public readonly record struct LatestValue(string Pid, DateTime T, double Value);

/// <summary>A vehicle's recorded signals, as other modules (Diagnostics' health trends) may read them.</summary>
public interface ITelemetryHistory
{
    /// <summary>Min/avg/max/count per bucket in [from, to), over raw samples and the per-minute rollups of older data.</summary>
    Task<IReadOnlyList<Bucket>> ReadBucketsAsync(Guid vehicleId, string pid, DateTime from, DateTime to, TimeSpan bucket, int limit, CancellationToken ct);

    Task<IReadOnlyList<LatestValue>> ReadLatestAsync(Guid vehicleId, CancellationToken ct);

    /// <summary>Those of <paramref name="vehicleIds"/> (at most 100) that have ever reported <paramref name="pid"/>: one query.</summary>
    Task<IReadOnlySet<Guid>> ReportingAsync(IReadOnlyCollection<Guid> vehicleIds, string pid, CancellationToken ct);
}
