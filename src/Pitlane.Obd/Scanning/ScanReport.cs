using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Protocol;

namespace Pitlane.Obd.Scanning;

/// <summary>The stages of a scan, in order, as reported to the progress callback.</summary>
public enum ScanStage
{
    Connect,
    Identify,
    TroubleCodes,
    Readiness,
    FreezeFrame,
    LiveSnapshot,
}

public static class ScanStages
{
    /// <summary>"connect", "identify", "trouble codes", "readiness", "freeze frame", "live snapshot".</summary>
    public static string Name(this ScanStage stage) => stage switch
    {
        ScanStage.Connect => "connect",
        ScanStage.Identify => "identify",
        ScanStage.TroubleCodes => "trouble codes",
        ScanStage.Readiness => "readiness",
        ScanStage.FreezeFrame => "freeze frame",
        _ => "live snapshot",
    };
}

/// <param name="RequestsSent">OBD requests sent so far (AT commands not counted).</param>
public sealed record ScanProgress(ScanStage Stage, int RequestsSent)
{
    public string StageName => Stage.Name();
}

public sealed record ScanOptions
{
    /// <summary>Live PIDs in the snapshot (the issue asks for up to 18).</summary>
    public int MaxLivePids { get; init; } = 18;

    /// <summary>
    /// OBD requests the whole scan may use on CAN; the freeze frame gets what the other stages leave.
    /// Legacy protocols (one PID per request) cannot meet it and are not held to it.
    /// </summary>
    public int RequestBudget { get; init; } = 14;

    /// <summary>Freeze frame values on legacy protocols, where every value costs one request.</summary>
    public int LegacyFreezeFramePids { get; init; } = 6;
}

/// <param name="Id">The ECU's answer address: "7E8", "18DAF110", or "10" on legacy protocols.</param>
/// <param name="Role">Conventional role by address: Engine, Transmission, Brakes (ABS), Other.</param>
public sealed record ScannedEcu(string Id, string Role, IReadOnlyList<byte> SupportedPids);

public sealed record ScannedDtc(string Code, string Ecu, DtcKind Kind, string Description, DtcSeverity Severity, string System, bool ManufacturerSpecific);

/// <summary>Everything one scan found. The server stores this; the CLI prints it or writes it as JSON.</summary>
public sealed record ScanReport(
    string Adapter,
    string? AdapterVersion,
    ObdProtocol Protocol,
    string ProtocolName,
    string? Vin,
    string? VinEcu,
    string? BatteryVoltage,
    IReadOnlyList<ScannedEcu> Ecus,
    IReadOnlyList<ScannedDtc> Dtcs,
    IReadOnlyList<ReadinessStatus> Readiness,
    IReadOnlyList<FreezeFrame> FreezeFrames,
    IReadOnlyList<LiveValue> LiveValues,
    int RequestCount,
    TimeSpan Duration,
    IReadOnlyList<string> Warnings)
{
    public bool MilOn => Readiness.Any(r => r.MilOn);

    /// <summary>The VIN decoded by Pitlane.Vin (manufacturer, model year, check digit); null without a VIN.</summary>
    public Pitlane.Vin.VinDecodeResult? VinDetails { get; init; }
}
