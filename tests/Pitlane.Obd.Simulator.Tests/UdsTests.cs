using System.Text;

namespace Pitlane.Obd.Simulator.Tests;

public sealed class UdsTests
{
    [Fact]
    public async Task Read_data_by_identifier_returns_vin_serial_and_part_number()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        var vin = Assert.Single(Wire.Messages(await sim.SendAsync("22F190"))["7E8"]);
        Assert.Equal([0x62, 0xF1, 0x90], vin[..3]);
        Assert.Equal(SimulatorOptions.DefaultVin, Encoding.ASCII.GetString(vin[3..]));

        var serial = Assert.Single(Wire.Messages(await sim.SendAsync("22F18C"))["7E8"]);
        Assert.StartsWith("SIM1", Encoding.ASCII.GetString(serial[3..]), StringComparison.Ordinal);
        var part = Assert.Single(Wire.Messages(await sim.SendAsync("22F187"))["7E8"]);
        Assert.Equal("37820-RAA-A01", Encoding.ASCII.GetString(part[3..]));
    }

    [Fact]
    public async Task Negative_responses_carry_the_nrc_on_physical_requests_and_are_suppressed_on_functional_ones()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        Assert.Equal(["7F 22 31"], await sim.SendAsync("22F1FF"));
        Assert.Equal(["7F 22 13"], await sim.SendAsync("22F1"));
        Assert.Equal(["7F 31 11"], await sim.SendAsync("3101FF00"));
        Assert.Equal(["7F 10 12"], await sim.SendAsync("1009"));
        Assert.Equal(["7F 19 12"], await sim.SendAsync("190A"));

        Assert.Equal(["OK"], await sim.SendAsync("ATSH7DF"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("3101FF00"));
    }

    [Fact]
    public async Task Session_control_and_tester_present()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATSH7E1");
        Assert.Equal(["50 03 00 32 01 F4"], await sim.SendAsync("1003"));
        Assert.Equal(["62 F1 86 03"], await sim.SendAsync("22F186"));
        Assert.Equal(["7E 00"], await sim.SendAsync("3E00"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("3E80"));
    }

    [Fact]
    public async Task Report_dtcs_by_status_mask_lists_codes_with_status_bytes()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.Misfire });
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        var report = Assert.Single(Wire.Messages(await sim.SendAsync("1902FF"))["7E8"]);
        Assert.Equal([0x59, 0x02, 0xAF], report[..3]);
        var records = report[3..].Chunk(4).Select(r => (Wire.Dtc(r[0], r[1]), r[3])).ToArray();
        Assert.Equal([("P0300", (byte)0xAB), ("P0301", (byte)0xAB)], records);

        Assert.Equal(["7E8 03 59 02 AF AA AA AA AA"], await sim.SendAsync("190204"));
        Assert.Equal(["7E8 06 59 01 AF 01 00 02 AA"], await sim.SendAsync("190108"));
    }

    [Fact]
    public async Task Pending_dtc_reports_the_pending_status()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.PendingOnly });
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        Assert.Equal(["59 02 AF 01 28 00 27"], await sim.SendAsync("190204"));
        Assert.Equal(["59 02 AF"], await sim.SendAsync("190208"));
    }

    [Fact]
    public async Task Response_pending_quirk_sends_7f_78_before_the_answer()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.ResponsePending });
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        var lines = await sim.SendAsync("22F190");
        Assert.Equal("7E8 03 7F 22 78 AA AA AA AA", lines[0]);
        var messages = Wire.Messages(lines)["7E8"];
        Assert.Equal(2, messages.Count);
        Assert.Equal(0x62, messages[1][0]);
    }

    [Fact]
    public async Task Clear_diagnostic_information_clears_one_ecu()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.LostComm });
        await sim.Client.InitAsync("ATSP6", "ATSH7E1");
        Assert.Equal(["54"], await sim.SendAsync("14FFFFFF"));
        Assert.Empty(sim.Server.Vehicle.Dtcs(EcuRole.Transmission, DtcKind.Stored));
        Assert.Equal(["U0100"], sim.Server.Vehicle.Dtcs(EcuRole.Abs, DtcKind.Stored));
    }
}
