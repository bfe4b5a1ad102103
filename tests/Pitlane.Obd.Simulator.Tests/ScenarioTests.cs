namespace Pitlane.Obd.Simulator.Tests;

public sealed class ScenarioTests
{
    public static TheoryData<string> Scenarios => [.. SimulatorScenarios.Names];

    public static TheoryData<string, SimProtocol> ScenariosOnEveryBus =>
        [.. SimulatorScenarios.Names.SelectMany(s => Enum.GetValues<SimProtocol>().Select(p => (s, p)))];

    [Theory]
    [MemberData(nameof(ScenariosOnEveryBus))]
    public async Task Stored_pending_and_permanent_codes_match_the_scenario_table(string scenario, SimProtocol protocol)
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = scenario, Protocol = protocol });
        await sim.Client.InitAsync("ATH1");
        await sim.SendAsync("0100");
        var description = SimulatorScenarios.Get(scenario);
        foreach (var (service, kind) in new[] { ("03", DtcKind.Stored), ("07", DtcKind.Pending), ("0A", DtcKind.Permanent) })
        {
            var found = await ReadDtcsAsync(sim, service, protocol);
            foreach (var ecu in Enum.GetValues<EcuRole>())
            {
                Assert.Equal(description.Codes(ecu, kind), found.GetValueOrDefault(ecu, []));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Monitor_status_reports_mil_code_count_and_readiness(string scenario)
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = scenario });
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        var status = Wire.Bytes(Assert.Single(await sim.SendAsync("0101")));
        var description = SimulatorScenarios.Get(scenario);
        Assert.Equal(description.MilOn, (status[2] & 0x80) != 0);
        Assert.Equal(description.Codes(EcuRole.Engine, DtcKind.Stored).Count(), status[2] & 0x7F);
        Assert.Equal(0, status[3] & 0x08); // spark ignition
        Assert.Equal(description.ReadinessComplete, (status[5] & status[4]) == 0);
    }

    [Fact]
    public async Task Clear_removes_codes_mil_and_freeze_frame_keeps_permanent_and_restarts_monitors()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.Misfire });
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        Assert.Equal("42 02 00 03 00", Assert.Single(await sim.SendAsync("020200")));
        Assert.StartsWith("42 0C 00 ", Assert.Single(await sim.SendAsync("020C00")), StringComparison.Ordinal);

        Assert.Equal(["44"], await sim.SendAsync("04"));

        Assert.Equal(["43 00"], await sim.SendAsync("03"));
        Assert.Equal(["4A 02 03 00 03 01"], await sim.SendAsync("0A"));
        Assert.Equal("41 01 00 07 E5 E5", Assert.Single(await sim.SendAsync("0101")));
        Assert.Equal("42 02 00 00 00", Assert.Single(await sim.SendAsync("020200")));
        Assert.Equal(["NO DATA"], await sim.SendAsync("020C00"));
        Assert.Equal("41 31 00 00", Assert.Single(await sim.SendAsync("0131")));
        Assert.False(sim.Server.Vehicle.MilOn);
    }

    [Fact]
    public async Task Clear_reaches_every_ecu_when_sent_functionally()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.LostComm });
        await sim.Client.InitAsync("ATSP6");
        Assert.Equal(["44", "44", "44"], await sim.SendAsync("04"));
        Assert.Equal(["43 00", "43 00", "43 00"], await sim.SendAsync("03"));
    }

    [Fact]
    public async Task Cleared_scenario_starts_with_zero_distance_and_incomplete_readiness()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.Cleared });
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        Assert.Equal(["41 31 00 00"], await sim.SendAsync("0131"));
        Assert.Equal(["41 30 00"], await sim.SendAsync("0130"));
        Assert.Equal(["41 01 00 07 E5 E5"], await sim.SendAsync("0101"));
    }

    internal static async Task<Dictionary<EcuRole, List<string>>> ReadDtcsAsync(Sim sim, string service, SimProtocol protocol)
    {
        var lines = await sim.SendAsync(service);
        var found = new Dictionary<EcuRole, List<string>>();
        if (protocol == SimProtocol.Iso9141_2)
        {
            foreach (var bytes in lines.Select(Wire.Bytes))
            {
                var ecu = EcuOf(bytes[2]);
                found.TryAdd(ecu, []);
                for (var i = 4; i < 10; i += 2)
                {
                    if (bytes[i] != 0 || bytes[i + 1] != 0)
                    {
                        found[ecu].Add(Wire.Dtc(bytes[i], bytes[i + 1]));
                    }
                }
            }

            return found;
        }

        foreach (var (id, messages) in Wire.Messages(lines))
        {
            found[EcuOf(Convert.ToByte(id[^2..], 16))] = [.. Wire.CanDtcs(Assert.Single(messages))];
        }

        return found;
    }

    // 11-bit answers come from 7E8 + n; 29-bit and K-line answers carry the ECU address 10, 18 or 28.
    private static EcuRole EcuOf(byte address) => address switch
    {
        0xE8 or 0x10 => EcuRole.Engine,
        0xE9 or 0x18 => EcuRole.Transmission,
        _ => EcuRole.Abs,
    };
}
