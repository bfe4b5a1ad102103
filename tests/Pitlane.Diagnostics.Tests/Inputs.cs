using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Diagnostics.Tests;

/// <summary>Builders for the engine's inputs: a healthy car, then each test changes what it is about.</summary>
internal static class Inputs
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    public static LiveValue Live(byte pid, double value, string ecu = "7E8") => new(ecu, pid, $"PID {pid:X2}", value, "", -1e9, 1e9);

    public static ReadinessStatus Ready(bool milOn = false, params string[] incomplete) =>
        new("7E8", milOn, 0, IgnitionType.Spark,
        [
            new MonitorReadiness("Misfire", true, !incomplete.Contains("Misfire")),
            new MonitorReadiness("Fuel system", true, !incomplete.Contains("Fuel system")),
            new MonitorReadiness("Components", true, !incomplete.Contains("Components")),
            new MonitorReadiness("Catalyst", true, !incomplete.Contains("Catalyst")),
            new MonitorReadiness("Evaporative system", true, !incomplete.Contains("Evaporative system")),
            new MonitorReadiness("Oxygen sensor", true, !incomplete.Contains("Oxygen sensor")),
            new MonitorReadiness("EGR system", false, false),
        ]);

    public static List<LiveValue> HealthyLive() =>
    [
        Live(0x0C, 780),
        Live(0x05, 91),
        Live(0x07, 1.6),
        Live(0x09, -2.3),
        Live(0x42, 14.2),
        Live(0x1F, 1200),
    ];

    public static ScanFacts Scan(IEnumerable<ScannedDtc>? dtcs = null, bool milOn = false, IEnumerable<LiveValue>? live = null, ReadinessStatus? readiness = null) =>
        new([.. dtcs ?? []], milOn, [readiness ?? Ready(milOn)], [], [.. live ?? HealthyLive()]);

    public static List<ServiceRecord> RecentServices(double odometer) =>
    [
        new("oil-filter", Now.AddMonths(-2), odometer - 3_000),
        new("air-filter", Now.AddMonths(-2), odometer - 3_000),
        new("brake-fluid", Now.AddMonths(-2), odometer - 3_000),
        new("coolant", Now.AddMonths(-2), odometer - 3_000),
        new("spark-plugs", Now.AddMonths(-2), odometer - 3_000),
    ];

    public static HealthInput Healthy() => new()
    {
        Now = Now,
        Scan = Scan(),
        OdometerKm = 84_000,
        ServiceHistory = RecentServices(84_000),
        RestingBattery = [new(Now.AddDays(-1), 12.65)],
    };

    public static HealthInput With(this HealthInput input, params LiveValue[] replaced)
    {
        var live = input.Scan!.LiveValues.Where(v => replaced.All(r => r.Pid != v.Pid)).Concat(replaced).ToList();
        return input with { Scan = input.Scan with { LiveValues = live } };
    }

    /// <summary>Samples every <paramref name="stepHours"/> hours ending at <see cref="Now"/>, value from the age in days.</summary>
    public static List<TelemetrySample> Series(int count, double stepHours, Func<double, double> valueAtDay)
    {
        var samples = new List<TelemetrySample>(count);
        for (int i = 0; i < count; i++)
        {
            double day = i * stepHours / 24;
            var at = Now.AddHours(-(count - 1 - i) * stepHours);
            samples.Add(new TelemetrySample(at, valueAtDay(day)));
        }
        return samples;
    }

    public static IEnumerable<string> Rules(this HealthAssessment a) => a.Findings.Select(f => f.Rule);
}
