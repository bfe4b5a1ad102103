using System.Collections.Frozen;

namespace Pitlane.Modules.Telemetry.Contracts;

/// <summary>Display name and unit of a signal.</summary>
public sealed record SignalInfo(string Pid, string Name, string Unit);

/// <summary>
/// What a sample's <c>pid</c> may be, and the names and units of the common ones. Two upper-case hex digits are an
/// SAE J1979 mode 01 PID whose value is already decoded into the PID's standard unit (e.g. 0C engine speed:
/// (256A+B)/4 rpm); a named signal carries non-OBD data as dot-separated lower-case words (<c>gps.lat</c>).
/// Unknown but well-formed PIDs are kept: manufacturers and newer J1979 revisions add PIDs this table does not know.
/// </summary>
public static class Signals
{
    /// <summary>The documented pattern of a named signal: two to four dot-separated words of [a-z0-9_], 3–32 characters.</summary>
    public const string NamedSignalPattern = "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+){1,3}$";

    public const int MaxPidLength = 32;

    private static readonly string[] HexPids = Enumerable.Range(0, 256).Select(i => i.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static readonly FrozenDictionary<string, SignalInfo> Known = new SignalInfo[]
    {
        // SAE J1979 / ISO 15031-5 mode 01, with the standard unit each formula yields.
        new("04", "Calculated engine load", "%"),
        new("05", "Engine coolant temperature", "°C"),
        new("06", "Short-term fuel trim, bank 1", "%"),
        new("07", "Long-term fuel trim, bank 1", "%"),
        new("08", "Short-term fuel trim, bank 2", "%"),
        new("09", "Long-term fuel trim, bank 2", "%"),
        new("0A", "Fuel pressure (gauge)", "kPa"),
        new("0B", "Intake manifold absolute pressure", "kPa"),
        new("0C", "Engine speed", "rpm"),
        new("0D", "Vehicle speed", "km/h"),
        new("0E", "Timing advance", "° before TDC"),
        new("0F", "Intake air temperature", "°C"),
        new("10", "Mass air flow rate", "g/s"),
        new("11", "Throttle position", "%"),
        new("1F", "Run time since engine start", "s"),
        new("21", "Distance travelled with MIL on", "km"),
        new("2C", "Commanded EGR", "%"),
        new("2F", "Fuel tank level", "%"),
        new("31", "Distance since codes cleared", "km"),
        new("33", "Absolute barometric pressure", "kPa"),
        new("3C", "Catalyst temperature, bank 1 sensor 1", "°C"),
        new("42", "Control module voltage", "V"),
        new("43", "Absolute load value", "%"),
        new("44", "Commanded air-fuel equivalence ratio", "λ"),
        new("45", "Relative throttle position", "%"),
        new("46", "Ambient air temperature", "°C"),
        new("49", "Accelerator pedal position D", "%"),
        new("4C", "Commanded throttle actuator", "%"),
        new("51", "Fuel type", "code"),
        new("52", "Ethanol fuel", "%"),
        new("5A", "Relative accelerator pedal position", "%"),
        new("5B", "Hybrid battery pack remaining life", "%"),
        new("5C", "Engine oil temperature", "°C"),
        new("5E", "Engine fuel rate", "L/h"),
        new("A6", "Odometer", "km"),
        // Named signals (not OBD): WGS 84 position and the device's own measurements.
        new("gps.lat", "Latitude (WGS 84)", "°"),
        new("gps.lon", "Longitude (WGS 84)", "°"),
        new("gps.speed", "GPS speed", "km/h"),
        new("gps.alt", "Altitude", "m"),
        new("gps.heading", "Heading", "°"),
        new("device.voltage", "Supply voltage at the device", "V"),
    }.ToFrozenDictionary(s => s.Pid, StringComparer.Ordinal);

    public static SignalInfo Describe(string pid) =>
        Known.TryGetValue(pid, out var info) ? info : new SignalInfo(pid, pid.Length == 2 ? $"PID {pid}" : pid, "");

    /// <summary>
    /// Validates a pid from its UTF-8 bytes and returns its canonical string (hex PIDs upper-cased and shared, so the
    /// hot path allocates no string for them), or null when it fits neither form.
    /// </summary>
    public static string? Canonical(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 2 && IsHex(utf8[0]) && IsHex(utf8[1]))
        {
            return HexPids[(HexValue(utf8[0]) << 4) | HexValue(utf8[1])];
        }
        if (utf8.Length is < 3 or > MaxPidLength || utf8[0] is < (byte)'a' or > (byte)'z')
        {
            return null;
        }
        var dots = 0;
        var previousDot = false;
        foreach (var b in utf8)
        {
            if (b == (byte)'.')
            {
                if (previousDot)
                {
                    return null;
                }
                dots++;
                previousDot = true;
                continue;
            }
            previousDot = false;
            if (b is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_'))
            {
                return null;
            }
        }
        if (dots is < 1 or > 3 || previousDot)
        {
            return null;
        }
        return Known.TryGetValue(System.Text.Encoding.ASCII.GetString(utf8), out var known) ? known.Pid : System.Text.Encoding.ASCII.GetString(utf8);
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F') or (>= (byte)'a' and <= (byte)'f');

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
