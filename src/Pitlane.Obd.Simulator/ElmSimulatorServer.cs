using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Pitlane.Obd.Simulator;

/// <summary>
/// A Wi-Fi ELM327 adapter plugged into a simulated car: a TCP server where every connection gets its own
/// adapter state and all connections share one vehicle.
/// </summary>
public sealed class ElmSimulatorServer : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly IReadOnlyList<SimulatedEcu> _ecus;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _clients = [];
    private readonly int _seed;
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private int _connectionCount;
    private bool _disposed;

    public ElmSimulatorServer(SimulatorOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _seed = options.Seed ?? Random.Shared.Next();
        Vehicle = new SimulatedVehicle(SimulatorScenarios.Get(options.Scenario), options.Vin, time, options.TimeScale, _seed);
        _ecus = [.. Enum.GetValues<EcuRole>().Select(role => new SimulatedEcu(role, Vehicle))];
    }

    public static IReadOnlyList<string> Scenarios => SimulatorScenarios.Names;

    public SimulatedVehicle Vehicle { get; }

    public SimulatorOptions Options => _options;

    /// <summary>The bound port, known once <see cref="StartAsync"/> has returned.</summary>
    public int Port { get; private set; }

    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Connections currently open.</summary>
    public int ClientCount
    {
        get { lock (_gate) { return _clients.Count; } }
    }

    public Task StartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ct.ThrowIfCancellationRequested();
        if (_listener is not null)
        {
            throw new InvalidOperationException("The simulator is already started.");
        }

        var listener = new TcpListener(_options.Address, _options.Port);
        listener.Start(backlog: 16);
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        Port = EndPoint.Port;
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed concerns that client only.
                continue;
            }

            lock (_gate)
            {
                if (_clients.Count >= _options.MaxClients)
                {
                    client.Dispose();
                    continue;
                }

                // Each connection draws faults from its own generator so that one client's traffic
                // does not change another's sequence; the n-th connection is reproducible for a seed,
                // across processes too (HashCode.Combine is randomised per process, so it is not used here).
                var random = new Random(ConnectionSeed(_seed, _connectionCount++));
                var task = ServeAsync(client, random, ct);
                _clients.Add(task);
                _ = task.ContinueWith(t => { lock (_gate) { _clients.Remove(t); } }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>The fault generator's seed for the n-th connection: a fixed mix (SplitMix64) of the seed and n.</summary>
    internal static int ConnectionSeed(int seed, int connection)
    {
        var x = (((ulong)(uint)seed << 32) | (uint)connection) + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(uint)x;
    }

    private async Task ServeAsync(TcpClient client, Random random, CancellationToken ct)
    {
        await Task.Yield();
        using (client)
        using (var connection = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // The socket is read all the time, as the ELM's UART is, so that a character arriving while the
            // adapter waits for the bus can interrupt it. A small bounded inbox keeps a flooding client in check.
            var inbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(8) { SingleWriter = true });
            Task? pump = null;
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                pump = PumpAsync(stream, inbox.Writer, connection.Token);
                await InterpretAsync(stream, new Inbox(inbox.Reader), new ElmSession(Vehicle, _ecus, _options, random), connection.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Server stopping.
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or ChannelClosedException)
            {
                // The client went away; its connection is all that ends.
            }
            finally
            {
                await connection.CancelAsync().ConfigureAwait(false);
                if (pump is not null)
                {
                    await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
    }

    private static async Task PumpAsync(NetworkStream stream, ChannelWriter<byte[]> inbox, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    inbox.TryComplete();
                    return;
                }

                await inbox.WriteAsync(buffer[..read], ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Hand the failure to the interpreter, which ends the connection.
            inbox.TryComplete(e);
        }
    }

    private async Task InterpretAsync(NetworkStream stream, Inbox inbox, ElmSession session, CancellationToken ct)
    {
        var lines = new LineAssembler(ElmSession.MaxLineLength);
        while (await inbox.WaitAsync(ct).ConfigureAwait(false))
        {
            while (inbox.TryRead(out var b))
            {
                if (lines.Push(b) is not { } line)
                {
                    continue;
                }

                var reply = session.Execute(line.Text, line.Overflowed);
                var text = reply.Text;
                if (reply.Stopped is { } stopped)
                {
                    // ELM327: any character received while it waits for the vehicle stops the request; that character is dropped.
                    var waited = reply.Delay > TimeSpan.Zero ? Task.Delay(reply.Delay, ct) : Task.CompletedTask;
                    while (!inbox.HasInterruption() && !waited.IsCompleted)
                    {
                        if (await Task.WhenAny(waited, inbox.WaitAsync(ct)).ConfigureAwait(false) != waited && !inbox.HasInterruption() && inbox.Completed)
                        {
                            break;
                        }
                    }

                    if (inbox.HasInterruption())
                    {
                        inbox.DropInterruption();
                        lines.Clear();
                        text = stopped;
                    }
                    else
                    {
                        await waited.ConfigureAwait(false);
                    }
                }
                else if (reply.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.Delay, ct).ConfigureAwait(false);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] clients;
        lock (_gate)
        {
            clients = [.. _clients];
        }

        await Task.WhenAll(clients).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

/// <summary>
/// Splits the byte stream into command lines at CR. Bounded: characters beyond the ELM's input buffer are
/// dropped and the line is flagged, so an endless line costs no memory. LF and other control bytes
/// (NUL included) are ignored as the ELM ignores them; bytes above 0x7E are kept as a marker that makes the line invalid.
/// </summary>
internal sealed class LineAssembler(int maxLength)
{
    private readonly StringBuilder _line = new(maxLength);
    private bool _overflowed;

    public readonly record struct Line(string Text, bool Overflowed);

    public Line? Push(byte b)
    {
        if (b == (byte)'\r')
        {
            var line = new Line(_overflowed ? "" : _line.ToString(), _overflowed);
            _line.Clear();
            _overflowed = false;
            return line;
        }

        if (b < 0x20)
        {
            return null;
        }

        if (_line.Length >= maxLength)
        {
            _overflowed = true;
            return null;
        }

        _line.Append(b <= 0x7E ? (char)b : '\u007F');
        return null;
    }

    public void Clear()
    {
        _line.Clear();
        _overflowed = false;
    }
}

/// <summary>Bytes received on one connection, read one at a time, with a look at what is waiting.</summary>
internal sealed class Inbox(ChannelReader<byte[]> reader)
{
    private byte[] _chunk = [];
    private int _offset;

    public bool Completed => reader.Completion.IsCompleted;

    public async Task<bool> WaitAsync(CancellationToken ct) =>
        _offset < _chunk.Length || await reader.WaitToReadAsync(ct).ConfigureAwait(false);

    public bool TryRead(out byte value)
    {
        while (_offset >= _chunk.Length)
        {
            if (!reader.TryRead(out var next))
            {
                value = 0;
                return false;
            }

            (_chunk, _offset) = (next, 0);
        }

        value = _chunk[_offset++];
        return true;
    }

    /// <summary>A character that would interrupt the ELM is waiting: printable or CR; LF and NUL are skipped over.</summary>
    public bool HasInterruption()
    {
        while (true)
        {
            while (_offset < _chunk.Length)
            {
                var b = _chunk[_offset];
                if (b >= 0x20 || b == (byte)'\r')
                {
                    return true;
                }

                _offset++;
            }

            if (!reader.TryRead(out var next))
            {
                return false;
            }

            (_chunk, _offset) = (next, 0);
        }
    }

    public void DropInterruption()
    {
        if (HasInterruption())
        {
            _offset++;
        }
    }
}
