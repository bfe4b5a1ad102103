using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Diagnostics;

/// <summary>Everything the engine looks at. Nothing here is read from a clock: <see cref="Now"/> is the evaluation time.</summary>
public sealed record HealthInput
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>The latest scan; null when the vehicle has never been scanned.</summary>
    public ScanFacts? Scan { get; init; }

    /// <summary>
    /// Telemetry by signal, keyed as the telemetry store keys it: two upper-case hex digits for a J1979 mode 01 PID in
    /// its standard unit ("07"/"09" long-term fuel trim %, "42" control module voltage V, "05" coolant °C, "A6" odometer km),
    /// or <c>misfire.cyl1</c>…<c>misfire.cyl12</c> for per-cylinder misfire counts of the current driving cycle. Order and
    /// duplicates do not matter; non-finite and out-of-range values are ignored.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TelemetrySample>> Telemetry { get; init; } =
        new Dictionary<string, IReadOnlyList<TelemetrySample>>();

    /// <summary>
    /// Resting (engine off, settled) battery voltages, e.g. ATRV read with the ignition off. The newest is the current resting
    /// voltage; the series gives the trend. With fewer than 5 readings, PID 42 samples below 13.0 V stand in for the trend (see README).
    /// </summary>
    public IReadOnlyList<TelemetrySample> RestingBattery { get; init; } = [];

    /// <summary>Misfire counts per cylinder for the current or last driving cycle (SAE J1979 service 06, OBDMID A2–AD, TID 0C).</summary>
    public IReadOnlyList<CylinderMisfires> MisfireCounts { get; init; } = [];

    public double? OdometerKm { get; init; }

    public IReadOnlyList<ServiceRecord> ServiceHistory { get; init; } = [];

    /// <summary>The maintenance schedule; null uses <see cref="MaintenanceSchedule.Default"/>.</summary>
    public IReadOnlyList<MaintenanceItem>? Schedule { get; init; }
}

/// <summary>The parts of a scan the engine uses; the server fills it from a stored scan, or <see cref="From"/> from a live one.</summary>
public sealed record ScanFacts(
    IReadOnlyList<ScannedDtc> Dtcs,
    bool MilOn,
    IReadOnlyList<ReadinessStatus> Readiness,
    IReadOnlyList<FreezeFrame> FreezeFrames,
    IReadOnlyList<LiveValue> LiveValues)
{
    /// <summary>Adapter voltage at OBD pin 16 (ELM327 ATRV), in volts, when the scan read it.</summary>
    public double? AdapterVoltage { get; init; }

    public static ScanFacts From(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ScanFacts(report.Dtcs, report.MilOn, report.Readiness, report.FreezeFrames, report.LiveValues)
        {
            AdapterVoltage = ParseVolts(report.BatteryVoltage),
        };
    }

    /// <summary>ATRV answers like "12.4V" or "14.1 V".</summary>
    public static double? ParseVolts(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim().TrimEnd('V', 'v').Trim();
        return double.TryParse(trimmed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : null;
    }

    /// <summary>Convenience for tests and the server: a DTC with its knowledge-base description and severity.</summary>
    public static ScannedDtc Dtc(string code, DtcKind kind = DtcKind.Stored, string ecu = "7E8")
    {
        var d = DtcKnowledge.Describe(code);
        return new ScannedDtc(d.Code, ecu, kind, d.Description, d.Severity, d.System, d.ManufacturerSpecific);
    }
}

public readonly record struct TelemetrySample(DateTimeOffset At, double Value);

public sealed record CylinderMisfires(int Cylinder, double Count);

/// <param name="Key">The schedule item it fulfils, e.g. "oil-filter".</param>
public sealed record ServiceRecord(string Key, DateTimeOffset Date, double? OdometerKm);

/// <param name="Key">Stable key; also the stem of the labor operation "{Key}.replace".</param>
/// <param name="IntervalKm">Distance between services; null when only time counts.</param>
/// <param name="IntervalMonths">Months between services; null when only distance counts.</param>
public sealed record MaintenanceItem(string Key, string Name, int? IntervalKm, int? IntervalMonths);

public static class MaintenanceSchedule
{
    /// <summary>
    /// A conservative generic schedule for a petrol passenger car, in line with common manufacturer "normal service"
    /// intervals (long-life oil 15,000 km / 12 months; brake fluid every 2 years because glycol fluid absorbs water,
    /// DOT 4 per FMVSS 116; long-life coolant 5 years / 100,000 km; iridium plugs 100,000 km). The server overrides it per make.
    /// </summary>
    public static IReadOnlyList<MaintenanceItem> Default { get; } =
    [
        new("oil-filter", "Engine oil and filter", 15_000, 12),
        new("air-filter", "Engine air filter", 30_000, 24),
        new("brake-fluid", "Brake fluid", null, 24),
        new("coolant", "Engine coolant", 100_000, 60),
        new("spark-plugs", "Spark plugs", 100_000, null),
    ];
}
