using System.Text.Json;
using System.Text.Json.Serialization;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Scanning;

namespace Pitlane.Diagnostics;

/// <summary>
/// A finished scan as the server stores it, the API returns it and a scan agent uploads it: plain JSON with string enums,
/// no protocol internals. <see cref="From"/> builds it from a live <see cref="ScanReport"/>; <see cref="ToFacts"/> gives the
/// health engine what it needs back, losslessly.
/// </summary>
public sealed record ScanDocument(
    string Adapter,
    string? AdapterVersion,
    string Protocol,
    string? Vin,
    string? BatteryVoltage,
    bool MilOn,
    IReadOnlyList<ScanDocument.Ecu> Ecus,
    IReadOnlyList<ScanDocument.Dtc> Dtcs,
    IReadOnlyList<ScanDocument.Readiness> ReadinessByEcu,
    IReadOnlyList<ScanDocument.Frame> FreezeFrames,
    IReadOnlyList<ScanDocument.Value> Snapshot,
    int RequestCount,
    int DurationMs,
    IReadOnlyList<string> Warnings)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <param name="Role">Engine, Transmission, Brakes (ABS) or Other, by address.</param>
    public sealed record Ecu(string Id, string Role);

    public sealed record Dtc(string Code, string Ecu, DtcKind Kind, string Description, DtcSeverity Severity, string System, bool ManufacturerSpecific);

    public sealed record Monitor(string Name, bool Supported, bool Complete);

    public sealed record Readiness(string Ecu, bool MilOn, int DtcCount, IgnitionType Ignition, IReadOnlyList<Monitor> Monitors);

    /// <param name="Pid">Service 01 PID as two upper-case hex digits.</param>
    public sealed record Value(string Ecu, string Pid, string Name, double Reading, string Unit, double Min, double Max);

    /// <param name="Trigger">The DTC that stored the frame, when the ECU reported one.</param>
    public sealed record Frame(string Ecu, int Number, string? Trigger, IReadOnlyList<Value> Values);

    public static ScanDocument From(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ScanDocument(
            report.Adapter,
            report.AdapterVersion,
            report.ProtocolName,
            report.Vin,
            report.BatteryVoltage,
            report.MilOn,
            report.Ecus.Select(e => new Ecu(e.Id, e.Role)).ToList(),
            report.Dtcs.Select(d => new Dtc(d.Code, d.Ecu, d.Kind, d.Description, d.Severity, d.System, d.ManufacturerSpecific)).ToList(),
            report.Readiness.Select(r => new Readiness(r.Ecu, r.MilOn, r.DtcCount, r.Ignition,
                r.Monitors.Select(m => new Monitor(m.Name, m.Supported, m.Complete)).ToList())).ToList(),
            report.FreezeFrames.Select(f => new Frame(f.Ecu, f.Frame, f.Trigger is { IsEmpty: false } t ? t.ToString() : null,
                f.Values.Select(ValueOf).ToList())).ToList(),
            report.LiveValues.Select(ValueOf).ToList(),
            report.RequestCount,
            (int)Math.Min(int.MaxValue, report.Duration.TotalMilliseconds),
            report.Warnings);
    }

    private static Value ValueOf(LiveValue v) => new(v.Ecu, v.Pid.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), v.Name, v.Value, v.Unit, v.Min, v.Max);

    /// <summary>The inputs of <see cref="HealthEngine"/> and <see cref="RuleInterpreter"/>.</summary>
    public ScanFacts ToFacts() => new(
        Dtcs.Select(d => new ScannedDtc(d.Code, d.Ecu, d.Kind, d.Description, d.Severity, d.System, d.ManufacturerSpecific)).ToList(),
        MilOn,
        ReadinessByEcu.Select(r => new ReadinessStatus(r.Ecu, r.MilOn, r.DtcCount, r.Ignition,
            r.Monitors.Select(m => new MonitorReadiness(m.Name, m.Supported, m.Complete)).ToList())).ToList(),
        FreezeFrames.Select(f => new FreezeFrame(f.Ecu, f.Number,
            f.Trigger is not null && TroubleCode.TryParse(f.Trigger, out var code) ? code : null,
            f.Values.Select(LiveValueOf).ToList())).ToList(),
        Snapshot.Select(LiveValueOf).ToList())
    {
        AdapterVoltage = ScanFacts.ParseVolts(BatteryVoltage),
    };

    private static LiveValue LiveValueOf(Value v) =>
        new(v.Ecu, byte.Parse(v.Pid, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture), v.Name, v.Reading, v.Unit, v.Min, v.Max);

    /// <summary>
    /// Checks a document that came from outside (a scan agent's upload): every list present, sizes bounded, codes and PIDs
    /// well-formed, numbers finite. Returns the faults as (field, message); empty when the document is acceptable.
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Check()
    {
        var faults = new List<(string, string)>();
        void Require(bool ok, string field, string message)
        {
            if (!ok) faults.Add((field, message));
        }
        Require(!string.IsNullOrWhiteSpace(Adapter) && Adapter.Length <= 200, "adapter", "adapter is required (at most 200 characters).");
        Require(!string.IsNullOrWhiteSpace(Protocol) && Protocol.Length <= 80, "protocol", "protocol is required (at most 80 characters).");
        Require(Vin is null || (Vin.Length <= 17 && Vin.All(char.IsAsciiLetterOrDigit)), "vin", "vin is at most 17 letters and digits.");
        Require(Ecus is { Count: <= 32 }, "ecus", "ecus is a list of at most 32 ECUs.");
        Require(Dtcs is { Count: <= 256 }, "dtcs", "dtcs is a list of at most 256 codes.");
        Require(ReadinessByEcu is { Count: <= 32 }, "readinessByEcu", "readinessByEcu is a list of at most 32 entries.");
        Require(FreezeFrames is { Count: <= 32 }, "freezeFrames", "freezeFrames is a list of at most 32 frames.");
        Require(Snapshot is { Count: <= 256 }, "snapshot", "snapshot is a list of at most 256 values.");
        Require(Warnings is { Count: <= 64 }, "warnings", "warnings is a list of at most 64 lines.");
        Require(RequestCount is >= 0 and <= 100_000, "requestCount", "requestCount must be between 0 and 100000.");
        Require(DurationMs is >= 0, "durationMs", "durationMs must not be negative.");
        if (faults.Count > 0) return faults;
        for (int i = 0; i < Warnings.Count; i++)
        {
            Require(Warnings[i] is { Length: <= 500 }, $"warnings[{i}]", "a warning is a line of at most 500 characters.");
        }
        for (int i = 0; i < Ecus.Count; i++)
        {
            Require(Ecus[i] is { Id.Length: > 0 and <= 8, Role.Length: <= 40 }, $"ecus[{i}]", "an ECU has an id of 1–8 characters and a role.");
        }
        for (int i = 0; i < Dtcs.Count; i++)
        {
            var d = Dtcs[i];
            Require(d is not null && TroubleCode.TryParse(d.Code, out _) && d.Code.Length == 5, $"dtcs[{i}].code", "a trouble code looks like P0300.");
            Require(d is { Ecu.Length: > 0 and <= 8 }, $"dtcs[{i}].ecu", "ecu is 1–8 characters.");
            Require(d is { Description.Length: <= 300, System.Length: <= 60 }, $"dtcs[{i}].description", "description is at most 300 characters.");
            Require(d is not null && Enum.IsDefined(d.Kind) && Enum.IsDefined(d.Severity), $"dtcs[{i}].kind", "kind is stored, pending or permanent; severity is info, low, medium, high or critical.");
        }
        for (int i = 0; i < ReadinessByEcu.Count; i++)
        {
            var r = ReadinessByEcu[i];
            Require(r is { Ecu.Length: > 0 and <= 8, Monitors.Count: <= 16 } && Enum.IsDefined(r.Ignition) && r.Monitors.All(m => m is { Name.Length: <= 60 }),
                $"readinessByEcu[{i}]", "a readiness entry names its ECU and at most 16 monitors.");
        }
        for (int i = 0; i < FreezeFrames.Count; i++)
        {
            var f = FreezeFrames[i];
            Require(f is { Ecu.Length: > 0 and <= 8, Values.Count: <= 64 } && (f.Trigger is null || TroubleCode.TryParse(f.Trigger, out _)),
                $"freezeFrames[{i}]", "a freeze frame names its ECU, at most 64 values and a valid trigger code.");
            if (f?.Values is { Count: <= 64 } values) CheckValues(values, $"freezeFrames[{i}].values", faults);
        }
        CheckValues(Snapshot, "snapshot", faults);
        return faults;
    }

    private static void CheckValues(IReadOnlyList<Value> values, string field, List<(string, string)> faults)
    {
        for (int i = 0; i < values.Count; i++)
        {
            var v = values[i];
            var ok = v is { Ecu.Length: > 0 and <= 8, Pid.Length: 2, Name.Length: <= 80, Unit.Length: <= 20 }
                && byte.TryParse(v.Pid, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out _)
                && double.IsFinite(v.Reading) && double.IsFinite(v.Min) && double.IsFinite(v.Max);
            if (!ok) faults.Add(($"{field}[{i}]", "a value has an ECU, a two-digit hex PID, a name, a unit and finite numbers."));
        }
    }
}
