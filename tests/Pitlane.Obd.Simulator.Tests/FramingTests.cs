using System.Text;

namespace Pitlane.Obd.Simulator.Tests;

public sealed class FramingTests
{
    private const string Vin = SimulatorOptions.DefaultVin;

    [Fact]
    public async Task Can11_headers_on_prints_each_frame_with_its_identifier_and_padding()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1");
        var lines = await sim.SendAsync("0100");
        Assert.Equal(["7E8", "7E9", "7EA"], lines.Select(l => l[..3]));
        Assert.Equal("7E8 06 41 00 BF BF B9 93 AA", lines[0]);

        var vin = await sim.SendAsync("0902");
        Assert.Equal(3, vin.Length);
        Assert.StartsWith("7E8 10 14 49 02 01 31 48 47", vin[0], StringComparison.Ordinal);
        Assert.StartsWith("7E8 21 ", vin[1], StringComparison.Ordinal);
        Assert.StartsWith("7E8 22 ", vin[2], StringComparison.Ordinal);
        var message = Assert.Single(Wire.Messages(vin)["7E8"]);
        Assert.Equal(Vin, Encoding.ASCII.GetString(message, 3, 17));
    }

    [Fact]
    public async Task Can11_headers_off_prints_data_only_and_numbers_multi_frame_lines()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6");
        var single = await sim.SendAsync("0100");
        Assert.Equal("41 00 BF BF B9 93", single[0]);

        var vin = await sim.SendAsync("0902");
        Assert.Equal(["014", "0: 49 02 01 31 48 47", "1: 43 4D 38 32 36 33 33", "2: 41 30 30 34 33 35 32"], vin);

        Assert.Equal(["OK"], await sim.SendAsync("ATS0"));
        Assert.Equal(["014", "0:490201314847", "1:434D3832363333", "2:41303034333532"], await sim.SendAsync("0902"));
    }

    [Fact]
    public async Task Can29_headers_print_four_bytes_and_physical_addressing_reaches_one_ecu()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Protocol = SimProtocol.Can29Bit500k });
        await sim.Client.InitAsync("ATSP7", "ATH1");
        var lines = await sim.SendAsync("0100");
        Assert.Equal("18 DA F1 10 06 41 00 BF BF B9 93 AA", lines[0]);
        Assert.Equal(["18 DA F1 10", "18 DA F1 18", "18 DA F1 28"], lines.Select(l => l[..11]));

        var vin = Wire.Messages(await sim.SendAsync("0902"));
        Assert.Equal(Vin, Encoding.ASCII.GetString(Assert.Single(vin["18DAF110"]), 3, 17));

        Assert.Equal(["OK"], await sim.SendAsync("ATSHDA18F1"));
        Assert.Equal(["18 DA F1 18 06 41 00 80 08 00 10 AA"], await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATS0"));
        Assert.Equal(["18DAF11806410080080010AA"], await sim.SendAsync("0100"));
    }

    [Fact]
    public async Task Iso9141_prints_header_and_checksum_and_the_vin_in_five_messages()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Protocol = SimProtocol.Iso9141_2 });
        await sim.Client.InitAsync("ATH1");
        var lines = (await sim.SendAsync("010D")).Where(l => l != "SEARCHING...").ToArray();
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            var bytes = Wire.Bytes(line);
            Assert.Equal([0x48, 0x6B], bytes[..2]);
            Assert.Equal(bytes[^1], (byte)bytes[..^1].Sum(b => b));
        }

        var vin = await sim.SendAsync("0902");
        Assert.Equal(5, vin.Length);
        var data = vin.Select(Wire.Bytes).ToArray();
        Assert.All(data, (d, i) => Assert.Equal([0x48, 0x6B, 0x10, 0x49, 0x02, (byte)(i + 1)], d[..6]));
        Assert.Equal("\0\0\0" + Vin, Encoding.ASCII.GetString([.. data.SelectMany(d => d[6..10])]));

        Assert.Equal(["OK"], await sim.SendAsync("ATH0"));
        Assert.Equal("49 02 01 00 00 00 31", (await sim.SendAsync("0902"))[0]);
        Assert.Single(await sim.SendAsync("010C0D"), l => l.StartsWith("41 0C", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Multi_pid_request_is_answered_in_request_order_in_one_message()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        var message = Assert.Single(Wire.Messages(await sim.SendAsync("010C0D05110B04"))["7E8"]);
        Assert.Equal(0x41, message[0]);
        Assert.Equal([0x0C, 0x0D, 0x05, 0x11, 0x0B, 0x04], new[] { message[1], message[4], message[6], message[8], message[10], message[12] });
        Assert.Equal(14, message.Length);
    }

    [Fact]
    public async Task Two_ecus_answering_multi_frame_interleave_their_consecutive_frames()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1");
        var lines = await sim.SendAsync("0904");
        Assert.Equal(["7E8 10", "7E9 10", "7E8 21", "7E9 21", "7E8 22", "7E9 22"], lines.Select(l => l[..6]));
        var messages = Wire.Messages(lines);
        Assert.Equal("37805RNAA530", Encoding.ASCII.GetString(messages["7E8"][0], 3, 16).TrimEnd('\0'));
        Assert.Equal("28101RCTA120", Encoding.ASCII.GetString(messages["7E9"][0], 3, 16).TrimEnd('\0'));
    }

    [Fact]
    public async Task Physical_header_reaches_only_the_engine_and_the_receive_filter_hides_others()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0");
        Assert.Single(await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSH7DF"));
        Assert.Equal(["OK"], await sim.SendAsync("ATCRA7E9"));
        Assert.Equal(["7E9 06 41 00 80 08 00 10 AA"], await sim.SendAsync("0100"));
        Assert.Equal(["OK"], await sim.SendAsync("ATSH7E5"));
        Assert.Equal(["NO DATA"], await sim.SendAsync("0100"));
    }

    [Fact]
    public async Task Can_auto_formatting_off_takes_and_shows_the_pci_byte()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATCAF0", "ATSH7E0");
        Assert.Equal(["03 41 0D 00 AA AA AA AA"], await sim.SendAsync("02010D"));
        Assert.Equal(3, (await sim.SendAsync("020902")).Length);
    }

    [Fact]
    public async Task Dlc_display_and_flow_control_off_change_what_the_adapter_shows()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATH1", "ATSH7E0", "ATD1");
        Assert.Equal(["7E8 8 03 41 0D 00 AA AA AA AA"], await sim.SendAsync("010D"));
        Assert.Equal(["OK"], await sim.SendAsync("ATD0"));
        Assert.Equal(["OK"], await sim.SendAsync("ATCFC0"));
        Assert.Equal(["7E8 10 14 49 02 01 31 48 47"], await sim.SendAsync("0902"));
    }
}
