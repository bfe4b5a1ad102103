using System.Globalization;
using System.Text;
using Pitlane.Obd.Protocol;
using Pitlane.Obd.Transport;

namespace Pitlane.Obd.Elm;

/// <summary>The answer to one OBD request: the messages per ECU, or none when the adapter printed NO DATA.</summary>
public sealed record ElmAnswer(string Request, IReadOnlyList<EcuMessage> Messages)
{
    public bool NoData => Messages.Count == 0;
}

/// <summary>
/// An ELM327-family adapter (ELM327 v1.x–2.x, clones, STN11xx): sends a command, reads up to the
/// <c>&gt;</c> prompt with a timeout on every wait and a cap on answer size, and turns data lines
/// into messages per ECU. Echo, spaces and lowercase are tolerated whether or not the adapter
/// honoured ATE0/ATS0. Not thread-safe: one command at a time, as the ELM327 itself requires.
/// </summary>
public sealed class Elm327Adapter : IAsyncDisposable
{
    private static readonly byte[] CarriageReturn = "\r"u8.ToArray();
    private readonly IElmTransport _transport;
    private readonly ElmOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _buffer = new byte[4096];
    private readonly StringBuilder _text = new();
    private int _obdRequests;
    private string _header = "";

    public Elm327Adapter(IElmTransport transport, ElmOptions? options = null, TimeProvider? timeProvider = null)
    {
        _transport = transport;
        _options = options ?? new ElmOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    public string TransportDescription => _transport.Description;

    /// <summary>The ATZ/ATI banner, e.g. "ELM327 v1.5".</summary>
    public string? Version { get; private set; }

    /// <summary>The STI answer of an STN11xx/STN21xx, null on an ELM327 or clone.</summary>
    public string? StnDevice { get; private set; }

    public string? BatteryVoltage { get; private set; }

    public ObdProtocol Protocol { get; private set; } = ObdProtocol.Automatic;

    /// <summary>The ATDP text, e.g. "AUTO, ISO 15765-4 (CAN 11/500)".</summary>
    public string? ProtocolDescription { get; private set; }

    public bool HeadersEnabled { get; private set; }

    /// <summary>OBD/UDS requests sent to the vehicle; AT and ST commands are not counted.</summary>
    public int ObdRequestCount => _obdRequests;

    /// <summary>The answer to the first request (0100), which made the adapter find the protocol.</summary>
    public ElmAnswer? SearchAnswer { get; private set; }

    public static async Task<Elm327Adapter> ConnectAsync(string address, ElmOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options ??= new ElmOptions();
        var transport = await AdapterAddress.Parse(address).OpenAsync(options.ConnectTimeout, cancellationToken);
        var adapter = new Elm327Adapter(transport, options, timeProvider);
        try
        {
            await adapter.InitializeAsync(cancellationToken);
            return adapter;
        }
        catch
        {
            await adapter.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reset (optional), echo/linefeeds/spaces off, headers on, adaptive timing, protocol search
    /// with a first 0100 request, then ATDPN/ATDP to learn which protocol was found.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // A lone CR ends any half-typed command a previous client left in the adapter.
        await WriteAsync("", cancellationToken);
        try
        {
            await ReadAnswerAsync("", TimeSpan.FromMilliseconds(Math.Min(1000, _options.CommandTimeout.TotalMilliseconds)), cancellationToken);
        }
        catch (ObdTimeoutException)
        {
            // Nothing pending: fine.
        }

        if (_options.Reset)
        {
            var banner = await CommandAsync("ATZ", _options.ResetTimeout, cancellationToken);
            Version = banner.LastOrDefault(l => l.Contains("ELM", StringComparison.Ordinal) || l.Contains("STN", StringComparison.Ordinal) || l.Contains("OBD", StringComparison.Ordinal));
        }
        await ExpectOkAsync("ATE0", required: true, cancellationToken);
        await ExpectOkAsync("ATL0", required: false, cancellationToken);
        await ExpectOkAsync("ATS0", required: false, cancellationToken);
        HeadersEnabled = await ExpectOkAsync("ATH1", required: false, cancellationToken);
        await ExpectOkAsync($"ATAT{_options.AdaptiveTiming}", required: false, cancellationToken);
        await ExpectOkAsync($"ATSP{(int)_options.Protocol:X}", required: true, cancellationToken);

        var info = await CommandAsync("ATI", _options.CommandTimeout, cancellationToken);
        Version ??= info.FirstOrDefault(l => l != "?" && l != "OK");
        var sti = await CommandAsync("STI", _options.CommandTimeout, cancellationToken);
        if (sti.Count > 0 && sti[0] != "?" && sti[0].StartsWith("STN", StringComparison.Ordinal)) StnDevice = sti[0];
        var voltage = await CommandAsync("ATRV", _options.CommandTimeout, cancellationToken);
        BatteryVoltage = voltage.FirstOrDefault(l => l.EndsWith('V'));

        // The first request triggers the protocol search; its lines are parsed once the protocol is known.
        var searchLines = await RequestLinesAsync("0100", _options.SearchTimeout, cancellationToken);
        await DetectProtocolAsync(cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            bool last = attempt >= _options.SearchRetries;
            try
            {
                SearchAnswer = new ElmAnswer("0100", ElmAnswerParser.Parse(searchLines, Protocol, HeadersEnabled));
                if (!SearchAnswer.NoData) return;
                if (last) throw new ElmErrorException(ElmError.NoData, "0100");
            }
            catch (ObdMalformedAnswerException) when (!last)
            {
                // A mangled first answer: ask again below.
            }
            // The protocol is known now; a lost or garbled first answer is simply asked for again.
            searchLines = await RequestLinesAsync("0100", _options.CommandTimeout, cancellationToken);
        }
    }

    private async Task DetectProtocolAsync(CancellationToken cancellationToken)
    {
        var dpn = await CommandAsync("ATDPN", _options.CommandTimeout, cancellationToken);
        var number = dpn.FirstOrDefault(l => l.Length is 1 or 2) ?? "";
        number = number.TrimStart('A');
        if (!int.TryParse(number, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int protocol) || protocol is < 1 or > 12)
            throw new ObdMalformedAnswerException($"adapter reported protocol '{string.Join(' ', dpn)}' to ATDPN");
        Protocol = (ObdProtocol)protocol;
        var dp = await CommandAsync("ATDP", _options.CommandTimeout, cancellationToken);
        ProtocolDescription = dp.FirstOrDefault() ?? Protocol.DisplayName();
    }

    /// <summary>Sends an OBD or UDS request (hex, e.g. "010C0D") and parses the answer per ECU. NO DATA is an empty answer.</summary>
    public async Task<ElmAnswer> QueryAsync(string request, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        var lines = await RequestLinesAsync(request, timeout ?? _options.CommandTimeout, cancellationToken);
        return new ElmAnswer(request, ElmAnswerParser.Parse(lines, Protocol, HeadersEnabled));
    }

    /// <summary>Sets the request header (ATSH) for physical addressing, e.g. "7E0" or "DA10F1"; sent only when it changes.</summary>
    public async Task SetHeaderAsync(string header, CancellationToken cancellationToken = default)
    {
        if (header == _header) return;
        await ExpectOkAsync($"ATSH{header}", required: true, cancellationToken);
        _header = header;
    }

    /// <summary>The functional (broadcast) OBD request header of the current protocol.</summary>
    public string FunctionalHeader => Protocol.IsCan29Bit() ? "DB33F1" : Protocol.IsCan() ? "7DF" : "686AF1";

    /// <summary>Sets the ELM327 answer timeout (ATST, units of 4.096 ms).</summary>
    public Task<bool> SetTimeoutAsync(byte value, CancellationToken cancellationToken = default) =>
        ExpectOkAsync($"ATST{value:X2}", required: false, cancellationToken);

    private async Task<IReadOnlyList<string>> RequestLinesAsync(string request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _obdRequests);
        var lines = await CommandAsync(request, timeout, cancellationToken);
        var data = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            var error = ElmErrors.Classify(line);
            if (error == ElmError.NoData) continue;
            if (error != ElmError.None) throw new ElmErrorException(error, request);
            if (line.Contains('<', StringComparison.Ordinal)) throw new ElmErrorException(ElmError.DataError, request);
            if (line.StartsWith("SEARCHING", StringComparison.Ordinal)) continue;
            var text = line;
            if (text.StartsWith("BUS INIT", StringComparison.Ordinal) || text.StartsWith("BUSINIT", StringComparison.Ordinal))
            {
                // "BUS INIT: ...OK" may share its line with the first data.
                int ok = text.IndexOf("OK", StringComparison.Ordinal);
                text = ok < 0 ? "" : text[(ok + 2)..].Trim();
                if (text.Length == 0) continue;
            }
            data.Add(text);
        }
        return data;
    }

    private async Task<bool> ExpectOkAsync(string command, bool required, CancellationToken cancellationToken)
    {
        var lines = await CommandAsync(command, _options.CommandTimeout, cancellationToken);
        if (lines.Contains("OK")) return true;
        if (required)
            throw new ObdMalformedAnswerException($"adapter answered '{Summarize(lines)}' to {command}: not an ELM327-compatible adapter");
        return false;
    }

    private static string Summarize(IReadOnlyList<string> lines)
    {
        var text = string.Join(' ', lines);
        return text.Length > 60 ? text[..60] + "..." : text;
    }

    /// <summary>Sends any command (AT, ST or hex) and returns the answer lines, upper-cased, without echo or blanks.</summary>
    public async Task<IReadOnlyList<string>> CommandAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WriteAsync(command, cancellationToken);
        return await ReadAnswerAsync(command, timeout, cancellationToken);
    }

    private async Task WriteAsync(string command, CancellationToken cancellationToken)
    {
        var bytes = Encoding.ASCII.GetBytes(command + "\r");
        await _transport.WriteAsync(bytes, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> ReadAnswerAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        _text.Clear();
        int received = 0;
        while (true)
        {
            int n;
            try
            {
                n = await _transport.ReadAsync(_buffer, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ObdTimeoutException($"no prompt from the adapter within {timeout.TotalSeconds:0.#} s after '{Display(command)}'{Partial()}");
            }
            if (n == 0) throw new ObdTransportException($"{_transport.Description} closed the connection after '{Display(command)}'");
            for (int i = 0; i < n; i++)
            {
                byte b = _buffer[i];
                if (b == (byte)'>')
                {
                    // The ELM327 sends nothing after its prompt until the next command; stray bytes are dropped.
                    return SplitLines(command);
                }
                if (++received > _options.MaxAnswerChars)
                    throw new ObdAnswerTooLargeException($"answer to '{Display(command)}' exceeded {_options.MaxAnswerChars} characters without a prompt");
                // The data sheet warns that NUL bytes may appear in the stream: ignored, but still counted above.
                if (b == 0) continue;
                _text.Append(b is (byte)'\r' or (byte)'\n' ? '\n' : b is >= 0x20 and < 0x7F ? (char)b : '\uFFFD');
            }
        }
    }

    private string Partial()
    {
        if (_text.Length == 0) return "";
        var text = _text.ToString().Replace('\n', ' ').Replace('\uFFFD', '.').Trim();
        return $" (received '{(text.Length > 40 ? text[..40] + "..." : text)}')";
    }

    private static string Display(string command) => command.Length == 0 ? "<CR>" : command;

    private List<string> SplitLines(string command)
    {
        var lines = new List<string>();
        foreach (var raw in _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            lines.Add(raw.ToUpperInvariant());
        // Echo (ATE1, or a clone that ignores ATE0): the first line repeats the command.
        if (lines.Count > 0 && command.Length > 0 && SameIgnoringSpaces(lines[0], command)) lines.RemoveAt(0);
        return lines;
    }

    private static bool SameIgnoringSpaces(string line, string command) =>
        string.Equals(line.Replace(" ", "", StringComparison.Ordinal), command.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
