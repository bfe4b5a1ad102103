using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;
using Pitlane.Obd.Simulator;
using Pitlane.Obd.Transport;

namespace Pitlane.Benchmarks;

/// <summary>
/// Wall time of one full scan (connect, ELM327 initialisation, identity, codes, readiness, freeze frame, live snapshot)
/// against the in-process simulator (scenario misfire, CAN 11-bit) over loopback TCP. The reference is the protocol
/// floor: one TCP connection sending exactly the command lines the scanner sends, recorded once in the set-up, and
/// reading each answer up to the ELM327 prompt '>' without decoding. The difference is what the scanner itself costs
/// (parsing, decoding, retries, the report); the rest is the simulated adapter and bus.
/// </summary>
// A scan against the simulator takes about a millisecond (CAN answers are immediate), so 30 iterations are cheap.
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
[MemoryDiagnoser]
public class ScanBenchmarks
{
    private ElmSimulatorServer _server = null!;
    private string _address = null!;
    private byte[][] _lines = null!;
    private readonly byte[] _buffer = new byte[4096];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 1 });
        await _server.StartAsync();
        _address = $"tcp://127.0.0.1:{_server.Port}";

        // The same steps as ObdScanner.ScanAsync(address), through a transport that keeps every line written.
        var options = new ElmOptions();
        var recorder = new RecordingTransport(await TcpElmTransport.ConnectAsync("127.0.0.1", _server.Port, options.ConnectTimeout, CancellationToken.None));
        ScanReport report;
        await using (var adapter = new Elm327Adapter(recorder, options))
        {
            await adapter.InitializeAsync();
            report = await new ObdScanner(new ObdClient(adapter)).ScanAsync();
        }
        _lines = [.. recorder.Lines];
        var replayed = await Protocol_floor();
        if (replayed != _lines.Length || report.Dtcs.Count == 0)
        {
            throw new InvalidOperationException($"Recorded {_lines.Length} lines, replayed {replayed}; scan found {report.Dtcs.Count} codes.");
        }
        Console.WriteLine($"// scan: {_lines.Length} command lines, {report.RequestCount} OBD requests, {report.Dtcs.Count} codes, {report.LiveValues.Count} live values");
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<int> Full_scan() => (await ObdScanner.ScanAsync(_address)).RequestCount;

    /// <summary>The protocol floor: the recorded command lines over one connection, each answer read up to '>'.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Protocol_floor()
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", _server.Port);
        var stream = client.GetStream();
        var answered = 0;
        foreach (var line in _lines)
        {
            await stream.WriteAsync(line);
            while (true)
            {
                var n = await stream.ReadAsync(_buffer);
                if (n == 0)
                {
                    throw new IOException("The simulator closed the connection.");
                }
                // The ELM327 sends nothing after its prompt until the next command.
                if (_buffer.AsSpan(0, n).Contains((byte)'>'))
                {
                    break;
                }
            }
            answered++;
        }
        return answered;
    }

    private sealed class RecordingTransport(IElmTransport inner) : IElmTransport
    {
        public List<byte[]> Lines { get; } = [];

        public string Description => inner.Description;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Lines.Add(data.ToArray());
            return inner.WriteAsync(data, cancellationToken);
        }

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadAsync(buffer, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
