using Pitlane.Obd.J1979;
using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

public class RuleInterpreterTests
{
    private static Interpretation Interpret(HealthInput input) => RuleInterpreter.Interpret(input, HealthEngine.Evaluate(input));

    private static HealthInput WithCodes(params string[] codes) =>
        Healthy() with { Scan = Scan(codes.Select(c => ScanFacts.Dtc(c)), milOn: true) };

    [Fact]
    public void Healthy_vehicle_has_no_recommendations_and_says_so()
    {
        var i = Interpret(Healthy());

        Assert.Equal("rules", i.Source);
        Assert.Empty(i.Recommendations);
        Assert.Equal("Health score 100/100 (good). No trouble codes are stored. Every measured value is within its normal range and no maintenance is due.", i.Summary);
    }

    [Fact]
    public void Misfire_names_cylinder_1_with_both_codes_and_the_coil_swap()
    {
        var input = Healthy() with
        {
            Scan = Scan([ScanFacts.Dtc("P0300"), ScanFacts.Dtc("P0301")], milOn: true),
            MisfireCounts = [new(1, 184), new(2, 7), new(3, 8), new(4, 6)],
        };

        var i = Interpret(input);

        var r = Assert.Single(i.Recommendations);
        Assert.Equal("Misfire on cylinder 1: check spark plug, ignition coil, injector and compression", r.Title);
        Assert.Equal(["P0300", "P0301"], r.Codes);
        Assert.Equal(RecommendationUrgency.Soon, r.Urgency);
        Assert.Equal("ignition.coil.replace", r.LaborOperation);
        Assert.Contains("Swap the cylinder 1 ignition coil", r.Why, StringComparison.Ordinal);
        Assert.Contains("Cylinder 1: 184 misfire counts", r.Why, StringComparison.Ordinal);
        Assert.Contains("The check-engine light is on.", i.Summary, StringComparison.Ordinal);
        Assert.Contains("P0300 (Random/Multiple Cylinder Misfire Detected) and P0301 (Cylinder 1 Misfire Detected)", i.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Misfire_with_plugs_past_their_interval_suggests_plugs_first()
    {
        var input = WithCodes("P0302") with
        {
            OdometerKm = 105_000,
            ServiceHistory = [.. RecentServices(105_000).Where(s => s.Key != "spark-plugs"), new("spark-plugs", Now.AddYears(-8), 0)],
        };

        var i = Interpret(input);

        Assert.Contains(i.Recommendations, r => r.Title.StartsWith("Misfire on cylinder 2", StringComparison.Ordinal) && r.LaborOperation == "spark-plugs.replace");
        Assert.Contains(i.Recommendations, r => r.Title == "Spark plugs: overdue" && r.LaborOperation == "spark-plugs.replace");
    }

    [Fact]
    public void Random_misfire_alone_looks_for_a_shared_cause()
    {
        var r = Assert.Single(Interpret(WithCodes("P0300")).Recommendations);

        Assert.StartsWith("Random misfire on several cylinders", r.Title, StringComparison.Ordinal);
        Assert.Equal("spark-plugs.replace", r.LaborOperation);
    }

    [Theory]
    [InlineData("P0171", "intake.smoke-test", RecommendationUrgency.Soon, "Lean mixture")]
    [InlineData("P0420", "o2-sensor.replace", RecommendationUrgency.Scheduled, "Catalyst efficiency low")]
    [InlineData("P0430", "o2-sensor.replace", RecommendationUrgency.Scheduled, "Catalyst efficiency low")]
    [InlineData("P0128", "thermostat.replace", RecommendationUrgency.Scheduled, "Engine runs cold")]
    [InlineData("P0217", "cooling-system.pressure-test", RecommendationUrgency.Immediate, "Engine overheating")]
    [InlineData("P0562", "battery.test", RecommendationUrgency.Soon, "Test the battery and charging system")]
    [InlineData("U0100", "can-bus.diagnose", RecommendationUrgency.Soon, "Lost communication with the engine module")]
    [InlineData("P0172", "fuel-injectors.test", RecommendationUrgency.Soon, "Rich mixture")]
    public void Each_code_family_has_its_recommendation_and_labor_operation(string code, string labor, RecommendationUrgency urgency, string title)
    {
        var i = Interpret(WithCodes(code));

        var r = i.Recommendations[0];
        Assert.StartsWith(title, r.Title, StringComparison.Ordinal);
        Assert.Equal(labor, r.LaborOperation);
        Assert.Equal(urgency, r.Urgency);
        Assert.Equal([code], r.Codes);
    }

    [Fact]
    public void Lean_on_both_banks_points_at_a_common_cause()
    {
        var input = WithCodes("P0171", "P0174").With(Live(0x07, 22), Live(0x09, 21.9));

        var r = Assert.Single(Interpret(input).Recommendations);
        Assert.Equal(["P0171", "P0174"], r.Codes);
        Assert.Contains("Both banks read lean", r.Why, StringComparison.Ordinal);
        Assert.Contains("Long-term fuel trim bank 1 (PID 07) at +22.0 %", r.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_family_falls_back_to_the_knowledge_base_system_and_severity()
    {
        var r = Assert.Single(Interpret(WithCodes("P0101")).Recommendations);

        Assert.StartsWith("P0101: ", r.Title, StringComparison.Ordinal);
        Assert.StartsWith("diagnosis.", r.LaborOperation, StringComparison.Ordinal);
        Assert.Contains("in the trouble code database", r.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Pending_unknown_code_is_only_monitored()
    {
        var input = Healthy() with { Scan = Scan([ScanFacts.Dtc("P0101", DtcKind.Pending)]) };

        Assert.Equal(RecommendationUrgency.Monitor, Assert.Single(Interpret(input).Recommendations).Urgency);
    }

    [Fact]
    public void Recommendations_are_ordered_by_urgency_then_severity()
    {
        string[] codes = ["P0420", "P0217", "P0301", "P0128"];
        var input = Healthy() with { Scan = Scan(codes.Select(c => ScanFacts.Dtc(c)), milOn: true, readiness: Ready(true, "Catalyst")) };

        var i = Interpret(input);

        Assert.Equal(
            [RecommendationUrgency.Immediate, RecommendationUrgency.Soon, RecommendationUrgency.Scheduled, RecommendationUrgency.Scheduled, RecommendationUrgency.Monitor],
            i.Recommendations.Select(r => r.Urgency));
        Assert.StartsWith("Engine overheating", i.Recommendations[0].Title, StringComparison.Ordinal);
        Assert.Contains("Act now: Engine overheating", i.Summary, StringComparison.Ordinal);
        // 30 + 15 + 8 + 8 for the codes (under the 60 cap), 10 for the MIL, 2 for the catalyst monitor.
        Assert.Contains("Health score 28/100 (critical)", i.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_input_gives_the_same_text()
    {
        HealthInput Make() => WithCodes("P0300", "P0301", "P0171", "U0100", "P0420") with
        {
            RestingBattery = Series(61, 24, day => 12.5 - (day * 0.4 / 60)),
            MisfireCounts = [new(1, 120), new(2, 4)],
        };

        var first = Interpret(Make());
        var second = Interpret(Make());

        Assert.Equal(first.Summary, second.Summary);
        Assert.Equal(first.Recommendations, second.Recommendations, (x, y) => x.Title == y.Title && x.Why == y.Why && x.Urgency == y.Urgency && x.LaborOperation == y.LaborOperation && x.Codes.SequenceEqual(y.Codes));
        Assert.Contains("likely within 15 days", first.Summary, StringComparison.Ordinal);
    }
    [Fact]
    public void Freeze_frame_of_the_code_is_quoted_in_the_why()
    {
        var frame = new FreezeFrame("7E8", 0, Pitlane.Obd.Dtc.TroubleCode.Parse("P0301"),
            [new("7E8", 0x0C, "Engine speed", 2150, "rpm", 0, 16383.75), new("7E8", 0x05, "Coolant temperature", 92, "°C", -40, 215), new("7E8", 0x11, "Throttle", 20, "%", 0, 100)]);
        var input = Healthy() with { Scan = Scan([ScanFacts.Dtc("P0301")], milOn: true) with { FreezeFrames = [frame] } };

        var r = Assert.Single(Interpret(input).Recommendations);

        Assert.StartsWith("P0301 (Cylinder 1 Misfire Detected; recorded when it set: engine speed 2150 rpm, coolant temperature 92 °C). ", r.Why, StringComparison.Ordinal);
    }
    [Fact]
    public void Due_maintenance_follows_faults_of_the_same_urgency()
    {
        var input = WithCodes("P0420") with
        {
            OdometerKm = 84_000,
            ServiceHistory = [.. RecentServices(84_000).Where(s => s.Key is not "oil-filter" and not "air-filter"), new("oil-filter", Now.AddMonths(-13), 75_000)],
        };

        var i = Interpret(input);

        Assert.Equal(["Catalyst", "Engine air filter: overdue", "Engine oil and filter: overdue"], i.Recommendations.Select(r => r.Title.StartsWith("Catalyst", StringComparison.Ordinal) ? "Catalyst" : r.Title));
        Assert.All(i.Recommendations, r => Assert.Equal(RecommendationUrgency.Scheduled, r.Urgency));
        Assert.Equal("Scheduled maintenance, due by distance (54,000 km over). No service on record, so the interval counts from new.", i.Recommendations[1].Why);
        Assert.Equal("Scheduled maintenance, due by date (6,000 km left, 31 days over). Last done 2025-10-22.", i.Recommendations[2].Why);
    }
}
