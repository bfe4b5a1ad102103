using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Protocol;

namespace Pitlane.Benchmarks;

/// <summary>
/// Pitlane.Obd's hot paths against the way OBD clients are commonly written (string splitting,
/// Convert.ToByte, lists and dictionaries per answer), on the same ELM327 text, one category each.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ObdBenchmarks
{
    // Service 01 answer to "010C0D05044210": rpm, speed, coolant, load, module voltage, MAF.
    private const string Mode01Text = "41 0C 1A F8 0D 3C 05 7B 04 80 42 36 B0 10 01 90";

    // Two ECUs answering a VIN-sized request, their ISO 15765-2 frames interleaved (ATH1, ATS1).
    private static readonly string[] IsoTpLines =
    [
        "7E8 10 14 49 02 01 31 48 47",
        "7E9 10 14 49 02 01 57 56 57",
        "7E8 21 43 4D 38 32 36 33 33",
        "7E9 21 5A 5A 5A 31 4A 5A 58",
        "7E8 22 41 30 30 34 33 35 32",
        "7E9 22 57 30 30 30 30 30 31",
    ];

    // Service 03 answer on CAN: count byte then eight codes.
    private const string DtcText = "43 08 03 00 03 01 01 71 01 74 04 20 C1 00 41 23 81 56";

    private readonly IsoTpReassembler _reassembler = new();

    [Benchmark(Baseline = true), BenchmarkCategory("Mode01")]
    public double Naive_mode01() => NaiveObd.DecodeMode01(Mode01Text).Values.Sum();

    [Benchmark, BenchmarkCategory("Mode01")]
    public double Pitlane_mode01()
    {
        Span<byte> payload = stackalloc byte[64];
        Span<PidReading> readings = stackalloc PidReading[16];
        if (!Hex.TryParse(Mode01Text, payload, out int length) || !PidDecoder.TryDecode(payload[..length], readings, out int n)) return double.NaN;
        double sum = 0;
        foreach (var r in readings[..n]) sum += r.Value;
        return sum;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("IsoTp")]
    public int Naive_isotp() => NaiveObd.Reassemble(IsoTpLines).Sum(m => m.Value.Length);

    [Benchmark, BenchmarkCategory("IsoTp")]
    public int Pitlane_isotp()
    {
        _reassembler.Reset();
        Span<byte> frame = stackalloc byte[8];
        int total = 0;
        foreach (var line in IsoTpLines)
        {
            var text = line.AsSpan();
            if (!uint.TryParse(text[..3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint id) || !Hex.TryParse(text[4..], frame, out int n)) return -1;
            int completed = _reassembler.Push(id, frame[..n]);
            if (completed >= 0 && _reassembler.TryGetMessage(completed, out _, out var message)) total += message.Length;
        }
        return total;
    }

    /// <summary>The allocating path the adapter uses (lines to messages with ECU ids), for scale.</summary>
    [Benchmark, BenchmarkCategory("IsoTp")]
    public int Pitlane_isotp_answer_parser() => ElmAnswerParser.Parse(IsoTpLines, ObdProtocol.Iso15765_4Can11Bit500k, headers: true).Sum(m => m.Payload.Length);

    [Benchmark(Baseline = true), BenchmarkCategory("Dtc")]
    public int Naive_dtc() => NaiveObd.ParseDtcs(DtcText).Sum(c => c[4]);

    [Benchmark, BenchmarkCategory("Dtc")]
    public int Pitlane_dtc()
    {
        Span<byte> payload = stackalloc byte[32];
        Span<TroubleCode> codes = stackalloc TroubleCode[16];
        Span<char> text = stackalloc char[5];
        if (!Hex.TryParse(DtcText, payload, out int length)) return -1;
        int n = TroubleCode.ParsePairs(payload[2..length], codes);
        int sum = 0;
        foreach (var code in codes[..n])
        {
            code.TryFormat(text, out _);
            sum += text[4];
        }
        return sum;
    }
}

/// <summary>A deliberately ordinary OBD client: what the optimised code is measured against.</summary>
public static class NaiveObd
{
    public static Dictionary<string, double> DecodeMode01(string text)
    {
        var bytes = text.Split(' ').Select(b => Convert.ToByte(b, 16)).ToList();
        var result = new Dictionary<string, double>();
        int i = 1;
        while (i < bytes.Count)
        {
            var pid = bytes[i].ToString("X2", CultureInfo.InvariantCulture);
            var data = bytes.Skip(i + 1).ToList();
            switch (pid)
            {
                case "0C": result["rpm"] = (data[0] * 256 + data[1]) / 4.0; i += 3; break;
                case "0D": result["speed"] = data[0]; i += 2; break;
                case "05": result["coolant"] = data[0] - 40; i += 2; break;
                case "04": result["load"] = data[0] * 100.0 / 255; i += 2; break;
                case "42": result["voltage"] = (data[0] * 256 + data[1]) / 1000.0; i += 3; break;
                case "10": result["maf"] = (data[0] * 256 + data[1]) / 100.0; i += 3; break;
                default: throw new FormatException(pid);
            }
        }
        return result;
    }

    public static Dictionary<string, byte[]> Reassemble(IEnumerable<string> lines)
    {
        var buffers = new Dictionary<string, List<byte>>();
        var expected = new Dictionary<string, int>();
        var done = new Dictionary<string, byte[]>();
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var id = parts[0];
            var data = parts.Skip(1).Select(p => Convert.ToByte(p, 16)).ToList();
            int type = data[0] >> 4;
            if (type == 0)
            {
                done[id] = data.Skip(1).Take(data[0] & 0xF).ToArray();
            }
            else if (type == 1)
            {
                expected[id] = ((data[0] & 0xF) << 8) | data[1];
                buffers[id] = data.Skip(2).ToList();
            }
            else
            {
                buffers[id].AddRange(data.Skip(1));
                if (buffers[id].Count >= expected[id]) done[id] = buffers[id].Take(expected[id]).ToArray();
            }
        }
        return done;
    }

    public static List<string> ParseDtcs(string text)
    {
        var hex = text.Replace(" ", "", StringComparison.Ordinal)[4..];
        var letters = new Dictionary<char, string>
        {
            ['0'] = "P0", ['1'] = "P1", ['2'] = "P2", ['3'] = "P3", ['4'] = "C0", ['5'] = "C1", ['6'] = "C2", ['7'] = "C3",
            ['8'] = "B0", ['9'] = "B1", ['A'] = "B2", ['B'] = "B3", ['C'] = "U0", ['D'] = "U1", ['E'] = "U2", ['F'] = "U3",
        };
        var codes = new List<string>();
        for (int i = 0; i + 4 <= hex.Length; i += 4)
        {
            var chunk = hex.Substring(i, 4);
            if (chunk == "0000") continue;
            codes.Add(letters[chunk[0]] + chunk.Substring(1));
        }
        return codes;
    }
}
