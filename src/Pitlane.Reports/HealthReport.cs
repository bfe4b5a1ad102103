namespace Pitlane.Reports;

/// <summary>
/// Everything a health report shows. Strings arrive already localised by the caller (the renderer never translates);
/// the fixed captions come from <see cref="Labels"/>. Money is integer minor units of <see cref="ShopHeader.LaborRate"/>'s
/// currency throughout.
/// </summary>
public sealed record HealthReport(
    ShopHeader Shop,
    VehicleInfo Vehicle,
    ScanInfo Scan,
    HealthScore Health,
    IReadOnlyList<TroubleCode> TroubleCodes,
    IReadOnlyList<ReadinessMonitor> Readiness,
    IReadOnlyList<LiveValue> LiveValues,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Recommendation> Recommendations,
    decimal TaxRatePercent,
    Uri ShareUrl,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Captions and number formats; English unless the caller supplies a translation.</summary>
    public ReportLabels Labels { get; init; } = ReportLabels.English;

    /// <summary>The estimate for <see cref="Recommendations"/> at the shop's labor rate and <see cref="TaxRatePercent"/>.</summary>
    public CostEstimate Estimate() => CostEstimate.Calculate(Recommendations, Shop.LaborRate, TaxRatePercent);
}

/// <param name="LaborRate">Price of one labor hour.</param>
public sealed record ShopHeader(string Name, string Address, string Phone, Money LaborRate);

/// <param name="Year">Model year; null when unknown.</param>
/// <param name="OdometerKm">Odometer reading in kilometres; null when the car did not report it.</param>
public sealed record VehicleInfo(string Vin, int? Year, string Make, string Model, long? OdometerKm, string? Plate);

public sealed record ScanInfo(DateTimeOffset ScannedAt, string Adapter, string Protocol);

/// <param name="Score">0 (undriveable) to 100 (no findings).</param>
/// <param name="Band">Colour band the health rules chose for the score.</param>
/// <param name="BandLabel">Localised name of the band, printed under the gauge.</param>
public sealed record HealthScore(int Score, HealthBand Band, string BandLabel);

public enum HealthBand
{
    Good,
    Fair,
    Poor,
    Critical,
}

public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>SAE J1979 trouble code status: mode 03 stored, mode 07 pending, mode 0A permanent.</summary>
public enum DtcKind
{
    Stored,
    Pending,
    Permanent,
}

public sealed record TroubleCode(string Code, string Ecu, DtcKind Kind, string Description, Severity Severity, string Explanation);

/// <summary>SAE J1979 mode 01 PID 01/41 monitor state.</summary>
public enum MonitorStatus
{
    Complete,
    Incomplete,
    NotSupported,
}

public sealed record ReadinessMonitor(string Name, MonitorStatus Status);

/// <param name="Value">Already formatted in the caller's locale.</param>
/// <param name="WithinNormalRange">Colours the value; null when the range does not apply or is unknown.</param>
public sealed record LiveValue(string Name, string Value, string Unit, string NormalRange, bool? WithinNormalRange = null);

public sealed record Finding(string Observation, string WhyItMatters, Severity Severity);

/// <param name="LaborHours">Book time from the shop's labor-time table; an exact decimal quantity, not money.</param>
public sealed record Recommendation(string Title, string Detail, Severity Priority, decimal LaborHours, IReadOnlyList<PartLine> Parts);

/// <param name="Quantity">Exact decimal quantity (4.5 litres of oil); multiplied exactly, then rounded once.</param>
/// <param name="UnitPrice">Minor units of the shop's currency.</param>
public sealed record PartLine(string Description, string? PartNumber, decimal Quantity, long UnitPrice);
