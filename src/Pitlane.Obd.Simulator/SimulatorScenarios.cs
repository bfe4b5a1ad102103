namespace Pitlane.Obd.Simulator;

/// <summary>The control units of a simulated vehicle, with their CAN and K-line addresses.</summary>
public enum EcuRole
{
    /// <summary>Engine control module: CAN 7E0/7E8, 29-bit 18DA10F1/18DAF110, K-line 10.</summary>
    Engine,

    /// <summary>Transmission control module: CAN 7E1/7E9, 29-bit 18DA18F1/18DAF118, K-line 18.</summary>
    Transmission,

    /// <summary>Anti-lock brake module: CAN 7E2/7EA, 29-bit 18DA28F1/18DAF128, K-line 28.</summary>
    Abs,
}

/// <summary>Which list a code shows in: service 03 (stored), 07 (pending) or 0A (permanent).</summary>
public enum DtcKind
{
    Stored,
    Pending,
    Permanent,
}

public sealed record ScenarioDtc(string Code, EcuRole Ecu, DtcKind Kind);

/// <summary>What a client should find in a scenario, straight after the simulator starts.</summary>
/// <param name="MilOn">The engine's PID 01 MIL bit.</param>
/// <param name="ReadinessComplete">Whether every supported non-continuous monitor of the engine reports complete in PID 01.</param>
public sealed record ScenarioDescription(string Name, string Summary, bool MilOn, bool ReadinessComplete, IReadOnlyList<ScenarioDtc> Dtcs)
{
    public IEnumerable<string> Codes(EcuRole ecu, DtcKind kind) =>
        Dtcs.Where(d => d.Ecu == ecu && d.Kind == kind).Select(d => d.Code);
}

/// <summary>The scenario table: the contract between the simulator and the tests of its clients.</summary>
public static class SimulatorScenarios
{
    public const string Healthy = "healthy";
    public const string Misfire = "misfire";
    public const string Lean = "lean";
    public const string Overheating = "overheating";
    public const string WeakBattery = "weak-battery";
    public const string Catalyst = "catalyst";
    public const string LostComm = "lost-comm";
    public const string PendingOnly = "pending-only";
    public const string Cleared = "cleared";

    public static IReadOnlyList<ScenarioDescription> All { get; } =
    [
        new(Healthy, "No fault; every monitor complete.", MilOn: false, ReadinessComplete: true, []),
        new(Misfire, "Random and cylinder 1 misfire: rough idle, misfire counts high on cylinder 1 in service 06 (OBDMID A2).", true, true,
            Confirmed(EcuRole.Engine, "P0300", "P0301")),
        new(Lean, "System too lean on both banks: long-term fuel trims near +22 %.", true, true,
            Confirmed(EcuRole.Engine, "P0171", "P0174")),
        new(Overheating, "Engine coolant over 110 °C and rising.", true, true,
            Confirmed(EcuRole.Engine, "P0217")),
        new(WeakBattery, "Charging voltage about 12.1 V (ATRV and PID 42 low); MIL off.", false, true,
            [new("P0562", EcuRole.Engine, DtcKind.Stored)]),
        new(Catalyst, "Catalyst efficiency below threshold on bank 1: OBDMID 21 result above its limit.", true, true,
            Confirmed(EcuRole.Engine, "P0420")),
        new(LostComm, "Transmission and ABS lost communication with the engine module.", false, true,
            [new("U0100", EcuRole.Transmission, DtcKind.Stored), new("U0100", EcuRole.Abs, DtcKind.Stored)]),
        new(PendingOnly, "Thermostat below regulating temperature detected once: pending only, MIL off.", false, true,
            [new("P0128", EcuRole.Engine, DtcKind.Pending)]),
        new(Cleared, "Codes were just cleared: no codes, readiness monitors incomplete, distance since clear 0.", false, false, []),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];

    public static IReadOnlyDictionary<string, ScenarioDescription> Descriptions { get; } =
        All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static ScenarioDescription Get(string name) =>
        Descriptions.TryGetValue(name, out var description)
            ? description
            : throw new ArgumentException($"Unknown scenario '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));

    // A confirmed emission fault that lit the MIL is stored (service 03) and permanent (service 0A, SAE J1979 since 2010).
    private static ScenarioDtc[] Confirmed(EcuRole ecu, params string[] codes) =>
        [.. codes.Select(c => new ScenarioDtc(c, ecu, DtcKind.Stored)), .. codes.Select(c => new ScenarioDtc(c, ecu, DtcKind.Permanent))];
}
