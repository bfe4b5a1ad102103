using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Obd.Tests;

/// <summary>Whatever the peer sends, every call ends in a typed <see cref="ObdException"/> within its timeout.</summary>
public class HostileInputTests
{
    private static readonly ElmOptions Short = new()
    {
        CommandTimeout = TimeSpan.FromMilliseconds(500),
        ResetTimeout = TimeSpan.FromMilliseconds(500),
        SearchTimeout = TimeSpan.FromMilliseconds(500),
        MaxAnswerChars = 16 * 1024,
    };

    private static async Task<(Exception Error, TimeSpan Elapsed)> InitializeAgainst(HostileTransport transport)
    {
        var watch = Stopwatch.StartNew();
        var adapter = new Elm327Adapter(transport, Short);
        var error = await Assert.ThrowsAnyAsync<ObdException>(() => adapter.InitializeAsync(TestContext.Current.CancellationToken));
        return (error, watch.Elapsed);
    }

    [Fact]
    public async Task Given_peer_that_never_prompts_Then_timeout_within_the_deadline()
    {
        var (error, elapsed) = await InitializeAgainst(new HostileTransport(_ => null));
        Assert.IsType<ObdTimeoutException>(error);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
    }

    [Fact]
    public async Task Given_endless_lines_Then_answer_too_large()
    {
        var line = Encoding.ASCII.GetBytes("7E8 10 14 49 02 01 31 48 47\r");
        var (error, _) = await InitializeAgainst(new HostileTransport(_ => line, repeatForever: true));
        Assert.IsType<ObdAnswerTooLargeException>(error);
    }

    [Fact]
    public async Task Given_endless_nul_bytes_Then_answer_too_large()
    {
        var (error, _) = await InitializeAgainst(new HostileTransport(_ => new byte[512], repeatForever: true));
        Assert.IsType<ObdAnswerTooLargeException>(error);
    }

    [Fact]
    public async Task Given_one_endless_line_without_line_break_Then_answer_too_large()
    {
        var (error, _) = await InitializeAgainst(new HostileTransport(_ => Encoding.ASCII.GetBytes("41414141414141414141"), repeatForever: true));
        Assert.IsType<ObdAnswerTooLargeException>(error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Given_random_bytes_Then_typed_error(int seed)
    {
        var random = new Random(seed);
        var (error, elapsed) = await InitializeAgainst(new HostileTransport(_ =>
        {
            var bytes = new byte[random.Next(1, 600)];
            random.NextBytes(bytes);
            return bytes;
        }));
        Assert.IsAssignableFrom<ObdException>(error);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
    }

    [Fact]
    public async Task Given_random_bytes_with_prompts_Then_not_an_elm327()
    {
        var (error, _) = await InitializeAgainst(new HostileTransport(_ => Encoding.ASCII.GetBytes("\x07\xfe garbage ~~\r>")));
        Assert.IsType<ObdMalformedAnswerException>(error);
    }

    private static async Task<ObdClient> Client(params (string Request, string[] Lines)[] answers)
    {
        var elm = new FakeElm();
        elm.Answers["0100"] = ["7E8 06 41 00 BE 3F A8 13 00"];
        foreach (var (request, lines) in answers) elm.Answers[request] = lines;
        var adapter = new Elm327Adapter(elm, Short);
        await adapter.InitializeAsync(TestContext.Current.CancellationToken);
        return new ObdClient(adapter);
    }

    [Fact]
    public async Task Given_truncated_single_frame_Then_malformed()
    {
        var client = await Client(("010C", ["7E8 04 41 0C 1A"]));
        var e = await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => client.ReadLiveValuesAsync([0x0C], TestContext.Current.CancellationToken));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_wrong_sequence_number_Then_malformed()
    {
        var client = await Client(("0902", ["7E8 10 14 49 02 01 31 48 47", "7E8 22 43 4D 38 32 36 33 33", "7E8 23 41 30 30 34 33 35 32"]));
        var e = await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => client.ReadVinAsync(TestContext.Current.CancellationToken));
        Assert.Contains("sequence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_headerless_wrong_line_index_Then_malformed()
    {
        var elm = new FakeElm();
        elm.At["ATH1"] = ["?"];
        elm.Answers["0100"] = ["41 00 BE 3F A8 13"];
        elm.Answers["0902"] = ["014", "0: 49 02 01 31 48 47", "2: 41 30 30 34 33 35 32"];
        var adapter = new Elm327Adapter(elm, Short);
        await adapter.InitializeAsync(TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_first_frame_announcing_4095_bytes_that_never_come_Then_incomplete_error()
    {
        var client = await Client(("0902", ["7E8 1F FF 49 02 01 31 48 47", "7E8 21 43 4D 38 32 36 33 33"]));
        var e = await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => client.ReadVinAsync(TestContext.Current.CancellationToken));
        Assert.Contains("incomplete", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_consecutive_frame_without_first_frame_Then_malformed()
    {
        var client = await Client(("0902", ["7E8 21 43 4D 38 32 36 33 33"]));
        await Assert.ThrowsAsync<ObdMalformedAnswerException>(() => client.ReadVinAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_rx_error_marker_Then_data_error()
    {
        var client = await Client(("010C", ["7E8 04 41 0C 1A F8 <RX ERROR"]));
        var e = await Assert.ThrowsAsync<ElmErrorException>(() => client.ReadLiveValuesAsync([0x0C], TestContext.Current.CancellationToken));
        Assert.Equal(ElmError.DataError, e.Error);
    }

    [Fact]
    public async Task Given_tcp_peer_answering_only_garbage_Then_scan_fails_typed_well_within_90_seconds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var peer = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(stop.Token);
            var random = new Random(42);
            var buffer = new byte[256];
            while (!stop.IsCancellationRequested)
            {
                if (await socket.ReceiveAsync(buffer, stop.Token) == 0) return;
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                await socket.SendAsync(garbage, stop.Token);
            }
        }, stop.Token);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<ObdException>(() => ObdScanner.ScanAsync($"tcp://127.0.0.1:{port}", cancellationToken: TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Given_peer_that_closes_Then_transport_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var peer = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
            socket.Shutdown(SocketShutdown.Both);
        }, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ObdTransportException>(() => Elm327Adapter.ConnectAsync($"tcp://127.0.0.1:{port}", Short, cancellationToken: TestContext.Current.CancellationToken));
        await peer;
    }
}
