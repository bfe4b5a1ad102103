namespace Pitlane.Obd.Simulator.Tests;

public sealed class AtCommandTests
{
    [Fact]
    public async Task Reset_prints_the_banner_with_echo_on_and_the_prompt()
    {
        await using var sim = await Sim.StartAsync();
        Assert.Equal("ATZ\r\r\rELM327 v1.5\r\r>", await sim.Client.RawAsync("ATZ"));
        Assert.Equal("ATI\rELM327 v1.5\r\r>", await sim.Client.RawAsync("ATI"));
        Assert.Equal("at@1\rOBDII to RS232 Interpreter\r\r>", await sim.Client.RawAsync("at@1"));
    }

    [Fact]
    public async Task Echo_off_linefeeds_on_ends_lines_with_crlf()
    {
        await using var sim = await Sim.StartAsync();
        Assert.Equal("ATE0\rOK\r\r>", await sim.Client.RawAsync("ATE0"));
        Assert.Equal("OK\r\n\r\n>", await sim.Client.RawAsync("ATL1"));
        Assert.Equal("ELM327 v1.5\r\n\r\n>", await sim.Client.RawAsync("ATI"));
    }

    [Theory]
    [InlineData("ATXYZ")]
    [InlineData("ATSP")]
    [InlineData("ATSPD")]
    [InlineData("ATSH12")]
    [InlineData("ATST1")]
    [InlineData("HELLO")]
    [InlineData("01 0")]
    [InlineData("0102030405060708")]
    public async Task Unknown_or_malformed_commands_get_a_question_mark(string command)
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync();
        Assert.Equal(["?"], await sim.SendAsync(command));
    }

    [Fact]
    public async Task Automatic_search_prints_searching_once_then_reports_the_protocol()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync();
        Assert.Equal(["AUTO"], await sim.SendAsync("ATDP"));
        Assert.Equal(["A0"], await sim.SendAsync("ATDPN"));

        var first = await sim.SendAsync("0100");
        Assert.Equal("SEARCHING...", first[0]);
        Assert.StartsWith("41 00 ", first[1], StringComparison.Ordinal);

        Assert.DoesNotContain("SEARCHING...", await sim.SendAsync("0100"));
        Assert.Equal(["AUTO, ISO 15765-4 (CAN 11/500)"], await sim.SendAsync("ATDP"));
        Assert.Equal(["A6"], await sim.SendAsync("ATDPN"));
    }

    [Fact]
    public async Task Explicit_protocol_answers_without_searching_and_a_wrong_one_fails()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6");
        Assert.StartsWith("41 00", (await sim.SendAsync("0100"))[0], StringComparison.Ordinal);
        Assert.Equal(["6"], await sim.SendAsync("ATDPN"));
        Assert.Equal(["ISO 15765-4 (CAN 11/500)"], await sim.SendAsync("ATDP"));

        Assert.Equal(["OK"], await sim.SendAsync("ATSP3"));
        Assert.Equal(["BUS INIT: ...ERROR"], await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSP7"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSPA7"));
        Assert.Equal("SEARCHING...", (await sim.SendAsync("0100"))[0]);
        Assert.Equal(["A6"], await sim.SendAsync("ATDPN"));
    }

    [Fact]
    public async Task Set_protocol_survives_a_reset_and_try_protocol_does_not()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATTP3");
        Assert.Equal(["3"], await sim.SendAsync("ATDPN"));
        await sim.Client.InitAsync();
        Assert.Equal(["6"], await sim.SendAsync("ATDPN"));
    }

    [Fact]
    public async Task Iso9141_explicit_protocol_initialises_the_bus()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Protocol = SimProtocol.Iso9141_2 });
        await sim.Client.InitAsync("ATSP3");
        var answer = await sim.SendAsync("010D");
        Assert.Equal("BUS INIT: ...OK", answer[0]);
        Assert.Equal(["OK"], await sim.SendAsync("ATSP6"));
        Assert.Equal(["CAN ERROR"], await sim.SendAsync("0100"));
    }

    [Fact]
    public async Task Battery_voltage_follows_the_scenario()
    {
        await using var healthy = await Sim.StartAsync();
        await using var weak = await Sim.StartAsync(new SimulatorOptions { Scenario = SimulatorScenarios.WeakBattery });
        await healthy.Client.InitAsync();
        await weak.Client.InitAsync();
        Assert.Equal(["14.2V"], await healthy.SendAsync("ATRV"));
        Assert.Equal(["12.1V"], await weak.SendAsync("ATRV"));
    }

    [Fact]
    public async Task Empty_line_repeats_the_last_command_and_settings_acknowledge_ok()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATM0", "ATAT2", "ATST19", "ATCAF1", "ATPC", "ATAL", "ATCP18");
        var first = await sim.SendAsync("010D");
        var again = await sim.SendAsync("");
        Assert.Equal(first.Where(l => l != "SEARCHING..."), again);
    }

    [Fact]
    public async Task Response_count_digit_stops_after_that_many_ecus()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6");
        Assert.Equal(3, (await sim.SendAsync("0100")).Length);
        Assert.Single(await sim.SendAsync("01001"));
        Assert.Equal(2, (await sim.SendAsync("01002")).Length);
    }

    [Fact]
    public async Task Ignition_off_the_search_is_unable_to_connect_and_the_battery_rests()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { IgnitionOn = false });
        await sim.Client.InitAsync("ATST10");
        Assert.Equal(["SEARCHING...", "UNABLE TO CONNECT"], await sim.SendAsync("0100"));
        Assert.Equal(["12.6V"], await sim.SendAsync("ATRV"));
        Assert.Equal(["AUTO"], await sim.SendAsync("ATDP"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSP6"));
        Assert.Equal(["CAN ERROR"], await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSP3"));
        Assert.Equal(["BUS INIT: ...ERROR"], await sim.SendAsync("0100"));
    }
}
