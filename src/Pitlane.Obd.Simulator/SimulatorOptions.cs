using System.Net;

namespace Pitlane.Obd.Simulator;

/// <summary>The vehicle bus the simulated car speaks; the numbers in comments are the ELM327 protocol numbers.</summary>
public enum SimProtocol
{
    /// <summary>ISO 15765-4 CAN, 11-bit identifiers, 500 kbit/s (ELM protocol 6).</summary>
    Can11Bit500k,

    /// <summary>ISO 15765-4 CAN, 29-bit identifiers, 500 kbit/s (ELM protocol 7).</summary>
    Can29Bit500k,

    /// <summary>ISO 9141-2, 10.4 kbaud K-line (ELM protocol 3).</summary>
    Iso9141_2,
}

/// <summary>Behaviours of clone adapters that clients must survive.</summary>
[Flags]
public enum SimQuirks
{
    None = 0,

    /// <summary>ATE0 is acknowledged but echo stays on.</summary>
    EchoOnByDefault = 1,

    /// <summary>ATS0 is acknowledged but bytes stay separated by spaces.</summary>
    SpacesAlways = 2,

    /// <summary>Every OBD answer is delayed by <see cref="SimulatorOptions.SlowAnswerDelay"/>.</summary>
    SlowAnswers = 4,

    /// <summary>Hex digits in answers are lowercase.</summary>
    LowercaseHex = 8,

    /// <summary>UDS ECUs answer 7F xx 78 (response pending, ISO 14229-1) before every 0x19 and 0x22 answer.</summary>
    ResponsePending = 16,
}

/// <summary>Random faults on the wire, drawn from a generator seeded by <see cref="SimulatorOptions.Seed"/>.</summary>
public sealed record SimFaults
{
    public static SimFaults None { get; } = new();

    /// <summary>Probability that one CAN frame or K-line message is lost.</summary>
    public double DropFrameRate { get; init; }

    /// <summary>Probability that one printed line has a character corrupted.</summary>
    public double GarbleRate { get; init; }

    /// <summary>Probability that a request is answered with NO DATA whatever the ECUs said.</summary>
    public double NoDataRate { get; init; }

    internal bool Any => DropFrameRate > 0 || GarbleRate > 0 || NoDataRate > 0;
}

public sealed record SimulatorOptions
{
    public const string DefaultVin = "1HGCM82633A004352";

    public string Scenario { get; init; } = "healthy";

    public string Vin { get; init; } = DefaultVin;

    public SimProtocol Protocol { get; init; } = SimProtocol.Can11Bit500k;

    /// <summary>TCP port; 0 picks any free port (see <see cref="ElmSimulatorServer.Port"/>).</summary>
    public int Port { get; init; }

    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public SimQuirks Quirks { get; init; }

    public SimFaults Faults { get; init; } = SimFaults.None;

    /// <summary>Multiplies elapsed time for the driving cycle: 10 runs the car ten times faster.</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>Seed for live-value noise and fault injection; null draws one at start-up.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// False simulates an adapter plugged into a car with the ignition off: the adapter answers AT commands, every
    /// vehicle request fails (automatic search: UNABLE TO CONNECT) and ATRV reads the resting battery.
    /// </summary>
    public bool IgnitionOn { get; init; } = true;

    /// <summary>Connections beyond this are closed at once, so a flood of clients cannot exhaust memory.</summary>
    public int MaxClients { get; init; } = 32;

    public TimeSpan SlowAnswerDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!SimulatorScenarios.Descriptions.ContainsKey(Scenario))
        {
            throw new ArgumentException(
                $"SimulatorOptions.Scenario '{Scenario}' is unknown; expected one of {string.Join(", ", SimulatorScenarios.Names)}.", nameof(Scenario));
        }

        if (Vin is null || Vin.Length != 17 || !Vin.All(c => c is >= '0' and <= '9' or >= 'A' and <= 'Z') || Vin.Any(c => c is 'I' or 'O' or 'Q'))
        {
            throw new ArgumentException($"SimulatorOptions.Vin '{Vin}' must be 17 characters from 0-9 and A-Z without I, O and Q.", nameof(Vin));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"SimulatorOptions.Port {Port} must be between 0 and 65535.", nameof(Port));
        }

        if (!Enum.IsDefined(Protocol))
        {
            throw new ArgumentException($"SimulatorOptions.Protocol {Protocol} is not supported.", nameof(Protocol));
        }

        if (double.IsNaN(TimeScale) || TimeScale <= 0 || TimeScale > 10_000)
        {
            throw new ArgumentException($"SimulatorOptions.TimeScale {TimeScale} must be above 0 and at most 10000.", nameof(TimeScale));
        }

        if (MaxClients is < 1 or > 1024)
        {
            throw new ArgumentException($"SimulatorOptions.MaxClients {MaxClients} must be between 1 and 1024.", nameof(MaxClients));
        }

        if (SlowAnswerDelay < TimeSpan.Zero || SlowAnswerDelay > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"SimulatorOptions.SlowAnswerDelay {SlowAnswerDelay} must be between 0 and 10 s.", nameof(SlowAnswerDelay));
        }

        ArgumentNullException.ThrowIfNull(Address, nameof(Address));
        ArgumentNullException.ThrowIfNull(Faults, nameof(Faults));
        CheckRate(Faults.DropFrameRate, "SimulatorOptions.Faults.DropFrameRate");
        CheckRate(Faults.GarbleRate, "SimulatorOptions.Faults.GarbleRate");
        CheckRate(Faults.NoDataRate, "SimulatorOptions.Faults.NoDataRate");
    }

    private static void CheckRate(double rate, string name)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            throw new ArgumentException($"{name} {rate} must be between 0 and 1.", name);
        }
    }
}
