using Pitlane.Obd.J1979;
using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

public class HealthEngineTests
{
    [Fact]
    public void Healthy_vehicle_scores_100_with_no_findings_and_nothing_due()
    {
        var a = HealthEngine.Evaluate(Healthy());

        Assert.Equal(100, a.Score);
        Assert.Empty(a.Findings);
        Assert.Empty(a.Predictions);
        Assert.All(a.Reminders, r => Assert.Equal(ReminderUrgency.Ok, r.Urgency));
        Assert.Equal(5, a.Reminders.Count);
    }

    [Fact]
    public void Misfire_scan_lowers_the_score_with_rule_ids_and_points_that_add_up()
    {
        var input = Healthy() with
        {
            Scan = Scan([ScanFacts.Dtc("P0300"), ScanFacts.Dtc("P0301"), ScanFacts.Dtc("P0300", DtcKind.Permanent), ScanFacts.Dtc("P0301", DtcKind.Permanent)], milOn: true),
            MisfireCounts = [new(1, 184), new(2, 7), new(3, 8), new(4, 6)],
        };

        var a = HealthEngine.Evaluate(input);

        Assert.Equal(["dtc.severity", "dtc.severity", "mil.on", "misfire.counts"], a.Findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
        Assert.Contains(a.Findings, f => f.Rule == "misfire.counts" && f.Cylinder == 1 && f.Severity == Severity.High && f.Seen.Contains("184", StringComparison.Ordinal));
        Assert.DoesNotContain(a.Findings, f => f.Rule == "misfire.counts" && f.Cylinder != 1);
        Assert.Contains(a.Findings, f => f.Codes.SequenceEqual(["P0301"]) && f.Seen.Contains("permanent, stored", StringComparison.Ordinal));
        // P0300 15 + P0301 15 + MIL 10 + cylinder 1 heavy misfire 20.
        Assert.Equal(40, a.Score);
        Assert.Equal(100 - a.Score, a.Findings.Sum(f => f.Points));
    }

    [Theory]
    [InlineData(10.0, null, 0)]
    [InlineData(10.1, "fueltrim.lean", 5)]
    [InlineData(20.0, "fueltrim.lean", 5)]
    [InlineData(22.0, "fueltrim.lean", 15)]
    [InlineData(-10.0, null, 0)]
    [InlineData(-12.5, "fueltrim.rich", 5)]
    [InlineData(-25.0, "fueltrim.rich", 15)]
    public void Long_term_fuel_trim_bands(double trim, string? rule, int points)
    {
        var a = HealthEngine.Evaluate(Healthy().With(Live(0x07, trim)));

        if (rule is null)
        {
            Assert.Empty(a.Findings);
            return;
        }
        var f = Assert.Single(a.Findings);
        Assert.Equal(rule, f.Rule);
        Assert.Equal(points, f.Points);
        Assert.Contains("bank 1", f.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void Lean_trims_of_22_percent_on_both_banks_are_high_findings_capped_at_20()
    {
        var a = HealthEngine.Evaluate(Healthy().With(Live(0x07, 22), Live(0x09, 21.9)));

        Assert.All(a.Findings, f => Assert.Equal("fueltrim.lean", f.Rule));
        Assert.Equal(2, a.Findings.Count);
        Assert.All(a.Findings, f => Assert.Equal(Severity.High, f.Severity));
        Assert.Equal(80, a.Score);
    }

    [Fact]
    public void Fuel_trim_comes_from_recent_telemetry_when_the_scan_has_none()
    {
        var input = Healthy() with
        {
            Scan = Scan(live: HealthyLive().Where(v => v.Pid != 0x07)),
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["07"] = Series(5, 0.1, _ => 23) },
        };

        Assert.Contains(HealthEngine.Evaluate(input).Findings, f => f.Rule == "fueltrim.lean" && f.Points == 15);
    }

    [Theory]
    [InlineData(13.5, 780, null, 0)]
    [InlineData(13.49, 780, "battery.charging-low", 10)]
    [InlineData(12.1, 780, "battery.charging-low", 20)]
    [InlineData(12.1, 0, null, 0)]
    [InlineData(14.8, 780, null, 0)]
    [InlineData(14.81, 780, "battery.charging-high", 10)]
    public void Charging_voltage_is_judged_only_with_the_engine_running(double volts, double rpm, string? rule, int points)
    {
        var a = HealthEngine.Evaluate(Healthy().With(Live(0x42, volts), Live(0x0C, rpm)));

        if (rule is null)
        {
            Assert.Empty(a.Findings);
            return;
        }
        var f = Assert.Single(a.Findings);
        Assert.Equal(rule, f.Rule);
        Assert.Equal(points, f.Points);
    }

    [Fact]
    public void Charging_falls_back_to_the_adapter_voltage()
    {
        var input = Healthy() with { Scan = Scan(live: HealthyLive().Where(v => v.Pid != 0x42)) with { AdapterVoltage = ScanFacts.ParseVolts("12.3V") } };

        var f = Assert.Single(HealthEngine.Evaluate(input).Findings);
        Assert.Equal("battery.charging-low", f.Rule);
        Assert.Contains("ATRV", f.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12.4, 1, null, 0)]
    [InlineData(12.39, 1, "battery.resting-low", 8)]
    [InlineData(12.0, 1, "battery.resting-low", 8)]
    [InlineData(11.99, 1, "battery.resting-low", 15)]
    [InlineData(11.5, 40, null, 0)]
    public void Resting_battery_bands_and_stale_readings(double volts, int daysAgo, string? rule, int points)
    {
        var a = HealthEngine.Evaluate(Healthy() with { RestingBattery = [new(Now.AddDays(-daysAgo), volts)] });

        if (rule is null)
        {
            Assert.Empty(a.Findings);
            return;
        }
        var f = Assert.Single(a.Findings);
        Assert.Equal(rule, f.Rule);
        Assert.Equal(points, f.Points);
    }

    [Fact]
    public void Weak_battery_at_12_1_volts_falling_gives_a_finding_and_a_prediction()
    {
        // 61 daily readings from 12.50 V down to 12.10 V: -0.2 V per 30 days; 12.0 V is 15 days away.
        var resting = Series(61, 24, day => 12.5 - (day * 0.4 / 60));
        var input = Healthy() with
        {
            RestingBattery = resting,
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["A6"] = Series(61, 24, day => 80_000 + (day * 40)) },
        };

        var a = HealthEngine.Evaluate(input);

        Assert.Contains(a.Findings, f => f.Rule == "battery.resting-low" && f.Seen.Contains("12.10 V", StringComparison.Ordinal));
        var falling = Assert.Single(a.Findings, f => f.Rule == "battery.falling");
        Assert.Equal(-0.2, falling.Trend!.SlopePer30Days, 6);
        Assert.Equal(61, falling.Trend.SampleCount);
        var p = Assert.Single(a.Predictions);
        Assert.Equal("battery.falling", p.Rule);
        Assert.Equal(15, p.WithinDays);
        Assert.Equal(600, p.WithinKm);
        Assert.Contains("likely within 15 days (about 600 km", p.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Battery_trend_uses_pid_42_engine_off_readings_without_resting_series()
    {
        var volts = Series(30, 24, day => 12.45 - (day * 0.01)).Concat(Series(30, 24, _ => 14.2)).ToList();
        var input = Healthy() with
        {
            RestingBattery = [],
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["42"] = volts },
        };

        var f = Assert.Single(HealthEngine.Evaluate(input).Findings, f => f.Rule == "battery.falling");
        Assert.Equal(-0.3, f.Trend!.SlopePer30Days, 6);
        Assert.Contains("PID 42 below 13.0 V", f.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(105, null, 0)]
    [InlineData(106, "coolant.overheat", 15)]
    [InlineData(115, "coolant.overheat", 30)]
    public void Coolant_overheat_bands(double celsius, string? rule, int points)
    {
        var a = HealthEngine.Evaluate(Healthy().With(Live(0x05, celsius)));

        if (rule is null)
        {
            Assert.Empty(a.Findings);
            return;
        }
        var f = Assert.Single(a.Findings);
        Assert.Equal(rule, f.Rule);
        Assert.Equal(points, f.Points);
    }

    [Theory]
    [InlineData(60, 1200, true)]
    [InlineData(60, 600, false)]
    [InlineData(70, 1200, false)]
    public void Cold_engine_after_15_minutes_points_at_the_thermostat(double celsius, double runSeconds, bool fires)
    {
        var a = HealthEngine.Evaluate(Healthy().With(Live(0x05, celsius), Live(0x1F, runSeconds)));

        Assert.Equal(fires, a.Findings.Any(f => f.Rule == "coolant.cold"));
    }

    [Fact]
    public void Mil_with_a_critical_code_caps_the_score_at_30()
    {
        var input = Healthy() with { Scan = Scan([ScanFacts.Dtc("P0217")], milOn: true) };

        var a = HealthEngine.Evaluate(input);

        Assert.Equal(HealthEngine.MilCriticalScoreCap, a.Score);
        var cap = Assert.Single(a.Findings, f => f.Rule == "mil.critical");
        Assert.Equal(30, cap.Points); // 100 - 30 (P0217) - 10 (MIL) = 60, held at 30.
        Assert.Equal(["P0217"], cap.Codes);
        Assert.Equal(100 - a.Score, a.Findings.Sum(f => f.Points));
    }

    [Fact]
    public void Pending_code_weighs_half_and_does_not_trigger_the_critical_cap()
    {
        var a = HealthEngine.Evaluate(Healthy() with { Scan = Scan([ScanFacts.Dtc("P0217", DtcKind.Pending)], milOn: true) });

        Assert.DoesNotContain(a.Findings, f => f.Rule == "mil.critical");
        Assert.Equal(15, Assert.Single(a.Findings, f => f.Rule == "dtc.severity").Points);
        Assert.Equal(75, a.Score);
    }

    [Fact]
    public void Dtc_deductions_are_capped_at_60()
    {
        string[] codes = ["P0171", "P0172", "P0174", "P0175", "P0300", "P0301"];
        var a = HealthEngine.Evaluate(Healthy() with { Scan = Scan(codes.Select(c => ScanFacts.Dtc(c))) });

        Assert.Equal(60, a.Findings.Where(f => f.Rule == "dtc.severity").Sum(f => f.Points));
        Assert.Equal(40, a.Score);
    }

    [Fact]
    public void Readiness_counts_supported_incomplete_monitors_only()
    {
        var a = HealthEngine.Evaluate(Healthy() with { Scan = Scan(readiness: Ready(false, "Catalyst", "Evaporative system")) });

        Assert.Equal(2, a.Findings.Count);
        Assert.All(a.Findings, f => Assert.Equal(("readiness.incomplete", 2), (f.Rule, f.Points)));
        Assert.Equal(96, a.Score);
    }

    [Fact]
    public void Misfire_counts_spread_evenly_are_random_misfire_and_low_counts_are_not_flagged()
    {
        var random = HealthEngine.Evaluate(Healthy() with { MisfireCounts = [new(1, 40), new(2, 38), new(3, 45), new(4, 41)] });
        var f = Assert.Single(random.Findings);
        Assert.Equal(("misfire.counts", (int?)null, 10), (f.Rule, f.Cylinder, f.Points));

        var background = HealthEngine.Evaluate(Healthy() with { MisfireCounts = [new(1, 9), new(2, 1), new(3, 0), new(4, 2)] });
        Assert.Empty(background.Findings);
    }

    [Fact]
    public void Misfire_counts_come_from_telemetry_without_a_service_06_read()
    {
        var telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>>
        {
            ["misfire.cyl1"] = [new(Now.AddMinutes(-1), 2)],
            ["misfire.cyl3"] = [new(Now.AddMinutes(-1), 55)],
            ["misfire.cyl2"] = [new(Now.AddMinutes(-1), 3)],
        };

        var f = Assert.Single(HealthEngine.Evaluate(Healthy() with { Telemetry = telemetry }).Findings);
        Assert.Equal((3, 10), (f.Cylinder, f.Points));
    }
}
