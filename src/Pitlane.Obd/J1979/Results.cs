using Pitlane.Obd.Dtc;

namespace Pitlane.Obd.J1979;

public enum DtcKind
{
    /// <summary>Service 03: confirmed codes that have lit, or will light, the MIL.</summary>
    Stored,

    /// <summary>Service 07: detected during the current or last drive cycle, not yet confirmed.</summary>
    Pending,

    /// <summary>Service 0A: codes the ECU keeps until it has verified the repair itself.</summary>
    Permanent,
}

/// <summary>A set of PIDs (0x00–0xFF) as a 256-bit bitmap.</summary>
public sealed class PidSet
{
    private readonly ulong[] _bits = new ulong[4];

    public bool Contains(byte pid) => (_bits[pid >> 6] & (1UL << (pid & 63))) != 0;

    public void Add(byte pid) => _bits[pid >> 6] |= 1UL << (pid & 63);

    public void UnionWith(PidSet other)
    {
        for (int i = 0; i < 4; i++) _bits[i] |= other._bits[i];
    }

    /// <summary>Applies a J1979 "PIDs supported" answer: bit 7 of byte A is PID base+1, bit 0 of byte D is base+0x20.</summary>
    public void AddBitmap(byte basePid, ReadOnlySpan<byte> bitmap)
    {
        for (int i = 0; i < 32 && i / 8 < bitmap.Length; i++)
        {
            if ((bitmap[i / 8] & (0x80 >> (i % 8))) != 0 && basePid + i + 1 <= 0xFF) Add((byte)(basePid + i + 1));
        }
    }

    public IEnumerable<byte> Pids
    {
        get
        {
            for (int pid = 0; pid < 256; pid++)
            {
                if (Contains((byte)pid)) yield return (byte)pid;
            }
        }
    }

    public int Count => _bits.Sum(b => System.Numerics.BitOperations.PopCount(b));
}

public sealed record EcuSupportedPids(string Ecu, PidSet Pids);

public sealed record LiveValue(string Ecu, byte Pid, string Name, double Value, string Unit, double Min, double Max)
{
    public static LiveValue From(string ecu, PidReading reading)
    {
        var d = reading.Definition;
        return new LiveValue(ecu, reading.Pid, d.Name, reading.Value, d.Unit, d.Min, d.Max);
    }
}

public sealed record EcuTroubleCodes(string Ecu, DtcKind Kind, IReadOnlyList<TroubleCode> Codes);

public enum IgnitionType
{
    Spark,
    Compression,
}

/// <summary>One readiness monitor: whether the vehicle has it and whether it has completed since the codes were cleared.</summary>
public sealed record MonitorReadiness(string Name, bool Supported, bool Complete);

/// <summary>SAE J1979 PID 01: MIL, confirmed DTC count and the readiness monitors of one ECU.</summary>
public sealed record ReadinessStatus(string Ecu, bool MilOn, int DtcCount, IgnitionType Ignition, IReadOnlyList<MonitorReadiness> Monitors)
{
    public bool AllSupportedComplete => Monitors.Where(m => m.Supported).All(m => m.Complete);

    private static readonly string[] Common = ["Misfire", "Fuel system", "Components"];
    private static readonly string[] SparkMonitors = ["Catalyst", "Heated catalyst", "Evaporative system", "Secondary air system", "A/C refrigerant", "Oxygen sensor", "Oxygen sensor heater", "EGR system"];
    private static readonly string[] CompressionMonitors = ["NMHC catalyst", "NOx/SCR monitor", "", "Boost pressure", "", "Exhaust gas sensor", "PM filter", "EGR/VVT system"];

    /// <summary>Decodes the four data bytes A–D of PID 01 (J1979-DA, PID 01).</summary>
    public static ReadinessStatus Decode(string ecu, ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw new ObdMalformedAnswerException($"PID 01 from {ecu} has {data.Length} bytes, 4 expected");
        byte a = data[0], b = data[1], c = data[2], d = data[3];
        var ignition = (b & 0x08) != 0 ? IgnitionType.Compression : IgnitionType.Spark;
        var monitors = new List<MonitorReadiness>(11);
        for (int i = 0; i < 3; i++)
            monitors.Add(new MonitorReadiness(Common[i], (b & (1 << i)) != 0, (b & (0x10 << i)) == 0));
        var names = ignition == IgnitionType.Spark ? SparkMonitors : CompressionMonitors;
        for (int i = 0; i < 8; i++)
        {
            if (names[i].Length == 0) continue;
            monitors.Add(new MonitorReadiness(names[i], (c & (1 << i)) != 0, (d & (1 << i)) == 0));
        }
        return new ReadinessStatus(ecu, (a & 0x80) != 0, a & 0x7F, ignition, monitors);
    }
}

public sealed record FreezeFrame(string Ecu, int Frame, TroubleCode? Trigger, IReadOnlyList<LiveValue> Values);

public sealed record EcuText(string Ecu, string Text);

/// <summary>Service 09 answers of one ECU.</summary>
public sealed record EcuIdentification(string Ecu, string? Name, IReadOnlyList<string> CalibrationIds, IReadOnlyList<string> CalibrationVerificationNumbers);

/// <summary>One service 06 test result (ISO 15765-4 format: OBDMID, TID, unit and scaling id, value, limits).</summary>
public sealed record MonitorTestResult(string Ecu, byte MonitorId, string Monitor, byte TestId, byte UnitAndScalingId, double Value, double Min, double Max, string Unit)
{
    public bool Passed => Value >= Min && Value <= Max;
}
