using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Telemetry.Contracts;
using Pitlane.Diagnostics;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary>A vehicle's health as of <see cref="EvaluatedAt"/>, with the inputs that produced it.</summary>
public sealed record VehicleHealth(Guid VehicleId, DateTimeOffset EvaluatedAt, Scan? Scan, HealthInput Input, HealthAssessment Assessment)
{
    /// <summary>
    /// False until the car itself has reported something (a completed scan or telemetry): the score then rests on the service
    /// history alone, and pages show "not scanned yet" instead of a number that looks like a clean bill of health.
    /// </summary>
    public bool Measured => Scan is not null
        || (Input.Telemetry?.Values.Any(s => s.Count > 0) ?? false)
        || Input.RestingBattery?.Count > 0
        || Input.MisfireCounts?.Count > 0;
}

public sealed record HealthFindingResponse(
    string Rule, string Severity, string Seen, string WhyItMatters, int Points, IReadOnlyList<string> Codes, int? Cylinder, TrendFit? Trend);

public sealed record ReminderResponse(
    string Key, string Name, string Urgency, DateTimeOffset? LastDone, double? DueKm, DateTimeOffset? DueDate, double? RemainingKm,
    int? RemainingDays, string Basis);

public sealed record PredictionResponse(string Rule, string Text, int WithinDays, int? WithinKm, double Threshold, TrendFit Basis);

/// <summary>
/// GET /api/v1/vehicles/{id}/health: the score is 100 minus the findings' points; every finding names its rule.
/// <c>Measured</c> is false before the first scan or telemetry, when only the service history counts (band "unmeasured").
/// </summary>
public sealed record VehicleHealthResponse(
    Guid VehicleId, int Score, string Band, bool Measured, DateTimeOffset EvaluatedAt, Guid? ScanId, DateTime? ScannedAt, double? OdometerKm,
    IReadOnlyList<HealthFindingResponse> Findings, IReadOnlyList<ReminderResponse> Reminders, IReadOnlyList<PredictionResponse> Predictions)
{
    public static VehicleHealthResponse From(VehicleHealth h) => new(
        h.VehicleId, h.Assessment.Score, h.Measured ? HealthService.BandOf(h.Assessment.Score) : "unmeasured", h.Measured, h.EvaluatedAt, h.Scan?.Id, h.Scan?.CompletedAt, h.Input.OdometerKm,
        h.Assessment.Findings.Select(f => new HealthFindingResponse(f.Rule, Kebab(f.Severity), f.Seen, f.WhyItMatters, f.Points, f.Codes, f.Cylinder, f.Trend)).ToList(),
        h.Assessment.Reminders.Select(r => new ReminderResponse(r.Key, r.Name, Kebab(r.Urgency), r.LastDone, r.DueKm, r.DueDate, r.RemainingKm, r.RemainingDays, r.Basis)).ToList(),
        h.Assessment.Predictions.Select(p => new PredictionResponse(p.Rule, p.Text, p.WithinDays, p.WithinKm, p.Threshold, p.Basis)).ToList());

    private static string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

/// <summary>
/// Gathers a vehicle's health inputs (its latest completed scan, 90 days of telemetry trends, the odometer) and runs
/// <see cref="HealthEngine"/>. Nothing is cached: the answer always reflects the latest scan and samples.
/// </summary>
public sealed class HealthService(DiagnosticsDbContext db, IVehicleDirectory vehicles, ITelemetryHistory telemetry, TimeProvider time)
{
    public static readonly TimeSpan TrendWindow = TimeSpan.FromDays(90);

    /// <summary>The named telemetry signal of the battery's settled, engine-off voltage (volts).</summary>
    public const string RestingBatterySignal = "battery.resting";

    /// <summary>Signals whose hourly averages feed the trend rules: long-term trims, module voltage, odometer.</summary>
    private static readonly string[] AveragedSignals = ["07", "09", "42", "A6"];

    public static string BandOf(int score) => score switch
    {
        >= 85 => "good",
        >= 60 => "fair",
        >= 35 => "poor",
        _ => "critical",
    };

    /// <summary>Null when the vehicle is not the organisation's.</summary>
    public async Task<VehicleHealth?> ForVehicleAsync(Guid organizationId, Guid vehicleId, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(vehicleId, organizationId, ct))
        {
            return null;
        }
        var scan = await db.Scans.AsNoTracking()
            .Where(s => s.OrganizationId == organizationId && s.VehicleId == vehicleId && s.Status == ScanStatus.Completed)
            .OrderByDescending(s => s.CompletedAt).FirstOrDefaultAsync(ct);
        return await EvaluateAsync(organizationId, vehicleId, scan, ct);
    }

    /// <summary>The health as of one scan (the report's), with the vehicle's telemetry when the scan is linked to one.</summary>
    public async Task<VehicleHealth> ForScanAsync(Scan scan, CancellationToken ct) =>
        await EvaluateAsync(scan.OrganizationId, scan.VehicleId, scan, ct);

    private async Task<VehicleHealth> EvaluateAsync(Guid organizationId, Guid? vehicleId, Scan? scan, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var document = scan?.Result is { } json ? JsonSerializer.Deserialize<ScanDocument>(json, ScanDocument.Json) : null;
        var series = new Dictionary<string, IReadOnlyList<TelemetrySample>>(StringComparer.Ordinal);
        var misfires = new List<CylinderMisfires>();
        double? odometer = null;
        IReadOnlyList<TelemetrySample> restingBattery = [];
        IReadOnlyList<ServiceRecord> services = [];
        if (vehicleId is { } id)
        {
            services = await ServiceLog.HistoryAsync(db, organizationId, id, ct);
            var from = (now - TrendWindow).UtcDateTime;
            var to = now.UtcDateTime;
            foreach (var pid in AveragedSignals)
            {
                var buckets = await telemetry.ReadBucketsAsync(id, pid, from, to, TimeSpan.FromHours(1), 24 * 91, ct);
                if (buckets.Count > 0)
                {
                    series[pid] = buckets.Select(b => new TelemetrySample(new DateTimeOffset(b.Start, TimeSpan.Zero), b.Avg)).ToList();
                }
            }
            // Coolant overshoot is about peaks: the hourly maximum, not the mean.
            var coolant = await telemetry.ReadBucketsAsync(id, "05", from, to, TimeSpan.FromHours(1), 24 * 91, ct);
            if (coolant.Count > 0)
            {
                series["05"] = coolant.Select(b => new TelemetrySample(new DateTimeOffset(b.Start, TimeSpan.Zero), b.Max)).ToList();
            }
            // Resting voltage is only meaningful engine-off: devices report it as its own signal (see README, telemetry).
            var resting = await telemetry.ReadBucketsAsync(id, RestingBatterySignal, from, to, TimeSpan.FromHours(1), 24 * 91, ct);
            restingBattery = resting.Select(b => new TelemetrySample(new DateTimeOffset(b.Start, TimeSpan.Zero), b.Avg)).ToList();
            var latest = await telemetry.ReadLatestAsync(id, ct);
            foreach (var value in latest)
            {
                if (value.Pid.StartsWith("misfire.cyl", StringComparison.Ordinal)
                    && int.TryParse(value.Pid.AsSpan("misfire.cyl".Length), System.Globalization.CultureInfo.InvariantCulture, out var cylinder)
                    && cylinder is >= 1 and <= 12)
                {
                    misfires.Add(new CylinderMisfires(cylinder, value.Value));
                }
            }
            odometer = latest.Where(v => v.Pid == "A6").Select(v => (double?)v.Value).FirstOrDefault()
                ?? (await vehicles.FindAsync(organizationId, id, ct))?.OdometerKm;
        }
        odometer ??= document?.Snapshot.Where(v => v.Pid == "A6").Select(v => (double?)v.Reading).FirstOrDefault();
        var input = new HealthInput
        {
            Now = now,
            Scan = document?.ToFacts(),
            Telemetry = series,
            MisfireCounts = misfires,
            RestingBattery = restingBattery,
            ServiceHistory = services,
            OdometerKm = odometer,
        };
        return new VehicleHealth(vehicleId ?? Guid.Empty, now, scan, input, HealthEngine.Evaluate(input));
    }
}
