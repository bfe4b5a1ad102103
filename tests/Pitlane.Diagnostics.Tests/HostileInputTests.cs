using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;
using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

public class HostileInputTests
{
    [Fact]
    public void Empty_input_gives_100_and_unknown_or_distance_reminders()
    {
        var input = new HealthInput { Now = Now };

        var a = HealthEngine.Evaluate(input);
        var i = RuleInterpreter.Interpret(input, a);

        Assert.Equal(100, a.Score);
        Assert.Empty(a.Findings);
        Assert.All(a.Reminders, r => Assert.Equal(ReminderUrgency.Unknown, r.Urgency));
        Assert.Contains("No scan is on record", i.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_scan_lists_are_a_clean_scan()
    {
        var input = new HealthInput { Now = Now, Scan = new ScanFacts([], false, [], [], []) };

        Assert.Equal(100, HealthEngine.Evaluate(input).Score);
    }

    [Fact]
    public void NaN_infinity_and_absurd_values_are_ignored()
    {
        double[] bad = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -1e308];
        var live = bad.SelectMany(v => new[] { Live(0x07, v), Live(0x09, v), Live(0x42, v), Live(0x05, v), Live(0x0C, v), Live(0x1F, v) }).ToList();
        var series = bad.Select((v, i) => new TelemetrySample(Now.AddHours(-i), v)).ToList();
        var input = new HealthInput
        {
            Now = Now,
            Scan = new ScanFacts([], false, [], [], live) { AdapterVoltage = double.NaN },
            OdometerKm = double.NaN,
            RestingBattery = series,
            MisfireCounts = [new(1, double.NaN), new(2, 1e308), new(0, 500), new(13, 500), new(3, -5)],
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>>
            {
                ["07"] = series, ["09"] = series, ["42"] = series, ["05"] = series, ["A6"] = series, ["misfire.cyl1"] = series,
            },
            ServiceHistory = [new("oil-filter", DateTimeOffset.MaxValue, double.PositiveInfinity), new("coolant", DateTimeOffset.MinValue, double.NaN)],
        };

        var a = HealthEngine.Evaluate(input);
        var i = RuleInterpreter.Interpret(input, a);

        // Nothing measured counts; only the coolant record (dated MinValue, so long overdue by date) takes its 5 points.
        var finding = Assert.Single(a.Findings);
        Assert.Equal(("maintenance.overdue", 95), (finding.Rule, a.Score));
        Assert.DoesNotContain("NaN", finding.Seen, StringComparison.Ordinal);
        Assert.Empty(a.Predictions);
        Assert.DoesNotContain("NaN", i.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", i.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_samples_among_good_ones_do_not_change_the_fit()
    {
        var clean = Series(61, 24, day => 1 + (0.1 * day));
        var dirty = clean.SelectMany((s, k) => k % 3 == 0
            ? new[] { s, new TelemetrySample(s.At, double.NaN), new TelemetrySample(s.At.AddMinutes(1), double.PositiveInfinity), new TelemetrySample(s.At, 1e308) }
            : new[] { s }).ToList();

        TrendFit Fit(List<TelemetrySample> s) => Assert.Single(HealthEngine.Evaluate(Healthy() with
        {
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["07"] = s },
        }).Findings).Trend!;

        Assert.Equal(Fit(clean).SlopePerDay, Fit(dirty).SlopePerDay, 12);
    }

    [Fact]
    public void Unsorted_and_duplicate_timestamps_give_the_same_result_as_sorted()
    {
        var sorted = Series(61, 24, day => 12.5 - (day * 0.4 / 60));
        var shuffled = sorted.AsEnumerable().Reverse().Concat(sorted.Where((_, k) => k % 2 == 0)).ToList();
        var duplicateFree = sorted.Concat(sorted.Where((_, k) => k % 2 == 0)).OrderBy(s => s.At).ToList();

        var a = HealthEngine.Evaluate(Healthy() with { RestingBattery = shuffled });
        var b = HealthEngine.Evaluate(Healthy() with { RestingBattery = duplicateFree });

        Assert.Equal(b.Findings, a.Findings, (x, y) => x.Seen == y.Seen && x.Points == y.Points && x.Trend == y.Trend);
        Assert.Equal(b.Predictions.Select(p => p.Text), a.Predictions.Select(p => p.Text));
        Assert.Contains(a.Findings, f => f.Rule == "battery.falling");
    }

    [Fact]
    public void All_samples_at_one_instant_give_no_trend()
    {
        var at = Now.AddDays(-1);
        var series = Enumerable.Range(0, 50).Select(k => new TelemetrySample(at, 20 + k)).ToList();

        var a = HealthEngine.Evaluate(Healthy() with
        {
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["07"] = series, ["A6"] = series },
            RestingBattery = [.. series.Select(s => s with { Value = 12.5 - (s.Value / 1000) })],
        });

        Assert.DoesNotContain(a.Findings, f => f.Trend is not null);
    }

    [Fact]
    public void Junk_trouble_codes_and_duplicates_across_ecus_do_not_throw()
    {
        var dtcs = new List<ScannedDtc>
        {
            new("", "7E8", DtcKind.Stored, "", Pitlane.Obd.Dtc.DtcSeverity.High, "", false),
            new(null!, null!, DtcKind.Stored, null!, Pitlane.Obd.Dtc.DtcSeverity.Critical, null!, false),
            new("P0A0F", null!, DtcKind.Stored, null!, (Pitlane.Obd.Dtc.DtcSeverity)99, null!, false),
            new("XYZ", "", DtcKind.Stored, "", Pitlane.Obd.Dtc.DtcSeverity.Medium, "", false),
            ScanFacts.Dtc("U0100", ecu: "7E9"),
            ScanFacts.Dtc("U0100", ecu: "7EA"),
        };
        var input = Healthy() with { Scan = Scan(dtcs, milOn: true) };

        var a = HealthEngine.Evaluate(input);
        var i = RuleInterpreter.Interpret(input, a);

        Assert.Equal(3, a.Findings.Count(f => f.Rule == "dtc.severity"));
        Assert.DoesNotContain(a.Findings, f => f.Rule == "mil.critical");
        Assert.Contains(a.Findings, f => f.Seen.StartsWith("U0100", StringComparison.Ordinal) && f.Seen.Contains("7E9, 7EA", StringComparison.Ordinal));
        Assert.Contains(i.Recommendations, r => r.Codes.Contains("XYZ"));
    }
    [Fact]
    public void Null_lists_and_null_items_from_a_deserialiser_do_not_throw()
    {
        var input = new HealthInput
        {
            Now = Now,
            Scan = new ScanFacts(null!, true, [null!, new ReadinessStatus("7E8", true, 0, IgnitionType.Spark, null!)], null!, [null!]),
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["07"] = null! },
            RestingBattery = null!,
            MisfireCounts = [null!],
            ServiceHistory = [null!],
            Schedule = [null!, new MaintenanceItem("oil-filter", "Engine oil and filter", 15_000, 12)],
        };

        var a = HealthEngine.Evaluate(input);
        var i = RuleInterpreter.Interpret(input, a);

        Assert.Equal(["mil.on"], a.Findings.Select(f => f.Rule));
        Assert.Single(a.Reminders);
        Assert.Contains("check-engine light is on", i.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Future_dated_resting_reading_is_skipped_for_the_newest_real_one()
    {
        var a = HealthEngine.Evaluate(Healthy() with { RestingBattery = [new(Now.AddDays(-2), 11.9), new(Now.AddYears(5), 12.7)] });

        Assert.Contains(a.Findings, f => f.Rule == "battery.resting-low" && f.Points == 15);
    }
}
