using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

public sealed record TelemetryPoint(DateTime T, double Value);

public sealed record TelemetrySeries(
    Guid VehicleId, string Pid, string Name, string Unit, DateTime From, DateTime To, IReadOnlyList<TelemetryPoint> Points,
    bool Truncated, DateTime? NextFrom);

public sealed record TelemetryBucket(DateTime Start, double Min, double Avg, double Max, long Count);

public sealed record TelemetryBuckets(
    Guid VehicleId, string Pid, string Name, string Unit, DateTime From, DateTime To, string Bucket, IReadOnlyList<TelemetryBucket> Buckets);

public sealed record LatestTelemetryValue(string Pid, string Name, string Unit, DateTime T, double Value);

public sealed record LatestTelemetry(Guid VehicleId, IReadOnlyList<LatestTelemetryValue> Values);

/// <summary>Reads of a vehicle's telemetry in the request's organisation; another organisation's vehicle is a 404.</summary>
public static class ReadEndpoints
{
    public const int DefaultLimit = 1000;
    private static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxBucket = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapTelemetryReadEndpoints(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapTenantApi("/api/v1/vehicles/{id:guid}/telemetry", "Telemetry");
        reads.MapGet("/", Read);
        reads.MapGet("/latest", Latest);
        return routes;
    }

    private static async Task<Results<Ok<TelemetrySeries>, Ok<TelemetryBuckets>, ValidationProblem, ProblemHttpResult>> Read(
        Guid id, OrganizationScope scope, IVehicleDirectory vehicles, TelemetryStore store, IOptions<TelemetryOptions> options, TimeProvider time,
        CancellationToken ct, string? pid = null, string? from = null, string? to = null, string? bucket = null, string? limit = null)
    {
        var maxRows = options.Value.MaxReadRows;
        var check = new Validation();
        var canonical = string.IsNullOrEmpty(pid) ? null : Signals.Canonical(System.Text.Encoding.UTF8.GetBytes(pid));
        check.Require(canonical is not null, "pid", "pid is required: a mode 01 PID as two hex digits (e.g. 0C) or a named signal such as gps.lat.");
        var end = ParseTime(to, "to", check) ?? time.GetUtcNow().UtcDateTime;
        var start = ParseTime(from, "from", check) ?? end - DefaultSpan;
        check.Require(start < end, "from", "from must be earlier than to.");
        TimeSpan? width = null;
        if (bucket is not null)
        {
            width = ParseBucket(bucket);
            check.Require(width is not null, "bucket", "bucket is a whole number with s, m, h or d, from 1s to 7d (e.g. 1m, 5m, 1h).");
            check.Require(width is null || start >= end || (end - start).Ticks / width.Value.Ticks < maxRows, "bucket",
                $"from..to holds more than {maxRows} buckets of {bucket}: choose a wider bucket or a shorter range.");
        }
        var rows = DefaultLimit;
        if (limit is not null)
        {
            check.Require(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rows) && rows >= 1 && rows <= maxRows,
                "limit", $"limit is between 1 and {maxRows}.");
        }
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        var info = Signals.Describe(canonical!);
        if (width is { } w)
        {
            var buckets = await store.ReadBucketsAsync(id, canonical!, start, end, w, maxRows, ct);
            return TypedResults.Ok(new TelemetryBuckets(id, canonical!, info.Name, info.Unit, start, end, bucket!,
                buckets.Select(b => new TelemetryBucket(b.Start, b.Min, b.Avg, b.Max, b.Count)).ToList()));
        }
        // One row more than asked tells whether there is more, and where the next page starts.
        var points = await store.ReadRawAsync(id, canonical!, start, end, rows + 1, ct);
        var truncated = points.Count > rows;
        return TypedResults.Ok(new TelemetrySeries(id, canonical!, info.Name, info.Unit, start, end,
            points.Take(rows).Select(p => new TelemetryPoint(p.T, p.Value)).ToList(), truncated, truncated ? points[rows].T : null));
    }

    private static async Task<Results<Ok<LatestTelemetry>, ProblemHttpResult>> Latest(
        Guid id, OrganizationScope scope, IVehicleDirectory vehicles, TelemetryStore store, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(id, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        var values = await store.ReadLatestAsync(id, ct);
        return TypedResults.Ok(new LatestTelemetry(id, values.Select(v =>
        {
            var info = Signals.Describe(v.Pid);
            return new LatestTelemetryValue(v.Pid, info.Name, info.Unit, v.T, v.Value);
        }).ToList()));
    }

    private static DateTime? ParseTime(string? value, string field, Validation check)
    {
        if (value is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed.UtcDateTime >= DateTime.UnixEpoch && parsed.Year < 9000)
        {
            return parsed.UtcDateTime;
        }
        check.Require(false, field, $"{field} must be an ISO 8601 timestamp, e.g. 2026-11-22T05:00:00Z.");
        return null;
    }

    /// <summary>"30s", "1m", "5m", "1h", "1d": a whole number and a unit, 1 second to 7 days.</summary>
    public static TimeSpan? ParseBucket(string value)
    {
        if (value.Length is < 2 or > 8
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }
        TimeSpan? width = value[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
        return width is { } w && w <= MaxBucket ? w : null;
    }
}
