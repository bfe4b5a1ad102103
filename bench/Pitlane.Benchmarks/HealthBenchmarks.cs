using BenchmarkDotNet.Attributes;
using Pitlane.Diagnostics;
using Pitlane.Obd.J1979;

namespace Pitlane.Benchmarks;

/// <summary>
/// Health computation for GET /vehicles/{id}/health: one scan (misfire with the MIL on, 18 live values, readiness)
/// plus 500 telemetry samples over 60 days (long-term trims of both banks, PID 42, coolant, odometer), resting battery
/// readings and a service history.
/// </summary>
[MemoryDiagnoser]
public class HealthBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private HealthInput _input = null!;
    private HealthAssessment _assessment = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] pids = [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x1F, 0x2F, 0x33, 0x42, 0x46];
        double[] values = [32, 92, 1.6, 12.5, -0.8, 11.7, 35, 780, 0, 12, 24, 3.1, 15, 1200, 55, 101, 14.1, 18];
        var live = pids.Select((p, i) => new LiveValue("7E8", p, $"PID {p:X2}", values[i], "", 0, 0)).ToList();
        var readiness = new ReadinessStatus("7E8", true, 2, IgnitionType.Spark,
            [new("Misfire", true, true), new("Fuel system", true, true), new("Components", true, true), new("Catalyst", true, false), new("Oxygen sensor", true, true)]);
        var scan = new ScanFacts([ScanFacts.Dtc("P0300"), ScanFacts.Dtc("P0301"), ScanFacts.Dtc("P0301", DtcKind.Permanent), ScanFacts.Dtc("P0171")], true, [readiness], [], live)
        {
            AdapterVoltage = 14.1,
        };

        // 100 samples per signal, every 14.4 hours over 60 days, with a little deterministic noise.
        List<TelemetrySample> Series(Func<int, double> value) =>
            [.. Enumerable.Range(0, 100).Select(i => new TelemetrySample(Now.AddHours(-14.4 * (99 - i)), value(i)))];
        double Noise(int i) => ((i * 7919) % 13 - 6) / 10.0;

        _input = new HealthInput
        {
            Now = Now,
            Scan = scan,
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>>
            {
                ["07"] = Series(i => 5 + (0.08 * i) + Noise(i)),
                ["09"] = Series(i => 4 + (0.08 * i) + Noise(i + 1)),
                ["42"] = Series(i => i % 5 == 0 ? 12.5 - (0.002 * i) : 14.1 + (Noise(i) / 10)),
                ["05"] = Series(i => 90 + (i % 17 == 0 ? 18 : Noise(i) * 5)),
                ["A6"] = Series(i => 80_000 + (36 * i)),
            },
            RestingBattery = [.. Enumerable.Range(0, 30).Select(i => new TelemetrySample(Now.AddDays(-2 * (29 - i)), 12.55 - (0.005 * i)))],
            MisfireCounts = [new(1, 184), new(2, 7), new(3, 8), new(4, 6)],
            OdometerKm = 83_600,
            ServiceHistory = [new("oil-filter", Now.AddMonths(-11), 70_000), new("air-filter", Now.AddMonths(-13), 70_000), new("spark-plugs", Now.AddYears(-4), 10_000)],
        };
        _assessment = HealthEngine.Evaluate(_input);
    }

    /// <summary>
    /// The reference: the data work the rules need, written with LINQ as such code commonly is and evaluated afresh on
    /// every call: codes grouped, monitors counted, every telemetry series (and the resting battery) filtered for
    /// finite values, ordered by time, fitted by least squares over all of it and summarised over the last 30 days,
    /// misfires summed, service records looked up by key. It draws no findings and scores nothing, so it is a floor
    /// for the data work, not a second engine.
    /// </summary>
    [Benchmark(Baseline = true)]
    public double Linq_reference()
    {
        var scan = _input.Scan!;
        double result = scan.Dtcs.GroupBy(d => d.Code).Select(g => g.Max(d => (int)d.Severity)).Sum();
        result += scan.Readiness.SelectMany(r => r.Monitors).Count(m => m.Supported && !m.Complete);
        result += scan.LiveValues.ToDictionary(v => v.Pid, v => v.Value).Values.Sum();
        foreach (var series in _input.Telemetry.Values.Append(_input.RestingBattery))
        {
            var clean = series.Where(x => double.IsFinite(x.Value)).OrderBy(x => x.At).ToList();
            var origin = clean[0].At;
            var days = clean.Select(x => (x.At - origin).TotalDays).ToList();
            var meanX = days.Average();
            var meanY = clean.Average(x => x.Value);
            var slope = days.Zip(clean, (d, x) => (d - meanX) * (x.Value - meanY)).Sum() / days.Sum(d => (d - meanX) * (d - meanX));
            var recent = clean.Where(x => x.At >= _input.Now.AddDays(-30)).Select(x => x.Value).ToList();
            result += slope + recent.Min() + recent.Max() + recent.Average();
        }
        result += _input.MisfireCounts.Sum(m => m.Count) / _input.MisfireCounts.Count;
        result += MaintenanceSchedule.Default.Count(item => _input.ServiceHistory.Where(r => r.Key == item.Key).OrderByDescending(r => r.Date).FirstOrDefault() is null);
        return result;
    }

    [Benchmark]
    public int Evaluate() => HealthEngine.Evaluate(_input).Score;

    [Benchmark]
    public int Interpret() => RuleInterpreter.Interpret(_input, _assessment).Recommendations.Count;

    [Benchmark]
    public int Evaluate_and_interpret() => RuleInterpreter.Interpret(_input, HealthEngine.Evaluate(_input)).Summary.Length;
}
