namespace Pitlane.Obd.Simulator.Tests;

public sealed class VehicleModelTests
{
    [Fact]
    public void Distance_grows_continuously_and_one_loop_is_about_two_kilometres()
    {
        var vehicle = new SimulatedVehicle(SimulatorScenarios.Get(SimulatorScenarios.Healthy), SimulatorOptions.DefaultVin);
        var previous = 0.0;
        for (var t = 0.0; t <= 360; t += 0.5)
        {
            var km = vehicle.SampleAt(t).DistanceKm;
            Assert.True(km >= previous && km - previous < 0.02, $"at {t} s: {previous} -> {km}");
            previous = km;
        }

        Assert.InRange(vehicle.SampleAt(120).DistanceKm, 1.9, 2.0);
    }

    [Theory]
    [InlineData(5, "idle")]
    [InlineData(25, "accelerate")]
    [InlineData(60, "cruise")]
    [InlineData(95, "decelerate")]
    [InlineData(110, "idle")]
    [InlineData(145, "accelerate")]
    public void Driving_cycle_repeats_its_phases(double seconds, string phase)
    {
        var vehicle = new SimulatedVehicle(SimulatorScenarios.Get(SimulatorScenarios.Healthy), SimulatorOptions.DefaultVin);
        Assert.Equal(phase, vehicle.SampleAt(seconds).Phase);
    }

    [Fact]
    public void Time_scale_speeds_up_the_cycle()
    {
        var time = new ManualTime();
        var vehicle = new SimulatedVehicle(SimulatorScenarios.Get(SimulatorScenarios.Healthy), SimulatorOptions.DefaultVin, time, timeScale: 10);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(60, vehicle.ElapsedSeconds, 6);
        Assert.Equal("cruise", vehicle.Sample().Phase);
    }

    [Fact]
    public void Scenario_table_names_are_unique_and_codes_are_well_formed()
    {
        Assert.Equal(9, SimulatorScenarios.Names.Distinct().Count());
        Assert.Equal(SimulatorScenarios.Names, ElmSimulatorServer.Scenarios);
        Assert.All(SimulatorScenarios.All.SelectMany(s => s.Dtcs), d => Assert.Matches("^[PCBU][0-3][0-9A-F]{3}$", d.Code));
        Assert.All(SimulatorScenarios.All.Where(s => s.MilOn), s => Assert.Contains(s.Dtcs, d => d.Kind == DtcKind.Permanent));
        Assert.Throws<ArgumentException>(() => SimulatorScenarios.Get("nope"));
    }

    [Fact]
    public async Task Kline_header_can_address_one_ecu()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Protocol = SimProtocol.Iso9141_2 });
        await sim.Client.InitAsync("ATH1");
        Assert.Equal(3, (await sim.SendAsync("0100")).Count(l => l.StartsWith("48 6B", StringComparison.Ordinal)));
        Assert.Equal(["OK"], await sim.SendAsync("ATSH6818F1"));
        Assert.Equal(["48 6B 18 41 00 80 08 00 10 A4"], await sim.SendAsync("0100"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("22F190"));
    }
}
