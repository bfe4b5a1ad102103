using System.Collections.Frozen;

namespace Pitlane.Obd.J1979;

/// <summary>
/// One scaled quantity inside a PID's data: an unsigned or signed big-endian field of
/// <see cref="Length"/> bytes at <see cref="Offset"/>, value = field * Scale + Add.
/// Every J1979 PID with a defined scaling is linear in such a field.
/// </summary>
public sealed record PidValueDefinition(string Name, string Unit, int Offset, int Length, double Scale, double Add, double Min, double Max, bool Signed = false, bool Encoded = false);

/// <summary>A service 01/02 PID: data length (and an alternative length where J1979 allows one) and its values.</summary>
public sealed record PidDefinition(byte Pid, string Name, int Length, IReadOnlyList<PidValueDefinition> Values, int AlternativeLength = 0)
{
    public PidValueDefinition Primary => Values[0];
}

/// <summary>SAE J1979 / ISO 15031-5 service 01 PIDs with their scaling (J1979-DA Appendix B).</summary>
public static class PidTable
{
    private static readonly PidDefinition?[] ByPid = new PidDefinition?[256];
    private static readonly byte[] Lengths = new byte[256];
    private static readonly byte[] AlternativeLengths = new byte[256];

    public static IReadOnlyList<PidDefinition> All { get; }

    public static FrozenDictionary<string, byte> ByShortName { get; }

    static PidTable()
    {
        var list = new List<PidDefinition>();
        void Add(byte pid, string name, int length, params PidValueDefinition[] values) => list.Add(new PidDefinition(pid, name, length, values));
        void AddAlt(byte pid, string name, int length, int alt, params PidValueDefinition[] values) => list.Add(new PidDefinition(pid, name, length, values, alt));
        static PidValueDefinition Percent(string name, int offset = 0) => new(name, "%", offset, 1, 100.0 / 255, 0, 0, 100);
        static PidValueDefinition Trim(string name, int offset = 0) => new(name, "%", offset, 1, 100.0 / 128, -100, -100, 99.21875);
        static PidValueDefinition Temp(string name, int offset = 0) => new(name, "°C", offset, 1, 1, -40, -40, 215);
        static PidValueDefinition Word(string name, string unit, double scale, double add, double min, double max, int offset = 0) => new(name, unit, offset, 2, scale, add, min, max);
        static PidValueDefinition Code(string name, int offset = 0, int length = 1) => new(name, "", offset, length, 1, 0, 0, length == 1 ? 255 : 65535, Encoded: true);

        Add(0x01, "Monitor status since DTCs cleared", 4, new PidValueDefinition("Monitor status since DTCs cleared", "", 0, 4, 1, 0, 0, uint.MaxValue, Encoded: true));
        Add(0x02, "DTC that caused freeze frame", 2, Code("DTC that caused freeze frame", 0, 2));
        Add(0x03, "Fuel system status", 2, Code("Fuel system 1 status"), Code("Fuel system 2 status", 1));
        Add(0x04, "Calculated engine load", 1, Percent("Calculated engine load"));
        Add(0x05, "Engine coolant temperature", 1, Temp("Engine coolant temperature"));
        AddAlt(0x06, "Short term fuel trim bank 1", 1, 2, Trim("Short term fuel trim bank 1"));
        AddAlt(0x07, "Long term fuel trim bank 1", 1, 2, Trim("Long term fuel trim bank 1"));
        AddAlt(0x08, "Short term fuel trim bank 2", 1, 2, Trim("Short term fuel trim bank 2"));
        AddAlt(0x09, "Long term fuel trim bank 2", 1, 2, Trim("Long term fuel trim bank 2"));
        Add(0x0A, "Fuel pressure", 1, new PidValueDefinition("Fuel pressure", "kPa", 0, 1, 3, 0, 0, 765));
        Add(0x0B, "Intake manifold absolute pressure", 1, new PidValueDefinition("Intake manifold absolute pressure", "kPa", 0, 1, 1, 0, 0, 255));
        Add(0x0C, "Engine speed", 2, Word("Engine speed", "rpm", 0.25, 0, 0, 16383.75));
        Add(0x0D, "Vehicle speed", 1, new PidValueDefinition("Vehicle speed", "km/h", 0, 1, 1, 0, 0, 255));
        Add(0x0E, "Timing advance", 1, new PidValueDefinition("Timing advance", "°", 0, 1, 0.5, -64, -64, 63.5));
        Add(0x0F, "Intake air temperature", 1, Temp("Intake air temperature"));
        Add(0x10, "Mass air flow rate", 2, Word("Mass air flow rate", "g/s", 0.01, 0, 0, 655.35));
        Add(0x11, "Throttle position", 1, Percent("Throttle position"));
        Add(0x12, "Commanded secondary air status", 1, Code("Commanded secondary air status"));
        Add(0x13, "Oxygen sensors present (2 banks)", 1, Code("Oxygen sensors present (2 banks)"));
        for (int i = 0; i < 8; i++)
        {
            string sensor = $"O2 sensor {i + 1}";
            Add((byte)(0x14 + i), $"{sensor} voltage and trim", 2,
                new PidValueDefinition($"{sensor} voltage", "V", 0, 1, 0.005, 0, 0, 1.275),
                Trim($"{sensor} short term fuel trim", 1));
        }
        Add(0x1C, "OBD standard", 1, Code("OBD standard"));
        Add(0x1D, "Oxygen sensors present (4 banks)", 1, Code("Oxygen sensors present (4 banks)"));
        Add(0x1E, "Auxiliary input status", 1, Code("Auxiliary input status"));
        Add(0x1F, "Run time since engine start", 2, Word("Run time since engine start", "s", 1, 0, 0, 65535));
        Add(0x21, "Distance traveled with MIL on", 2, Word("Distance traveled with MIL on", "km", 1, 0, 0, 65535));
        Add(0x22, "Fuel rail pressure (relative to manifold vacuum)", 2, Word("Fuel rail pressure (relative to manifold vacuum)", "kPa", 0.079, 0, 0, 5177.265));
        Add(0x23, "Fuel rail gauge pressure", 2, Word("Fuel rail gauge pressure", "kPa", 10, 0, 0, 655350));
        for (int i = 0; i < 8; i++)
        {
            string sensor = $"O2 sensor {i + 1}";
            Add((byte)(0x24 + i), $"{sensor} equivalence ratio and voltage", 4,
                Word($"{sensor} equivalence ratio", "ratio", 2.0 / 65536, 0, 0, 2),
                Word($"{sensor} voltage", "V", 8.0 / 65536, 0, 0, 8, offset: 2));
        }
        Add(0x2C, "Commanded EGR", 1, Percent("Commanded EGR"));
        Add(0x2D, "EGR error", 1, Trim("EGR error"));
        Add(0x2E, "Commanded evaporative purge", 1, Percent("Commanded evaporative purge"));
        Add(0x2F, "Fuel tank level input", 1, Percent("Fuel tank level input"));
        Add(0x30, "Warm-ups since codes cleared", 1, new PidValueDefinition("Warm-ups since codes cleared", "count", 0, 1, 1, 0, 0, 255));
        Add(0x31, "Distance traveled since codes cleared", 2, Word("Distance traveled since codes cleared", "km", 1, 0, 0, 65535));
        Add(0x32, "Evap system vapor pressure", 2, new PidValueDefinition("Evap system vapor pressure", "Pa", 0, 2, 0.25, 0, -8192, 8191.75, Signed: true));
        Add(0x33, "Absolute barometric pressure", 1, new PidValueDefinition("Absolute barometric pressure", "kPa", 0, 1, 1, 0, 0, 255));
        for (int i = 0; i < 8; i++)
        {
            string sensor = $"O2 sensor {i + 1}";
            Add((byte)(0x34 + i), $"{sensor} equivalence ratio and current", 4,
                Word($"{sensor} equivalence ratio", "ratio", 2.0 / 65536, 0, 0, 2),
                Word($"{sensor} current", "mA", 1.0 / 256, -128, -128, 128, offset: 2));
        }
        string[] catalysts = ["bank 1 sensor 1", "bank 2 sensor 1", "bank 1 sensor 2", "bank 2 sensor 2"];
        for (int i = 0; i < 4; i++)
            Add((byte)(0x3C + i), $"Catalyst temperature {catalysts[i]}", 2, Word($"Catalyst temperature {catalysts[i]}", "°C", 0.1, -40, -40, 6513.5));
        Add(0x41, "Monitor status this drive cycle", 4, new PidValueDefinition("Monitor status this drive cycle", "", 0, 4, 1, 0, 0, uint.MaxValue, Encoded: true));
        Add(0x42, "Control module voltage", 2, Word("Control module voltage", "V", 0.001, 0, 0, 65.535));
        Add(0x43, "Absolute load value", 2, Word("Absolute load value", "%", 100.0 / 255, 0, 0, 25700));
        Add(0x44, "Commanded equivalence ratio", 2, Word("Commanded equivalence ratio", "ratio", 2.0 / 65536, 0, 0, 2));
        Add(0x45, "Relative throttle position", 1, Percent("Relative throttle position"));
        Add(0x46, "Ambient air temperature", 1, Temp("Ambient air temperature"));
        Add(0x47, "Absolute throttle position B", 1, Percent("Absolute throttle position B"));
        Add(0x48, "Absolute throttle position C", 1, Percent("Absolute throttle position C"));
        Add(0x49, "Accelerator pedal position D", 1, Percent("Accelerator pedal position D"));
        Add(0x4A, "Accelerator pedal position E", 1, Percent("Accelerator pedal position E"));
        Add(0x4B, "Accelerator pedal position F", 1, Percent("Accelerator pedal position F"));
        Add(0x4C, "Commanded throttle actuator", 1, Percent("Commanded throttle actuator"));
        Add(0x4D, "Time run with MIL on", 2, Word("Time run with MIL on", "min", 1, 0, 0, 65535));
        Add(0x4E, "Time since trouble codes cleared", 2, Word("Time since trouble codes cleared", "min", 1, 0, 0, 65535));
        Add(0x4F, "Maximum values for equivalence ratio, O2 voltage, O2 current and MAP", 4,
            new PidValueDefinition("Maximum equivalence ratio", "ratio", 0, 1, 1, 0, 0, 255),
            new PidValueDefinition("Maximum O2 sensor voltage", "V", 1, 1, 1, 0, 0, 255),
            new PidValueDefinition("Maximum O2 sensor current", "mA", 2, 1, 1, 0, 0, 255),
            new PidValueDefinition("Maximum intake manifold absolute pressure", "kPa", 3, 1, 10, 0, 0, 2550));
        Add(0x50, "Maximum mass air flow rate", 4, new PidValueDefinition("Maximum mass air flow rate", "g/s", 0, 1, 10, 0, 0, 2550));
        Add(0x51, "Fuel type", 1, Code("Fuel type"));
        Add(0x52, "Ethanol fuel", 1, Percent("Ethanol fuel"));
        Add(0x53, "Absolute evap system vapor pressure", 2, Word("Absolute evap system vapor pressure", "kPa", 0.005, 0, 0, 327.675));
        Add(0x54, "Evap system vapor pressure", 2, new PidValueDefinition("Evap system vapor pressure", "Pa", 0, 2, 1, 0, -32768, 32767, Signed: true));
        string[] secondary = ["Short term secondary O2 trim bank 1/3", "Long term secondary O2 trim bank 1/3", "Short term secondary O2 trim bank 2/4", "Long term secondary O2 trim bank 2/4"];
        for (int i = 0; i < 4; i++)
            Add((byte)(0x55 + i), secondary[i], 2, Trim(secondary[i].Replace("1/3", "1", StringComparison.Ordinal).Replace("2/4", "2", StringComparison.Ordinal)), Trim(secondary[i].Replace("1/3", "3", StringComparison.Ordinal).Replace("2/4", "4", StringComparison.Ordinal), 1));
        Add(0x59, "Fuel rail absolute pressure", 2, Word("Fuel rail absolute pressure", "kPa", 10, 0, 0, 655350));
        Add(0x5A, "Relative accelerator pedal position", 1, Percent("Relative accelerator pedal position"));
        Add(0x5B, "Hybrid battery pack remaining life", 1, Percent("Hybrid battery pack remaining life"));
        Add(0x5C, "Engine oil temperature", 1, Temp("Engine oil temperature"));
        Add(0x5D, "Fuel injection timing", 2, Word("Fuel injection timing", "°", 1.0 / 128, -210, -210, 301.992));
        Add(0x5E, "Engine fuel rate", 2, Word("Engine fuel rate", "L/h", 0.05, 0, 0, 3276.75));
        Add(0x5F, "Emission requirements", 1, Code("Emission requirements"));
        Add(0x61, "Driver's demand engine percent torque", 1, new PidValueDefinition("Driver's demand engine percent torque", "%", 0, 1, 1, -125, -125, 130));
        Add(0x62, "Actual engine percent torque", 1, new PidValueDefinition("Actual engine percent torque", "%", 0, 1, 1, -125, -125, 130));
        Add(0x63, "Engine reference torque", 2, Word("Engine reference torque", "N·m", 1, 0, 0, 65535));
        Add(0x64, "Engine percent torque data", 5,
            new PidValueDefinition("Engine percent torque idle", "%", 0, 1, 1, -125, -125, 130),
            new PidValueDefinition("Engine percent torque point 1", "%", 1, 1, 1, -125, -125, 130),
            new PidValueDefinition("Engine percent torque point 2", "%", 2, 1, 1, -125, -125, 130),
            new PidValueDefinition("Engine percent torque point 3", "%", 3, 1, 1, -125, -125, 130),
            new PidValueDefinition("Engine percent torque point 4", "%", 4, 1, 1, -125, -125, 130));
        Add(0x66, "Mass air flow sensor", 5, Word("Mass air flow sensor A", "g/s", 1.0 / 32, 0, 0, 2047.96875, offset: 1), Word("Mass air flow sensor B", "g/s", 1.0 / 32, 0, 0, 2047.96875, offset: 3));
        Add(0x67, "Engine coolant temperature sensors", 3, Temp("Engine coolant temperature sensor 1", 1), Temp("Engine coolant temperature sensor 2", 2));
        list.Add(new PidDefinition(0x68, "Intake air temperature sensors", 3, [Temp("Intake air temperature sensor 1", 1), Temp("Intake air temperature sensor 2", 2)], 7));
        Add(0x8E, "Engine friction percent torque", 1, new PidValueDefinition("Engine friction percent torque", "%", 0, 1, 1, -125, -125, 130));
        Add(0x9D, "Engine fuel rate (mass)", 4, Word("Engine fuel rate", "g/s", 0.02, 0, 0, 1310.7), Word("Vehicle fuel rate", "g/s", 0.02, 0, 0, 1310.7, offset: 2));
        Add(0x9E, "Engine exhaust flow rate", 2, Word("Engine exhaust flow rate", "kg/h", 0.2, 0, 0, 13107));
        Add(0xA2, "Cylinder fuel rate", 2, Word("Cylinder fuel rate", "mg/stroke", 1.0 / 32, 0, 0, 2047.96875));
        Add(0xA4, "Transmission actual gear ratio", 4, Word("Transmission actual gear ratio", "ratio", 0.001, 0, 0, 65.535, offset: 2));
        Add(0xA6, "Odometer", 4, new PidValueDefinition("Odometer", "km", 0, 4, 0.1, 0, 0, 429496729.5));

        foreach (var definition in list)
        {
            ByPid[definition.Pid] = definition;
            Lengths[definition.Pid] = (byte)definition.Length;
            AlternativeLengths[definition.Pid] = (byte)definition.AlternativeLength;
        }

        // Data lengths of PIDs decoded only as raw bytes (J1979-DA), so multi-PID answers can be split.
        ReadOnlySpan<(byte Pid, byte Length)> raw =
        [
            (0x65, 2), (0x69, 7), (0x6A, 5), (0x6B, 5), (0x6C, 5), (0x6D, 11), (0x6E, 9), (0x6F, 3),
            (0x70, 10), (0x71, 6), (0x72, 5), (0x73, 5), (0x74, 5), (0x75, 7), (0x76, 7), (0x77, 5),
            (0x78, 9), (0x79, 9), (0x7A, 7), (0x7B, 7), (0x7C, 9), (0x7D, 1), (0x7E, 1), (0x7F, 13),
            (0x81, 41), (0x82, 41), (0x83, 9), (0x84, 1), (0x85, 10), (0x86, 5), (0x87, 5), (0x88, 13),
            (0x89, 41), (0x8A, 41), (0x8B, 7), (0x8C, 17), (0x8D, 1), (0x8F, 7), (0x90, 3), (0x91, 5),
            (0x92, 2), (0x93, 3), (0x94, 12), (0x98, 9), (0x99, 9), (0x9A, 6), (0x9B, 4), (0x9C, 17),
            (0x9F, 9), (0xA1, 9), (0xA3, 9), (0xA5, 4),
        ];
        foreach (var (pid, length) in raw) Lengths[pid] = length;
        for (int pid = 0; pid <= 0xE0; pid += 0x20) Lengths[pid] = 4;

        All = list;
        ByShortName = list.ToFrozenDictionary(d => d.Pid.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), d => d.Pid, StringComparer.OrdinalIgnoreCase);
    }

    public static PidDefinition? Get(byte pid) => ByPid[pid];

    /// <summary>Data bytes following the PID in a service 01 answer; 0 when unknown.</summary>
    public static int DataLength(byte pid) => Lengths[pid];

    /// <summary>The other data length J1979 allows (fuel trims with bank 3/4, extended IAT); 0 when none.</summary>
    public static int AlternativeDataLength(byte pid) => AlternativeLengths[pid];

    public static bool IsSupportBitmap(byte pid) => (pid & 0x1F) == 0;

    /// <summary>True when the PID has a defined physical scaling (not only bit-encoded data).</summary>
    public static bool HasScaling(byte pid) => ByPid[pid] is { } d && !d.Primary.Encoded;
}
