namespace Pitlane.Obd.Simulator.Tests;

public sealed class LiveValueTests
{
    private static async Task<(Sim Sim, ManualTime Time)> StartAsync(string scenario = SimulatorScenarios.Healthy)
    {
        var time = new ManualTime();
        var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = scenario }, time);
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        return (sim, time);
    }

    private static async Task<byte[]> PidAsync(Sim sim, string pid) => Wire.Bytes(Assert.Single(await sim.SendAsync("01" + pid)))[2..];

    private static async Task<byte[]> MessageAsync(Sim sim, string request) =>
        Assert.Single(Wire.Messages(await sim.SendAsync(request))["7E8"]);

    private static double Rpm(byte[] b) => ((256 * b[0]) + b[1]) / 4.0; // SAE J1979 PID 0C

    private static double Trim(byte b) => (b - 128) * 100 / 128.0;

    [Fact]
    public async Task Driving_cycle_goes_from_idle_to_cruise_and_the_engine_warms_up()
    {
        var (sim, time) = await StartAsync();
        await using var _ = sim;
        var idleRpm = Rpm(await PidAsync(sim, "0C"));
        Assert.InRange(idleRpm, 700, 820);
        Assert.Equal([0], await PidAsync(sim, "0D"));
        var coldCoolant = (await PidAsync(sim, "05"))[0] - 40;
        Assert.InRange(coldCoolant, 18, 22);

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal([100], await PidAsync(sim, "0D"));
        Assert.InRange(Rpm(await PidAsync(sim, "0C")), 2000, 2300);
        Assert.True((await PidAsync(sim, "05"))[0] - 40 > coldCoolant + 10);

        time.Advance(TimeSpan.FromSeconds(600));
        Assert.InRange((await PidAsync(sim, "05"))[0] - 40, 85, 92);
        var runtime = await PidAsync(sim, "1F");
        Assert.Equal(660, (runtime[0] * 256) + runtime[1]);
    }

    [Fact]
    public async Task Values_are_deterministic_for_a_seed()
    {
        var time = new ManualTime();
        time.Advance(TimeSpan.FromSeconds(47.3));
        var a = new ElmSimulatorServer(new SimulatorOptions { Scenario = SimulatorScenarios.Misfire, Seed = 7 }, time);
        var b = new ElmSimulatorServer(new SimulatorOptions { Scenario = SimulatorScenarios.Misfire, Seed = 7 }, time);
        await using (a)
        await using (b)
        {
            time.Advance(TimeSpan.FromSeconds(12.34));
            Assert.Equal(a.Vehicle.Sample(), b.Vehicle.Sample());
        }
    }

    [Fact]
    public async Task Lean_scenario_shows_long_term_trims_near_plus_22_percent_on_both_banks()
    {
        var (sim, _) = await StartAsync(SimulatorScenarios.Lean);
        await using var __ = sim;
        Assert.InRange(Trim((await PidAsync(sim, "07"))[0]), 20, 24);
        Assert.InRange(Trim((await PidAsync(sim, "09"))[0]), 20, 24);
    }

    [Fact]
    public async Task Overheating_coolant_is_above_110_and_rising()
    {
        var (sim, time) = await StartAsync(SimulatorScenarios.Overheating);
        await using var _ = sim;
        var first = (await PidAsync(sim, "05"))[0] - 40;
        Assert.True(first > 110);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await PidAsync(sim, "05"))[0] - 40 > first + 3);
    }

    [Fact]
    public async Task Weak_battery_shows_a_low_control_module_voltage()
    {
        var (sim, _) = await StartAsync(SimulatorScenarios.WeakBattery);
        await using var __ = sim;
        var volts = await PidAsync(sim, "42");
        Assert.InRange(((volts[0] * 256) + volts[1]) / 1000.0, 11.9, 12.3);
    }

    [Fact]
    public async Task Misfire_counts_are_high_on_cylinder_one_in_service_06()
    {
        var (sim, _) = await StartAsync(SimulatorScenarios.Misfire);
        await using var __ = sim;
        Assert.Equal(["OK"], await sim.SendAsync("ATH1"));
        var cylinder1 = await MessageAsync(sim, "06A2");
        Assert.Equal([0x46, 0xA2, 0x0B, 0x24], cylinder1[..4]);
        var current1 = (cylinder1[13] * 256) + cylinder1[14];
        var cylinder2 = await MessageAsync(sim, "06A3");
        var current2 = (cylinder2[13] * 256) + cylinder2[14];
        Assert.True(current1 > 100 && current1 > 10 * current2, $"cylinder 1 {current1}, cylinder 2 {current2}");
    }

    [Fact]
    public async Task Catalyst_monitor_result_is_above_its_limit_only_in_the_catalyst_scenario()
    {
        foreach (var (scenario, failing) in new[] { (SimulatorScenarios.Catalyst, true), (SimulatorScenarios.Healthy, false) })
        {
            var (sim, _) = await StartAsync(scenario);
            await using var __ = sim;
            Assert.Equal(["OK"], await sim.SendAsync("ATH1"));
            var r = await MessageAsync(sim, "0621");
            Assert.Equal([0x46, 0x21, 0x80], r[..3]);
            int Word(int i) => (r[i] * 256) + r[i + 1];
            Assert.Equal(failing, Word(4) > Word(8) || Word(4) < Word(6));
        }
    }

    [Fact]
    public async Task Supported_pid_bitmaps_match_the_pids_that_answer()
    {
        var (sim, _) = await StartAsync();
        await using var __ = sim;
        var supported = new List<int>();
        for (var range = 0; range <= 0xC0; range += 0x20)
        {
            var answer = await sim.SendAsync($"01{range:X2}");
            if (answer is ["NO DATA"])
            {
                break;
            }

            var bits = Wire.Bytes(Assert.Single(answer))[2..];
            for (var i = 0; i < 32; i++)
            {
                if ((bits[i / 8] & (0x80 >> (i % 8))) != 0)
                {
                    supported.Add(range + i + 1);
                }
            }
        }

        Assert.Contains(0xA6, supported);
        foreach (var pid in supported.Where(p => p % 0x20 != 0))
        {
            var answer = await sim.SendAsync($"01{pid:X2}");
            Assert.StartsWith($"41 {pid:X2}", Assert.Single(answer), StringComparison.Ordinal);
        }

        Assert.Equal(["NO DATA"], await sim.SendAsync("0102"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("01C0"));
    }

    [Fact]
    public async Task Service_09_supported_info_types_name_and_cvn()
    {
        var (sim, _) = await StartAsync();
        await using var __ = sim;
        Assert.Equal(["49 00 54 40 00 00"], await sim.SendAsync("0900"));
        Assert.Equal(["49 06 01 1A 2B 3C 4D"], await sim.SendAsync("0906"));
        var name = await sim.SendAsync("090A");
        Assert.Equal("017", name[0]);
    }
}
