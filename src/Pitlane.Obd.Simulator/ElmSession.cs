using System.Globalization;
using System.Text;

namespace Pitlane.Obd.Simulator;

/// <summary>What the adapter sends back for one command line, and how long it takes before sending it.</summary>
/// <param name="Stopped">
/// For requests sent on the bus: what the adapter prints instead when a character arrives before the answer
/// (ELM327: "STOPPED"); null for commands the adapter answers itself.
/// </param>
internal readonly record struct ElmReply(string Text, TimeSpan Delay, string? Stopped = null);

/// <summary>
/// The adapter side of one connection: the ELM327 v1.5 command interpreter with its own settings
/// (echo, linefeeds, spaces, headers, protocol, header bytes, CAN formatting), as the ELM327 data sheet describes it.
/// </summary>
internal sealed class ElmSession
{
    public const string Banner = "ELM327 v1.5";
    public const int MaxLineLength = 128;

    private const byte CanPadding = 0xAA;
    private readonly SimulatedVehicle _vehicle;
    private readonly IReadOnlyList<SimulatedEcu> _ecus;
    private readonly SimulatorOptions _options;
    private readonly Random _random;

    private bool _echo, _linefeeds, _spaces, _headers, _canAutoFormat, _responses, _flowControl, _showDlc;
    private byte _timeout, _canPriority;
    private string? _header;
    private string? _receiveFilter;
    private int _protocol;
    private string _savedProtocol = "0";
    private bool _auto, _connected;
    private string _lastCommand = "";

    public ElmSession(SimulatedVehicle vehicle, IReadOnlyList<SimulatedEcu> ecus, SimulatorOptions options, Random random)
    {
        _vehicle = vehicle;
        _ecus = ecus;
        _options = options;
        _random = random;
        Reset();
    }

    private bool Echo => _echo || _options.Quirks.HasFlag(SimQuirks.EchoOnByDefault);

    private bool Spaces => _spaces || _options.Quirks.HasFlag(SimQuirks.SpacesAlways);

    private string Eol => _linefeeds ? "\r\n" : "\r";

    private int VehicleProtocol => _options.Protocol switch
    {
        SimProtocol.Can11Bit500k => 6,
        SimProtocol.Can29Bit500k => 7,
        _ => 3,
    };

    private bool IsCan => _options.Protocol != SimProtocol.Iso9141_2;

    private bool Is29Bit => _options.Protocol == SimProtocol.Can29Bit500k;

    /// <summary>ATZ / ATWS: every setting back to its power-on value and the protocol back to the one ATSP saved (initially 0, automatic).</summary>
    private void Reset()
    {
        Defaults();
        SetProtocol(_savedProtocol);
    }

    private void Defaults()
    {
        _echo = true;
        _linefeeds = false;
        _spaces = true;
        _headers = false;
        _canAutoFormat = true;
        _responses = true;
        _flowControl = true;
        _showDlc = false;
        _timeout = 0x32;
        _canPriority = 0x18;
        _header = null;
        _receiveFilter = null;
    }

    /// <param name="raw">The characters received before the CR, control characters already removed.</param>
    /// <param name="overflowed">The line was longer than the input buffer and was cut.</param>
    public ElmReply Execute(string raw, bool overflowed)
    {
        var output = new StringBuilder();
        if (Echo && !overflowed)
        {
            output.Append(raw).Append(Eol);
        }

        var command = new string([.. raw.Where(c => c != ' ')]).ToUpperInvariant();
        if (command.Length == 0)
        {
            // The ELM repeats the previous command on an empty line.
            command = _lastCommand;
        }

        List<string> lines;
        var delay = TimeSpan.Zero;
        var onBus = -1;
        if (overflowed)
        {
            lines = ["?"];
        }
        else if (command.Length == 0)
        {
            lines = [];
        }
        else if (command.StartsWith("AT", StringComparison.Ordinal))
        {
            lines = At(command[2..]);
            _lastCommand = command;
        }
        else
        {
            (lines, delay, onBus) = Obd(command);
            _lastCommand = command;
        }

        var echo = output.ToString();
        return new ElmReply(
            Finish(output, lines),
            delay,
            onBus < 0 ? null : Finish(new StringBuilder(echo), [.. lines.Take(onBus), "STOPPED"]));
    }

    private string Finish(StringBuilder output, List<string> lines)
    {
        foreach (var line in lines)
        {
            output.Append(line).Append(Eol);
        }

        // The ELM ends every answer with an empty line and the prompt.
        if (lines.Count > 0)
        {
            output.Append(Eol);
        }

        output.Append('>');
        return output.ToString();
    }

    private List<string> At(string a)
    {
        switch (a)
        {
            case "Z" or "WS":
                Reset();
                // The ELM prints CR CR before its banner after a reset.
                return ["", "", Banner];
            case "D":
                Defaults();
                return ["OK"];
            case "I":
                return [Banner];
            case "@1":
                return ["OBDII to RS232 Interpreter"];
            case "E0" or "E1":
                _echo = a[1] == '1';
                return ["OK"];
            case "L0" or "L1":
                _linefeeds = a[1] == '1';
                return ["OK"];
            case "S0" or "S1":
                _spaces = a[1] == '1';
                return ["OK"];
            case "H0" or "H1":
                _headers = a[1] == '1';
                return ["OK"];
            case "R0" or "R1":
                _responses = a[1] == '1';
                return ["OK"];
            case "CAF0" or "CAF1":
                _canAutoFormat = a[3] == '1';
                return ["OK"];
            case "CFC0" or "CFC1":
                _flowControl = a[3] == '1';
                return ["OK"];
            case "D0" or "D1":
                _showDlc = a[1] == '1';
                return ["OK"];
            case "M0" or "M1" or "AT0" or "AT1" or "AT2" or "AL" or "NL" or "V0" or "V1" or "LP" or "BI" or "KW0" or "KW1":
                return ["OK"];
            case "PC":
                _connected = false;
                return ["OK"];
            case "RV":
                return [string.Create(CultureInfo.InvariantCulture, $"{(_options.IgnitionOn ? _vehicle.BatteryVolts : _vehicle.RestingBatteryVolts):0.0}V")];
            case "DP":
                return [DescribeProtocol()];
            case "DPN":
                return [(_auto ? "A" : "") + ProtocolDigit(_connected && _auto ? VehicleProtocol : _protocol)];
            case "AR" or "CRA":
                _receiveFilter = null;
                return ["OK"];
        }

        // ATSP keeps the protocol over a reset (the ELM writes it to EEPROM); ATTP only tries it.
        if ((a.StartsWith("SP", StringComparison.Ordinal) || a.StartsWith("TP", StringComparison.Ordinal)) && SetProtocol(a[2..]))
        {
            if (a[0] == 'S')
            {
                _savedProtocol = a[2..];
            }

            return ["OK"];
        }

        if (a.StartsWith("ST", StringComparison.Ordinal) && a.Length == 4 && IsHex(a.AsSpan(2)))
        {
            var value = byte.Parse(a.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _timeout = value == 0 ? (byte)0x32 : value;
            return ["OK"];
        }

        if (a.StartsWith("SH", StringComparison.Ordinal) && a.Length is 5 or 8 or 10 && IsHex(a.AsSpan(2)))
        {
            _header = a[2..];
            return ["OK"];
        }

        if (a.StartsWith("CRA", StringComparison.Ordinal) && a.Length is 6 or 11 && IsHex(a.AsSpan(3)))
        {
            _receiveFilter = a[3..];
            return ["OK"];
        }

        // K-line timing: wakeup interval (ATSW hh) and wakeup message (ATWM with 1-6 bytes).
        if ((a.StartsWith("SW", StringComparison.Ordinal) && a.Length == 4 && IsHex(a.AsSpan(2)))
            || (a.StartsWith("WM", StringComparison.Ordinal) && a.Length is >= 4 and <= 14 && a.Length % 2 == 0 && IsHex(a.AsSpan(2))))
        {
            return ["OK"];
        }

        if (a.StartsWith("CP", StringComparison.Ordinal) && a.Length == 4 && IsHex(a.AsSpan(2)))
        {
            _canPriority = (byte)(byte.Parse(a.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x1F);
            return ["OK"];
        }

        return ["?"];
    }

    /// <summary>ATSP n / ATSP An / ATTP: 0 is automatic, An tries n first and searches on failure.</summary>
    private bool SetProtocol(string argument)
    {
        var auto = argument.Length == 2 && argument[0] == 'A';
        var digit = auto ? argument[1..] : argument;
        if (digit.Length != 1 || ProtocolName(digit[0]) is null)
        {
            return false;
        }

        _protocol = Convert.ToInt32(digit, 16);
        _auto = auto || _protocol == 0;
        _connected = false;
        return true;
    }

    private string DescribeProtocol()
    {
        if (_auto && !_connected && _protocol == 0)
        {
            return "AUTO";
        }

        var name = ProtocolName(ProtocolDigit(_auto && _connected ? VehicleProtocol : _protocol)[0])!;
        return _auto ? "AUTO, " + name : name;
    }

    private static string ProtocolDigit(int number) => number.ToString("X", CultureInfo.InvariantCulture);

    private static string? ProtocolName(char digit) => digit switch
    {
        '0' => "AUTO",
        '1' => "SAE J1850 PWM",
        '2' => "SAE J1850 VPW",
        '3' => "ISO 9141-2",
        '4' => "ISO 14230-4 (KWP 5BAUD)",
        '5' => "ISO 14230-4 (KWP FAST)",
        '6' => "ISO 15765-4 (CAN 11/500)",
        '7' => "ISO 15765-4 (CAN 29/500)",
        '8' => "ISO 15765-4 (CAN 11/250)",
        '9' => "ISO 15765-4 (CAN 29/250)",
        'A' => "SAE J1939 (CAN 29/250)",
        'B' => "USER1 CAN (11* /125)",
        'C' => "USER2 CAN (11* /50)",
        _ => null,
    };

    /// <returns>The lines, the wait before they are sent, and how many of them were printed before the request
    /// went on the bus (-1 when it never did).</returns>
    private (List<string> Lines, TimeSpan Delay, int OnBus) Obd(string command)
    {
        if (!IsHex(command))
        {
            return (["?"], TimeSpan.Zero, -1);
        }

        // An odd final digit is the number of responses to wait for (ELM327 v1.3 and later).
        var expected = 0;
        if (command.Length % 2 == 1)
        {
            expected = Convert.ToInt32(command[^1..], 16);
            command = command[..^1];
            if (expected == 0 || command.Length == 0)
            {
                return (["?"], TimeSpan.Zero, -1);
            }
        }

        var request = Convert.FromHexString(command);
        var maxLength = IsCan && !_canAutoFormat ? 8 : 7;
        if (request.Length > maxLength)
        {
            return (["?"], TimeSpan.Zero, -1);
        }

        var lines = new List<string>();
        if (!_options.IgnitionOn)
        {
            // Nothing answers on any bus: the search gives up, a fixed protocol reports its own failure.
            return _auto
                ? (["SEARCHING...", "UNABLE TO CONNECT"], Timeout, 1)
                : ([_protocol is 6 or 7 or 8 or 9 ? "CAN ERROR" : WrongProtocolError()], Timeout, 0);
        }

        if (!_connected)
        {
            if (_protocol == VehicleProtocol)
            {
                if (!IsCan)
                {
                    lines.Add("BUS INIT: ...OK");
                }
            }
            else if (_auto)
            {
                lines.Add("SEARCHING...");
            }
            else
            {
                return ([WrongProtocolError()], Timeout, 0);
            }

            _connected = true;
        }

        if (!_responses)
        {
            return (lines, TimeSpan.Zero, -1);
        }

        var onBus = lines.Count;
        var slow = _options.Quirks.HasFlag(SimQuirks.SlowAnswers) ? _options.SlowAnswerDelay : TimeSpan.Zero;
        var frames = Exchange(request, expected);
        var faults = _options.Faults;
        if (faults.Any)
        {
            if (faults.NoDataRate > 0 && _random.NextDouble() < faults.NoDataRate)
            {
                frames.Clear();
            }

            if (faults.DropFrameRate > 0)
            {
                frames.RemoveAll(_ => _random.NextDouble() < faults.DropFrameRate);
            }
        }

        if (frames.Count == 0)
        {
            lines.Add("NO DATA");
            return (lines, Timeout + slow, onBus);
        }

        foreach (var frame in frames)
        {
            foreach (var line in Format(frame))
            {
                lines.Add(faults.GarbleRate > 0 && _random.NextDouble() < faults.GarbleRate ? Garble(line) : line);
            }
        }

        return (lines, slow, onBus);
    }

    /// <summary>ATST: the time the ELM waits for an answer, in steps of 4.096 ms.</summary>
    private TimeSpan Timeout => TimeSpan.FromMilliseconds(_timeout * 4.096);

    private string WrongProtocolError() => _protocol switch
    {
        1 or 2 => "NO DATA",
        3 or 4 or 5 => "BUS INIT: ...ERROR",
        // Same bit rate, other identifier length: the bus is alive but nobody answers.
        6 or 7 when IsCan => "NO DATA",
        _ => "CAN ERROR",
    };

    private sealed record BusFrame(SimulatedEcu Ecu, uint Id, byte[] Bytes);

    /// <summary>Sends the request on the bus and collects the frames the ECUs answer with, interleaved as they would arrive.</summary>
    private List<BusFrame> Exchange(byte[] request, int expected)
    {
        if (IsCan && !_canAutoFormat)
        {
            // CAF0: the caller supplies the ISO-TP PCI byte; only single frames make a request.
            var pci = request.Length > 0 ? request[0] : 0xFF;
            if (pci >> 4 != 0 || (pci & 0x0F) == 0 || (pci & 0x0F) > request.Length - 1)
            {
                return [];
            }

            request = request[1..(1 + (pci & 0x0F))];
        }

        var (targets, functional, tester) = Targets();
        var streams = new List<List<BusFrame>>();
        foreach (var ecu in targets)
        {
            var messages = ecu.Handle(request, functional, IsCan, _options.Quirks.HasFlag(SimQuirks.ResponsePending));
            if (messages.Count == 0)
            {
                continue;
            }

            var stream = new List<BusFrame>();
            foreach (var message in messages)
            {
                if (IsCan)
                {
                    var id = Is29Bit ? 0x18DA0000u | ((uint)tester << 8) | ecu.Address : 0x7E8u + (uint)ecu.Index;
                    stream.AddRange(Segment(message).Select(bytes => new BusFrame(ecu, id, bytes)));
                }
                else
                {
                    stream.Add(new BusFrame(ecu, 0, message));
                }
            }

            if (IsCan && _receiveFilter is { } filter && !Matches(filter, stream[0].Id))
            {
                continue;
            }

            if (IsCan && !_flowControl && stream.FindIndex(f => f.Bytes[0] >> 4 == 1) is var first and >= 0)
            {
                // ATCFC0: the adapter sends no flow control frame, so the ECU stops after its first frame.
                stream.RemoveRange(first + 1, stream.Count - first - 1);
            }

            streams.Add(stream);
            if (expected > 0 && streams.Count == expected)
            {
                break;
            }
        }

        // ECUs send concurrently: consecutive frames of two multi-frame answers interleave on the bus.
        var frames = new List<BusFrame>();
        for (var k = 0; streams.Any(s => k < s.Count); k++)
        {
            frames.AddRange(streams.Where(s => k < s.Count).Select(s => s[k]));
        }

        return frames;
    }

    private bool Matches(string filter, uint id) =>
        filter.Length == 3
            ? !Is29Bit && Convert.ToUInt32(filter, 16) == id
            : Is29Bit && Convert.ToUInt32(filter, 16) == id;

    /// <summary>Which ECUs hear the request, whether it was functionally addressed, and the tester address.</summary>
    private (IEnumerable<SimulatedEcu> Targets, bool Functional, byte Tester) Targets()
    {
        var header = _header;
        if (!IsCan)
        {
            // ISO 9141-2 header: priority/type, target, source; 68 6A F1 is the SAE J1979 request to all.
            var bytes = header is { Length: 6 } ? Convert.FromHexString(header) : [0x68, 0x6A, 0xF1];
            return bytes[1] == 0x6A ? (_ecus, true, bytes[2]) : (_ecus.Where(e => e.Address == bytes[1]), false, bytes[2]);
        }

        if (!Is29Bit)
        {
            var id = header is null ? 0x7DFu : Convert.ToUInt32(header, 16) & 0x7FF;
            return id == 0x7DF
                ? (_ecus, true, (byte)0xF1)
                : (_ecus.Where(e => 0x7E0u + (uint)e.Index == id), false, (byte)0xF1);
        }

        // 29-bit (ISO 15765-4): priority 18, DB = functional / DA = physical, target, source.
        var full = header switch
        {
            null => 0x18DB33F1u,
            { Length: 8 } => Convert.ToUInt32(header, 16) & 0x1FFFFFFF,
            _ => ((uint)_canPriority << 24) | (Convert.ToUInt32(header, 16) & 0xFFFFFF),
        };
        var format = (full >> 16) & 0xFF;
        var target = (byte)(full >> 8);
        var tester = (byte)full;
        return format switch
        {
            0xDB when target == 0x33 => (_ecus, true, tester),
            0xDA => (_ecus.Where(e => e.Address == target), false, tester),
            _ => ([], false, tester),
        };
    }

    /// <summary>ISO 15765-2 segmentation into 8-byte frames: single frame, or first frame and consecutive frames.</summary>
    private static IEnumerable<byte[]> Segment(byte[] message)
    {
        if (message.Length <= 7)
        {
            var single = Frame((byte)message.Length, message);
            yield return single;
            yield break;
        }

        var first = new byte[8];
        first[0] = (byte)(0x10 | ((message.Length >> 8) & 0x0F));
        first[1] = (byte)message.Length;
        message.AsSpan(0, 6).CopyTo(first.AsSpan(2));
        yield return first;

        var sequence = 1;
        for (var offset = 6; offset < message.Length; offset += 7, sequence++)
        {
            yield return Frame((byte)(0x20 | (sequence & 0x0F)), message.AsSpan(offset, Math.Min(7, message.Length - offset)));
        }
    }

    private static byte[] Frame(byte pci, ReadOnlySpan<byte> data)
    {
        var frame = new byte[8];
        frame.AsSpan().Fill(CanPadding);
        frame[0] = pci;
        data.CopyTo(frame.AsSpan(1));
        return frame;
    }

    /// <summary>One frame as the ELM prints it, per the headers, spaces and CAN auto-formatting settings.</summary>
    private IEnumerable<string> Format(BusFrame frame)
    {
        var bytes = frame.Bytes;
        if (!IsCan)
        {
            if (!_headers)
            {
                yield return Hex(bytes);
                yield break;
            }

            // ISO 9141-2 answer: 48 6B, the ECU address, the data and the sum of all bytes modulo 256.
            byte[] header = [0x48, 0x6B, frame.Ecu.Address];
            var checksum = (byte)(header.Sum(b => b) + bytes.Sum(b => b));
            yield return Hex([.. header, .. bytes, checksum]);
            yield break;
        }

        if (_headers)
        {
            var id = Is29Bit
                ? Hex([(byte)(frame.Id >> 24), (byte)(frame.Id >> 16), (byte)(frame.Id >> 8), (byte)frame.Id])
                : Case(frame.Id.ToString("X3", CultureInfo.InvariantCulture));
            // ATD1 shows the data length code between identifier and data; ISO 15765-4 frames are always 8 bytes.
            yield return id + Separator + (_showDlc ? "8" + Separator : "") + Hex(bytes);
            yield break;
        }

        if (!_canAutoFormat)
        {
            yield return Hex(bytes);
            yield break;
        }

        switch (bytes[0] >> 4)
        {
            case 0:
                yield return Hex(bytes.AsSpan(1, Math.Min(7, bytes[0] & 0x0F)));
                break;
            case 1:
                // Headers off: the ELM announces the total length in three hex digits, then numbers the lines.
                yield return Case((((bytes[0] & 0x0F) << 8) | bytes[1]).ToString("X3", CultureInfo.InvariantCulture));
                yield return "0:" + Separator + Hex(bytes.AsSpan(2));
                break;
            case 2:
                yield return Case((bytes[0] & 0x0F).ToString("X", CultureInfo.InvariantCulture)) + ":" + Separator + Hex(bytes.AsSpan(1));
                break;
            default:
                yield return Hex(bytes);
                break;
        }
    }

    private string Separator => Spaces ? " " : "";

    private string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0 && Spaces)
            {
                text.Append(' ');
            }

            text.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
        }

        return Case(text.ToString());
    }

    private string Case(string hex) => _options.Quirks.HasFlag(SimQuirks.LowercaseHex) ? hex.ToLowerInvariant() : hex;

    private string Garble(string line)
    {
        if (line.Length == 0)
        {
            return line;
        }

        const string noise = "0123456789ABCDEF:.#";
        var chars = line.ToCharArray();
        chars[_random.Next(chars.Length)] = noise[_random.Next(noise.Length)];
        return new string(chars);
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
