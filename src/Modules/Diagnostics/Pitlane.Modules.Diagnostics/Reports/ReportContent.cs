using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pitlane.Obd.J1979;
using Pitlane.Modules.Vehicles.Contracts;
using R = Pitlane.Reports;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// What one health report shows, stored as <see cref="DiagnosticReport.Content"/>. The PDF is rendered from it
/// (<see cref="ToHealthReport"/>) and the public page shows it, with the estimate computed by the same
/// <see cref="R.CostEstimate"/>, so both always state the same facts and amounts.
/// </summary>
/// <param name="BaseUrl">Where the share link points (Pitlane:Diagnostics:PublicBaseUrl or the address the report was requested on).</param>
public sealed record ReportContent(
    string BaseUrl,
    DateTimeOffset GeneratedAt,
    ReportContent.ShopPart Shop,
    ReportContent.VehiclePart Vehicle,
    ReportContent.ScanPart Scan,
    int Score,
    string Band,
    IReadOnlyList<R.TroubleCode> TroubleCodes,
    IReadOnlyList<R.ReadinessMonitor> Readiness,
    IReadOnlyList<R.LiveValue> LiveValues,
    IReadOnlyList<R.Finding> Findings,
    IReadOnlyList<ReportContent.Item> Recommendations)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The report's header: the organisation's name and its shop profile at the time of the report.</summary>
    /// <param name="LaborRateMinor">Minor units of <paramref name="Currency"/> per hour.</param>
    public sealed record ShopPart(string Name, string Address, string Phone, string Currency, long LaborRateMinor, decimal TaxRatePercent);

    /// <summary>The vehicle as registered, or the VIN the car reported when the scan is not linked to one.</summary>
    public sealed record VehiclePart(string Vin, int? Year, string Make, string Model, long? OdometerKm, string? Plate);

    /// <summary>When and through what the scan was made.</summary>
    public sealed record ScanPart(DateTimeOffset ScannedAt, string Adapter, string Protocol);

    /// <summary>One recommendation with its labor time and the parts the shop's price list ties to its operation.</summary>
    /// <param name="LaborSource">"shop" (the shop's table), "default" (the built-in generic book time) or "none" (no time known).</param>
    public sealed record Item(string Title, string Detail, R.Severity Priority, string? LaborOperation, string? LaborName, decimal LaborHours,
        string LaborSource, IReadOnlyList<R.PartLine> Parts);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static ReportContent Read(string json) =>
        JsonSerializer.Deserialize<ReportContent>(json, Json) ?? throw new InvalidDataException("The report content is empty.");

    public R.HealthBand HealthBand => Band switch
    {
        "good" => R.HealthBand.Good,
        "fair" => R.HealthBand.Fair,
        "poor" => R.HealthBand.Poor,
        _ => R.HealthBand.Critical,
    };

    public R.HealthReport ToHealthReport(Uri shareUrl) => new(
        new R.ShopHeader(Shop.Name, Shop.Address, Shop.Phone, new R.Money(Shop.LaborRateMinor, Shop.Currency)),
        new R.VehicleInfo(Vehicle.Vin, Vehicle.Year, Vehicle.Make, Vehicle.Model, Vehicle.OdometerKm, Vehicle.Plate),
        new R.ScanInfo(Scan.ScannedAt, Scan.Adapter, Scan.Protocol),
        new R.HealthScore(Score, HealthBand, CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Band)),
        TroubleCodes, Readiness, LiveValues, Findings,
        [.. Recommendations.Select(r => new R.Recommendation(r.Title, r.Detail, r.Priority, r.LaborHours, r.Parts))],
        Shop.TaxRatePercent, shareUrl, GeneratedAt);

    /// <summary>The estimate both the PDF and the page print.</summary>
    public R.CostEstimate Estimate() => R.CostEstimate.Calculate(
        [.. Recommendations.Select(r => new R.Recommendation(r.Title, r.Detail, r.Priority, r.LaborHours, r.Parts))],
        new R.Money(Shop.LaborRateMinor, Shop.Currency), Shop.TaxRatePercent);

    /// <summary>The values a technician reads first, in this order (SAE J1979 service 01 PIDs).</summary>
    private static readonly string[] KeyPids = ["0C", "0D", "04", "05", "0F", "10", "11", "06", "07", "08", "09", "0B", "2F", "42"];

    /// <summary>Warm-engine normal ranges for the PIDs where one exists; speed, rpm and load depend on how the car is driven.</summary>
    private static readonly Dictionary<string, (double Min, double Max, string Text)> NormalRanges = new(StringComparer.Ordinal)
    {
        ["05"] = (75, 105, "75–105"),
        ["06"] = (-10, 10, "−10–10"),
        ["07"] = (-10, 10, "−10–10"),
        ["08"] = (-10, 10, "−10–10"),
        ["09"] = (-10, 10, "−10–10"),
        ["42"] = (12.0, 14.8, "12.0–14.8"),
    };

    /// <summary>Assembles the report of one completed scan from its health, interpretation and the shop's prices.</summary>
    internal static ReportContent Build(
        string baseUrl, DateTimeOffset now, Scan scan, ScanDocument document, VehicleSummary? vehicle, string shopName, ShopProfile shop,
        VehicleHealth health, Interpretation interpretation, IReadOnlyList<LaborTimeResponse> laborTable, IReadOnlyList<PartPrice> parts)
    {
        var labor = laborTable.ToDictionary(l => l.Key, StringComparer.Ordinal);
        // A code's explanation is the "why" of the recommendation that addresses it, printed once: the other codes of the
        // same recommendation (and the same code's pending or permanent copy) point back to it.
        var explained = new Dictionary<Recommendation, string>(ReferenceEqualityComparer.Instance);
        var codes = new List<R.TroubleCode>(document.Dtcs.Count);
        foreach (var d in document.Dtcs)
        {
            var recommendation = interpretation.Recommendations.FirstOrDefault(r => r.Codes.Contains(d.Code, StringComparer.Ordinal) && r.Why.Length > 0);
            string explanation;
            if (recommendation is null)
            {
                explanation = d.Description;
            }
            else if (explained.TryGetValue(recommendation, out var first))
            {
                explanation = $"{recommendation.Title} (explained under {first} above).";
            }
            else
            {
                explanation = recommendation.Why;
                explained[recommendation] = d.Code;
            }
            codes.Add(new R.TroubleCode(d.Code, d.Ecu, KindOf(d.Kind), d.Description, Enum.Parse<R.Severity>(d.Severity.ToString()), explanation));
        }
        // ECUs that support no monitor at all (a transmission answering service 01 PID 01) add nothing but rows.
        var monitored = document.ReadinessByEcu.Where(r => r.Monitors.Any(m => m.Supported)).ToList();
        var multipleEcus = monitored.Count > 1;
        var readiness = monitored.SelectMany(r => r.Monitors.Select(m => new R.ReadinessMonitor(
            multipleEcus ? $"{m.Name} ({r.Ecu})" : m.Name,
            !m.Supported ? R.MonitorStatus.NotSupported : m.Complete ? R.MonitorStatus.Complete : R.MonitorStatus.Incomplete)))
            .ToList();
        var byPid = document.Snapshot.GroupBy(v => v.Pid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var chosen = KeyPids.Where(byPid.ContainsKey).Select(p => byPid[p]).ToList();
        if (chosen.Count == 0)
        {
            chosen = [.. document.Snapshot.Take(12)];
        }
        var live = chosen.Select(v =>
        {
            var reading = v.Reading.ToString("0.##", CultureInfo.InvariantCulture);
            return NormalRanges.TryGetValue(v.Pid, out var range)
                ? new R.LiveValue(v.Name, reading, v.Unit, range.Text, v.Reading >= range.Min && v.Reading <= range.Max)
                : new R.LiveValue(v.Name, reading, v.Unit, "");
        }).ToList();
        var findings = health.Assessment.Findings
            .Select(f => new R.Finding(f.Seen, f.WhyItMatters, Enum.Parse<R.Severity>(f.Severity.ToString()))).ToList();
        // One operation is priced once: a misfire repair that replaces the plugs also covers the "spark plugs overdue" reminder.
        var priced = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<Item>(interpretation.Recommendations.Count);
        foreach (var r in interpretation.Recommendations)
        {
            if (r.LaborOperation is { } key && priced.TryGetValue(key, out var pricedWith))
            {
                items.Add(new Item(r.Title, $"{r.Why} Done with \"{pricedWith}\" above; not priced again.", PriorityOf(r), key, null, 0, "none", []));
                continue;
            }
            var item = ItemOf(r, labor, parts);
            if (r.LaborOperation is { } done)
            {
                priced[done] = r.Title;
            }
            items.Add(item);
        }
        var score = health.Assessment.Score;
        return new ReportContent(
            baseUrl, now,
            new ShopPart(shopName, shop.Address ?? "", shop.Phone ?? "", shop.Currency, shop.LaborRateMinor, shop.TaxRatePercent),
            new VehiclePart(vehicle?.Vin ?? scan.Vin ?? scan.ExpectedVin ?? "unknown", vehicle?.ModelYear, vehicle?.Make ?? "", vehicle?.Model ?? "",
                vehicle?.OdometerKm, vehicle?.Plate),
            new ScanPart(new DateTimeOffset(DateTime.SpecifyKind(scan.CompletedAt ?? scan.CreatedAt, DateTimeKind.Utc)), scan.AdapterName, scan.Protocol ?? ""),
            score, HealthService.BandOf(score), codes, readiness, live, findings, items);
    }

    private static Item ItemOf(Recommendation r, Dictionary<string, LaborTimeResponse> labor, IReadOnlyList<PartPrice> parts)
    {
        var priority = PriorityOf(r);
        if (r.LaborOperation is not { } key)
        {
            return new Item(r.Title, r.Why, priority, null, null, 0, "none", []);
        }
        var lines = parts.Where(p => string.Equals(p.LaborOperationKey, key, StringComparison.Ordinal))
            .OrderBy(p => p.PartNumber, StringComparer.Ordinal)
            .Select(p => new R.PartLine(p.Description, p.PartNumber, p.Quantity, p.UnitPriceMinor)).ToList();
        var general = false;
        if (!labor.TryGetValue(key, out var time))
        {
            // A code with no more specific repair is priced as diagnosis time: the shop's time for that system, else its general one.
            if (!key.StartsWith("diagnosis.", StringComparison.Ordinal) || !labor.TryGetValue(DefaultLaborTimes.GeneralDiagnosis, out time))
            {
                return new Item(r.Title, $"{r.Why} Labor not priced: the shop has no labor time for {key}.", priority, key, null, 0, "none", lines);
            }
            general = true;
        }
        var hours = time.Hours.ToString("0.##", CultureInfo.InvariantCulture);
        var note = (time.Source, general) switch
        {
            ("shop", false) => $"Labor: {time.Name}, {hours} h (shop book time).",
            ("shop", true) => $"Labor: {time.Name}, {hours} h (the shop's general diagnosis time; it has none for {key}).",
            (_, false) => $"Labor: {time.Name}, {hours} h (default generic book time; the shop has not set its own).",
            _ => $"Labor: {time.Name}, {hours} h (default general diagnosis time; the shop has none for {key}).",
        };
        return new Item(r.Title, $"{r.Why} {note}", priority, key, time.Name, time.Hours, time.Source, lines);
    }

    private static R.Severity PriorityOf(Recommendation r) => r.Urgency switch
    {
        RecommendationUrgency.Immediate => R.Severity.Critical,
        RecommendationUrgency.Soon => R.Severity.High,
        RecommendationUrgency.Scheduled => R.Severity.Medium,
        _ => R.Severity.Low,
    };

    private static R.DtcKind KindOf(DtcKind kind) => kind switch
    {
        DtcKind.Pending => R.DtcKind.Pending,
        DtcKind.Permanent => R.DtcKind.Permanent,
        _ => R.DtcKind.Stored,
    };
}
