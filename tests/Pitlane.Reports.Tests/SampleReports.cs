namespace Pitlane.Reports.Tests;

/// <summary>Report fixtures shared by the tests and shaped like a real misfire scan.</summary>
public static class SampleReports
{
    public static readonly Uri ShareUrl = new("https://pitlane.example/r/6f1c2a9e4b7d4e0f8a3b5c6d7e8f9a0b?t=Xk2pQ9vL");
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    public static HealthReport Typical(int codeCount = 5) => new(
        new ShopHeader("KC Speedshop", "Hauptstraße 12, 10115 Berlin", "+49 30 1234567", new Money(9500, "EUR")),
        new VehicleInfo("WVWZZZ1KZAW000001", 2010, "Volkswagen", "Golf", 184_250, "B-KC 911"),
        new ScanInfo(new DateTimeOffset(2026, 11, 22, 9, 12, 0, TimeSpan.Zero), "OBDLink MX+ (bay 2)", "ISO 15765-4 CAN 11/500"),
        new HealthScore(62, HealthBand.Fair, "Needs attention"),
        Codes(codeCount),
        [
            new ReadinessMonitor("Misfire", MonitorStatus.Complete),
            new ReadinessMonitor("Catalyst", MonitorStatus.Incomplete),
            new ReadinessMonitor("EGR/VVT", MonitorStatus.NotSupported),
        ],
        [
            new LiveValue("Engine speed", "812", "rpm", "650–900", true),
            new LiveValue("Long-term fuel trim B1", "+14.8", "%", "−10 … +10", false),
            new LiveValue("Battery voltage", "12.1", "V", "12.4–12.8 (resting)", false),
        ],
        [
            new Finding("Random misfire detected on several cylinders.", "Unburnt fuel overheats the catalytic converter.", Severity.High),
            new Finding("Long-term fuel trim drifting lean.", "Points to a vacuum leak or a weak fuel pump.", Severity.Medium),
        ],
        [
            new Recommendation("Replace spark plugs", "All four plugs, gap checked", Severity.High, 1.2m,
            [
                new PartLine("Spark plug", "NGK 97968", 4, 1_249),
            ]),
            new Recommendation("Smoke-test intake for vacuum leaks", "", Severity.Medium, 0.75m, []),
        ],
        19m,
        ShareUrl,
        GeneratedAt);

    public static IReadOnlyList<TroubleCode> Codes(int count)
    {
        (string Code, string Description)[] known =
        [
            ("P0300", "Random/multiple cylinder misfire detected"),
            ("P0171", "System too lean (bank 1)"),
            ("P0420", "Catalyst system efficiency below threshold (bank 1)"),
            ("U0100", "Lost communication with ECM/PCM \"A\""),
            ("B1318", "Battery voltage low"),
        ];
        return Enumerable.Range(0, count).Select(i =>
        {
            var (code, description) = i < known.Length ? known[i] : ($"P{1000 + i:D4}", $"Manufacturer-specific fault number {i}");
            return new TroubleCode(code, i % 2 == 0 ? "Engine (7E8)" : "Transmission (7E9)", (DtcKind)(i % 3), description,
                (Severity)(i % 5), $"{code}: set when the control unit sees the fault on two drive cycles.");
        }).ToList();
    }
}
