using Pitlane.Obd.Elm;
using Pitlane.Obd.Scanning;
using Pitlane.Obd.Simulator;
using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

/// <summary>Real scans of the ELM327 simulator through Pitlane.Obd, then the engine and the interpreter.</summary>
public class SimulatorScenarioTests
{
    private static readonly ElmOptions Elm = new() { CommandTimeout = TimeSpan.FromSeconds(5), SearchTimeout = TimeSpan.FromSeconds(10) };

    private static async Task<(HealthAssessment, Interpretation, ScanReport)> ScanAndEvaluate(string scenario)
    {
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = scenario, Port = 0, Seed = 7 });
        await sim.StartAsync(TestContext.Current.CancellationToken);
        var report = await ObdScanner.ScanAsync($"tcp://127.0.0.1:{sim.Port}", Elm, cancellationToken: TestContext.Current.CancellationToken);
        var input = new HealthInput
        {
            Now = Now,
            Scan = ScanFacts.From(report),
            OdometerKm = 84_000,
            ServiceHistory = RecentServices(84_000),
            MisfireCounts = [.. Enumerable.Range(1, 4).Select(c => new CylinderMisfires(c, sim.Vehicle.MisfireCount(c)))],
        };
        var assessment = HealthEngine.Evaluate(input);
        return (assessment, RuleInterpreter.Interpret(input, assessment), report);
    }

    [Fact]
    public async Task Healthy_simulator_scores_100()
    {
        var (a, i, _) = await ScanAndEvaluate(SimulatorScenarios.Healthy);

        Assert.Equal(100, a.Score);
        Assert.Empty(i.Recommendations);
    }

    [Fact]
    public async Task Misfire_simulator_lowers_the_score_and_names_cylinder_1()
    {
        var (a, i, report) = await ScanAndEvaluate(SimulatorScenarios.Misfire);

        Assert.True(report.MilOn);
        Assert.True(a.Score <= 50, $"score {a.Score}");
        Assert.Contains(a.Findings, f => f.Rule == "mil.on");
        Assert.Contains(a.Findings, f => f.Rule == "dtc.severity" && f.Codes.Contains("P0300"));
        Assert.Contains(a.Findings, f => f.Rule == "misfire.counts" && f.Cylinder == 1);
        Assert.Contains(i.Recommendations, r => r.Title.Contains("cylinder 1", StringComparison.Ordinal) && r.Codes.Contains("P0301"));
    }

    [Fact]
    public async Task Lean_simulator_gives_fueltrim_lean_on_both_banks()
    {
        var (a, i, _) = await ScanAndEvaluate(SimulatorScenarios.Lean);

        Assert.Equal(2, a.Findings.Count(f => f.Rule == "fueltrim.lean" && f.Severity == Severity.High));
        Assert.Equal("intake.smoke-test", i.Recommendations[0].LaborOperation);
    }

    [Fact]
    public async Task Weak_battery_simulator_gives_a_charging_finding_and_p0562()
    {
        var (a, i, _) = await ScanAndEvaluate(SimulatorScenarios.WeakBattery);

        Assert.Contains(a.Findings, f => f.Rule == "battery.charging-low" && f.Severity == Severity.High);
        Assert.Contains(a.Findings, f => f.Codes.Contains("P0562"));
        Assert.Contains(i.Recommendations, r => r.LaborOperation == "battery.test" && r.Codes.Contains("P0562"));
    }

    [Fact]
    public async Task Overheating_simulator_is_capped_and_tells_the_driver_to_stop()
    {
        var (a, i, _) = await ScanAndEvaluate(SimulatorScenarios.Overheating);

        Assert.True(a.Score <= HealthEngine.MilCriticalScoreCap, $"score {a.Score}");
        Assert.Contains(a.Findings, f => f.Rule == "coolant.overheat");
        Assert.Equal(RecommendationUrgency.Immediate, i.Recommendations[0].Urgency);
        Assert.Equal("cooling-system.pressure-test", i.Recommendations[0].LaborOperation);
    }
}
