using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pitlane.Obd.Simulator.Tests;

public sealed class RobustnessTests
{
    [Fact]
    public async Task Several_clients_keep_their_own_settings_at_the_same_time()
    {
        await using var sim = await Sim.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var client = await ElmClient.ConnectAsync(sim.Server.Port);
            await client.InitAsync("ATSP6", i % 2 == 0 ? "ATH1" : "ATH0");
            return (i, client);
        }));
        try
        {
            await Task.WhenAll(clients.Select(async c =>
            {
                for (var n = 0; n < 20; n++)
                {
                    var lines = await c.client.SendAsync("0902");
                    Assert.Equal(c.i % 2 == 0 ? 3 : 4, lines.Length);
                    Assert.Equal(c.i % 2 == 0, lines[0].StartsWith("7E8", StringComparison.Ordinal));
                }
            }));
        }
        finally
        {
            foreach (var (_, client) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_character_sent_before_the_prompt_stops_a_vehicle_request()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.SlowAnswers, SlowAnswerDelay = TimeSpan.FromMilliseconds(300) });
        await sim.Client.InitAsync("ATSP6");
        await sim.Client.SendRawAsync("010D\r"u8.ToArray());
        await Task.Delay(50, TestContext.Current.CancellationToken);
        await sim.Client.SendRawAsync("X"u8.ToArray());
        Assert.Equal("STOPPED\r\r>", await sim.Client.ReadPromptAsync());
        Assert.All(await sim.SendAsync("010D"), line => Assert.Equal("41 0D 00", line));
    }

    [Fact]
    public async Task Pipelined_requests_stop_each_other_but_crlf_line_endings_do_not()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        await sim.Client.SendRawAsync("010D\r010D\r"u8.ToArray());
        Assert.Equal("STOPPED\r\r>", await sim.Client.ReadPromptAsync());
        // The interrupting '0' is dropped: what is left, "10D", is service 10 with a response-count digit.
        Assert.Equal("7F 10 13\r\r>", await sim.Client.ReadPromptAsync());

        await sim.Client.SendRawAsync("010D\r\n"u8.ToArray());
        Assert.Equal("41 0D 00\r\r>", await sim.Client.ReadPromptAsync());
        Assert.Equal(["ELM327 v1.5"], await sim.SendAsync("ATI"));
    }

    [Fact]
    public async Task Random_bytes_do_not_stop_the_server()
    {
        await using var sim = await Sim.StartAsync();
        var random = new Random(5);
        var garbage = new byte[256 * 1024];
        random.NextBytes(garbage);
        var reader = DrainAsync(sim.Client);
        await sim.Client.SendRawAsync(garbage);
        await sim.Client.SendRawAsync("\rATI\r"u8.ToArray());
        var text = await reader;
        Assert.Contains("ELM327 v1.5", text, StringComparison.Ordinal);

        await using var other = await ElmClient.ConnectAsync(sim.Server.Port);
        Assert.Contains("ELM327 v1.5", await other.RawAsync("ATI"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Megabyte_line_without_cr_is_dropped_and_answered_with_a_question_mark()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync();
        var line = Enumerable.Repeat((byte)'A', 1024 * 1024).ToArray();
        await sim.Client.SendRawAsync(line);
        Assert.Equal("?\r\r>", await sim.Client.RawAsync(""));
        Assert.Equal(["ELM327 v1.5"], await sim.SendAsync("ATI"));
    }

    [Fact]
    public async Task Nul_bytes_and_line_feeds_are_ignored_inside_commands()
    {
        await using var sim = await Sim.StartAsync();
        await sim.Client.InitAsync("ATSP6", "ATSH7E0");
        await sim.Client.SendRawAsync("\n0\01\00\0D\0\r"u8.ToArray());
        var answer = await sim.Client.ReadPromptAsync();
        Assert.Equal("41 0D 00\r\r>", answer);
        Assert.Equal(["?"], await sim.SendAsync("01\u00ff0D"));
    }

    [Fact]
    public async Task Clients_beyond_the_limit_are_closed_and_the_others_keep_working()
    {
        await using var server = new ElmSimulatorServer(new SimulatorOptions { MaxClients = 2, Seed = 1 });
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using var a = await ElmClient.ConnectAsync(server.Port);
        await using var b = await ElmClient.ConnectAsync(server.Port);
        await a.RawAsync("ATI");
        await b.RawAsync("ATI");

        using var extra = new TcpClient();
        await extra.ConnectAsync(IPAddress.Loopback, server.Port, TestContext.Current.CancellationToken);
        var stream = extra.GetStream();
        await stream.WriteAsync("ATI\r"u8.ToArray(), TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = await ReadOrResetAsync(stream, cts.Token);
        Assert.Equal(0, read);
        Assert.Contains("ELM327", await a.RawAsync("ATI"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abrupt_disconnects_mid_answer_leave_the_server_serving()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Quirks = SimQuirks.SlowAnswers, SlowAnswerDelay = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 10; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, sim.Server.Port, TestContext.Current.CancellationToken);
            await tcp.GetStream().WriteAsync("0902\r0902\r0902\r"u8.ToArray(), TestContext.Current.CancellationToken);
            tcp.Client.LingerState = new LingerOption(true, 0);
        }

        Assert.Contains("ELM327", await sim.Client.RawAsync("ATI"), StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        while (sim.Server.ClientCount > 1 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, sim.Server.ClientCount);
    }

    [Fact]
    public async Task Stopping_the_server_closes_connected_clients_promptly()
    {
        var server = new ElmSimulatorServer(new SimulatorOptions { Quirks = SimQuirks.SlowAnswers, SlowAnswerDelay = TimeSpan.FromSeconds(5) });
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using var idle = await ElmClient.ConnectAsync(server.Port);
        await using var waiting = await ElmClient.ConnectAsync(server.Port);
        await idle.RawAsync("ATI");
        await waiting.SendRawAsync("0100\r"u8.ToArray());
        await Task.Delay(100, TestContext.Current.CancellationToken);

        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped in {clock.Elapsed}");
        await Assert.ThrowsAnyAsync<Exception>(() => idle.RawAsync("ATI"));
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => new ElmSimulatorServer(new SimulatorOptions { Scenario = "flat-tyre" }));
        Assert.Contains("SimulatorOptions.Scenario", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new ElmSimulatorServer(new SimulatorOptions { Vin = "1HGCM82633A00435O" }));
        Assert.Contains("SimulatorOptions.Vin", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new ElmSimulatorServer(new SimulatorOptions { Faults = new SimFaults { GarbleRate = 2 } }));
        Assert.Contains("GarbleRate", e.Message, StringComparison.Ordinal);
    }

    private static async Task<int> ReadOrResetAsync(NetworkStream stream, CancellationToken ct)
    {
        try
        {
            return await stream.ReadAsync(new byte[64], ct);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Reads until the banner arrives: random bytes produce an unknown number of prompts first.</summary>
    private static async Task<string> DrainAsync(ElmClient client)
    {
        var text = new StringBuilder();
        var clock = Stopwatch.StartNew();
        while (!text.ToString().Contains("ELM327 v1.5", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            text.Append(await client.ReadPromptAsync(TimeSpan.FromSeconds(10)));
            if (text.Length > 4 * 1024 * 1024)
            {
                break;
            }
        }

        return text.ToString();
    }
}
