using System.Text;
using System.Threading.Channels;
using Pitlane.Obd.Transport;

namespace Pitlane.Obd.Tests;

/// <summary>
/// A hand-written ELM327 for transcript tests: AT commands answer OK (or what <see cref="At"/> says),
/// OBD requests answer the lines given in <see cref="Answers"/>, formatted with the adapter's quirks.
/// </summary>
internal sealed class FakeElm : IElmTransport
{
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>();
    private readonly StringBuilder _input = new();

    public Dictionary<string, string[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Answers used once each, in order, before falling back to <see cref="Answers"/>.</summary>
    public Dictionary<string, Queue<string[]>> Once { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string[]> At { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Received { get; } = [];

    /// <summary>Echo every command back, as a clone that ignores ATE0 does.</summary>
    public bool EchoAlways { get; set; }

    public string Protocol { get; set; } = "A6";

    public string ProtocolText { get; set; } = "AUTO, ISO 15765-4 (CAN 11/500)";

    public string Banner { get; set; } = "ELM327 v1.5";

    public bool LowerCase { get; set; }

    public string LineEnd { get; set; } = "\r";

    public string Description => "fake://elm";

    public IEnumerable<string> ObdRequests => Received.Where(r => r.Length > 0 && !r.StartsWith("AT", StringComparison.OrdinalIgnoreCase) && !r.StartsWith("ST", StringComparison.OrdinalIgnoreCase));

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        foreach (var b in data.Span)
        {
            if (b == '\r')
            {
                var command = _input.ToString();
                _input.Clear();
                Received.Add(command);
                Respond(command);
            }
            else
            {
                _input.Append((char)b);
            }
        }
        return ValueTask.CompletedTask;
    }

    private void Respond(string command)
    {
        var key = command.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        string[] lines;
        if (At.TryGetValue(key, out var custom)) lines = custom;
        else if (key == "ATZ") lines = ["", Banner];
        else if (key == "ATI") lines = [Banner];
        else if (key == "STI") lines = ["?"];
        else if (key == "ATRV") lines = ["12.6V"];
        else if (key == "ATDPN") lines = [Protocol];
        else if (key == "ATDP") lines = [ProtocolText];
        else if (key.StartsWith("AT", StringComparison.Ordinal)) lines = ["OK"];
        else if (key.Length == 0) lines = [];
        else if (Once.TryGetValue(key, out var queue) && queue.Count > 0) lines = queue.Dequeue();
        else if (Answers.TryGetValue(key, out var answer)) lines = answer;
        else lines = ["NO DATA"];
        var text = new StringBuilder();
        if (EchoAlways) text.Append(command).Append(LineEnd);
        foreach (var line in lines) text.Append(LowerCase ? line.ToLowerInvariant() : line).Append(LineEnd);
        text.Append(LineEnd).Append('>');
        _output.Writer.TryWrite(Encoding.ASCII.GetBytes(text.ToString()));
    }

    private byte[]? _pending;
    private int _offset;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending is null || _offset >= _pending.Length)
        {
            _pending = await _output.Reader.ReadAsync(cancellationToken);
            _offset = 0;
        }
        int n = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A peer that answers every write with a fixed byte stream (or nothing), for hostile-input tests.</summary>
internal sealed class HostileTransport(Func<int, byte[]?> answer, bool repeatForever = false) : IElmTransport
{
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>();
    private int _writes;
    private byte[]? _forever;

    public string Description => "hostile://peer";

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var bytes = answer(_writes++);
        if (bytes is not null)
        {
            if (repeatForever) _forever = bytes;
            else _output.Writer.TryWrite(bytes);
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_forever is { } chunk)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk.Length, buffer.Length);
            chunk.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }
        var next = await _output.Reader.ReadAsync(cancellationToken);
        next.CopyTo(buffer);
        return next.Length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
