namespace Pitlane.Reports;

/// <summary>
/// The fixed captions of the report and its number formats, so a caller can render it in the customer's language.
/// <see cref="PageOfFormat"/> uses the tokens {page} and {pages} instead of a composite format string, so a
/// translation with a stray brace cannot throw at render time.
/// </summary>
public sealed record ReportLabels
{
    public static ReportLabels English { get; } = new();

    public string Title { get; init; } = "Vehicle health report";
    public string PageOfFormat { get; init; } = "Page {page} of {pages}";
    public string DecimalSeparator { get; init; } = ".";
    public string GroupSeparator { get; init; } = ",";
    /// <summary>.NET custom date format for scan and report times, applied with the invariant culture.</summary>
    public string DateTimeFormat { get; init; } = "yyyy-MM-dd HH:mm 'UTC'zzz";

    public string Vehicle { get; init; } = "Vehicle";
    public string Vin { get; init; } = "VIN";
    public string Odometer { get; init; } = "Odometer";
    public string Plate { get; init; } = "Plate";
    public string ScannedAt { get; init; } = "Scanned";
    public string Adapter { get; init; } = "Adapter";
    public string Protocol { get; init; } = "Protocol";
    public string Phone { get; init; } = "Phone";
    public string HealthScore { get; init; } = "Health score";
    public string ScanQrHint { get; init; } = "Scan to open this report online:";

    public string Findings { get; init; } = "Findings";
    public string NoFindings { get; init; } = "No findings.";
    public string Observation { get; init; } = "What we saw";
    public string WhyItMatters { get; init; } = "Why it matters";

    public string TroubleCodes { get; init; } = "Trouble codes";
    public string NoTroubleCodes { get; init; } = "No trouble codes reported.";
    public string Code { get; init; } = "Code";
    public string Ecu { get; init; } = "ECU";
    public string Kind { get; init; } = "Status";
    public string Description { get; init; } = "Description";
    public string Stored { get; init; } = "Stored";
    public string Pending { get; init; } = "Pending";
    public string Permanent { get; init; } = "Permanent";

    public string Readiness { get; init; } = "Readiness monitors";
    public string NoReadiness { get; init; } = "The vehicle reported no readiness monitors.";
    public string Monitor { get; init; } = "Monitor";
    public string Status { get; init; } = "Status";
    public string Complete { get; init; } = "Complete";
    public string Incomplete { get; init; } = "Incomplete";
    public string NotSupported { get; init; } = "Not supported";

    public string LiveValues { get; init; } = "Key live values";
    public string NoLiveValues { get; init; } = "No live values recorded.";
    public string Name { get; init; } = "Name";
    public string Value { get; init; } = "Value";
    public string NormalRange { get; init; } = "Normal range";

    public string Recommendations { get; init; } = "Recommendations and estimate";
    public string NoRecommendations { get; init; } = "No work recommended.";
    public string Item { get; init; } = "Item";
    public string Priority { get; init; } = "Priority";
    public string Quantity { get; init; } = "Qty";
    public string UnitPrice { get; init; } = "Unit price";
    public string Amount { get; init; } = "Amount";
    public string Labor { get; init; } = "Labor";
    public string HoursUnit { get; init; } = "h";
    public string Subtotal { get; init; } = "Subtotal";
    public string Tax { get; init; } = "Tax";
    public string Total { get; init; } = "Total";

    public string SeverityLabel { get; init; } = "Severity";
    public string Info { get; init; } = "Info";
    public string Low { get; init; } = "Low";
    public string Medium { get; init; } = "Medium";
    public string High { get; init; } = "High";
    public string Critical { get; init; } = "Critical";

    public string For(Severity severity) => severity switch
    {
        Severity.Info => Info,
        Severity.Low => Low,
        Severity.Medium => Medium,
        Severity.High => High,
        Severity.Critical => Critical,
        _ => severity.ToString(),
    };

    public string For(DtcKind kind) => kind switch
    {
        DtcKind.Stored => Stored,
        DtcKind.Pending => Pending,
        DtcKind.Permanent => Permanent,
        _ => kind.ToString(),
    };

    public string For(MonitorStatus status) => status switch
    {
        MonitorStatus.Complete => Complete,
        MonitorStatus.Incomplete => Incomplete,
        MonitorStatus.NotSupported => NotSupported,
        _ => status.ToString(),
    };
}
