using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

public class TrendTests
{
    private static Dictionary<string, IReadOnlyList<TelemetrySample>> Telemetry(params (string Signal, IReadOnlyList<TelemetrySample> Samples)[] series) =>
        series.ToDictionary(s => s.Signal, s => s.Samples);

    [Fact]
    public void Trim_drift_regression_recovers_a_known_slope_per_30_days_and_per_1000_km()
    {
        // Daily samples over 60 days: trim = 1 + 0.1 per day (3 points per 30 days); 50 km driven per day.
        var input = Healthy() with
        {
            Telemetry = Telemetry(("07", Series(61, 24, day => 1 + (0.1 * day))), ("A6", Series(61, 24, day => 70_000 + (50 * day)))),
        };

        var a = HealthEngine.Evaluate(input);

        var f = Assert.Single(a.Findings);
        Assert.Equal("fueltrim.drift", f.Rule);
        var fit = f.Trend!;
        Assert.Equal(3.0, fit.SlopePer30Days, 9);
        Assert.Equal(2.0, fit.SlopePer1000Km!.Value, 9);
        Assert.Equal(7.0, fit.Current, 9);
        Assert.Equal(1.0, fit.RSquared, 9);
        Assert.Equal(61, fit.SampleCount);
        Assert.Equal(Now.AddDays(-60), fit.From);
        // From +7 % at 0.1 per day, +20 % is 130 days away: 6,500 km at 50 km/day.
        var p = Assert.Single(a.Predictions);
        Assert.Equal((130, (int?)6_500, 20.0), (p.WithinDays, p.WithinKm, p.Threshold));
        Assert.StartsWith("Long-term fuel trim bank 1 reaches +20 % (fuel-system code): likely within 130 days (about 6,500 km", p.Text, StringComparison.Ordinal);
        Assert.Equal(Severity.Low, f.Severity);
    }

    [Fact]
    public void Trim_drift_below_2_points_per_30_days_or_buried_in_noise_is_not_a_finding()
    {
        var slow = Healthy() with { Telemetry = Telemetry(("07", Series(61, 24, day => 1 + (0.06 * day)))) };
        Assert.Empty(HealthEngine.Evaluate(slow).Findings);

        // Alternating ±6 % around a slope of 0.1/day: R² far below 0.3.
        var noisy = Healthy() with { Telemetry = Telemetry(("07", Series(61, 24, day => (0.1 * day) + ((int)day % 2 == 0 ? 6 : -6) - 3))) };
        var trend = HealthEngine.Evaluate(noisy);
        Assert.DoesNotContain(trend.Findings, f => f.Rule == "fueltrim.drift");
    }

    [Fact]
    public void Falling_trim_drift_predicts_the_rich_limit()
    {
        var input = Healthy() with { Telemetry = Telemetry(("09", Series(31, 24, day => -10 - (0.25 * day)))) };

        var a = HealthEngine.Evaluate(input);

        var f = Assert.Single(a.Findings, f => f.Rule == "fueltrim.drift");
        Assert.Equal(-7.5, f.Trend!.SlopePer30Days, 9);
        Assert.Equal(Severity.Medium, f.Severity); // -17.5 % now, -20 % in 10 days
        Assert.Equal(10, Assert.Single(a.Predictions).WithinDays);
    }

    [Fact]
    public void Coolant_overshoot_counts_each_excursion_once()
    {
        // Hourly samples: two excursions above 105 °C with noise around the threshold inside each.
        var values = new double[] { 90, 92, 106, 104.5, 107, 98, 91, 93, 108, 103, 110, 99, 90 };
        var samples = values.Select((v, i) => new TelemetrySample(Now.AddHours(-values.Length + i), v)).ToList();

        var a = HealthEngine.Evaluate(Healthy() with { Telemetry = Telemetry(("05", samples)) });

        var f = Assert.Single(a.Findings);
        Assert.Equal(("coolant.overshoot", 10, Severity.Medium), (f.Rule, f.Points, f.Severity));
        Assert.Contains("2 time(s)", f.Seen, StringComparison.Ordinal);
        Assert.Contains("peak 110 °C", f.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void Coolant_at_105_never_counts_as_an_overshoot()
    {
        var a = HealthEngine.Evaluate(Healthy() with { Telemetry = Telemetry(("05", Series(50, 1, _ => 105))) });

        Assert.Empty(a.Findings);
    }
    [Fact]
    public void Battery_trend_needs_a_line_that_explains_the_readings()
    {
        // Alternating 12.65 / 12.35 V with a small downward slope: scatter, not a trend.
        var scattered = Series(61, 24, day => 12.5 - (day * 0.001) + ((int)day % 2 == 0 ? 0.15 : -0.15));
        var falling = Series(61, 24, day => 12.6 - (day * 0.002));

        Assert.DoesNotContain(HealthEngine.Evaluate(Healthy() with { RestingBattery = scattered }).Findings, f => f.Rule == "battery.falling");
        var f = Assert.Single(HealthEngine.Evaluate(Healthy() with { RestingBattery = falling }).Findings);
        Assert.Equal(("battery.falling", 5, Severity.Low), (f.Rule, f.Points, f.Severity)); // 12.48 V now, 12.0 V in 240 days
        Assert.Equal(-0.06, f.Trend!.SlopePer30Days, 9);
    }
}
