namespace Pitlane.Obd.Simulator;

/// <summary>Live values at one instant of the driving cycle, in physical units.</summary>
public sealed record LiveSample(
    double ElapsedSeconds,
    double Rpm,
    double SpeedKmh,
    double CoolantC,
    double LoadPercent,
    double ThrottlePercent,
    double PedalPercent,
    double MafGramsPerSecond,
    double MapKpa,
    double IntakeC,
    double AmbientC,
    double OilC,
    double TimingAdvanceDeg,
    double ShortTrimBank1,
    double ShortTrimBank2,
    double LongTrimBank1,
    double LongTrimBank2,
    double O2Bank1Sensor1Volts,
    double O2Bank1Sensor2Volts,
    double O2Bank2Sensor1Volts,
    double O2Bank2Sensor2Volts,
    double ModuleVolts,
    double FuelLevelPercent,
    double DistanceKm,
    double TorquePercent,
    bool ClosedLoop)
{
    public string Phase => DrivingCycle.PhaseAt(ElapsedSeconds);
}

/// <summary>
/// The simulated car: scenario, live values over a repeating driving cycle and the diagnostic memory
/// of each ECU. Shared by every client connection; all mutation is under one lock.
/// </summary>
public sealed class SimulatedVehicle
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly double _timeScale;
    private readonly Dictionary<EcuRole, EcuMemory> _memory = [];
    private double _clearedAtSeconds;
    private double _clearedAtKm;
    private bool _milOn;
    private bool _readinessComplete;

    public SimulatedVehicle(ScenarioDescription scenario, string vin, TimeProvider? time = null, double timeScale = 1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentException.ThrowIfNullOrWhiteSpace(vin);
        Scenario = scenario;
        Vin = vin;
        Seed = seed;
        _time = time ?? TimeProvider.System;
        _timeScale = timeScale;
        _startTimestamp = _time.GetTimestamp();
        _milOn = scenario.MilOn;
        _readinessComplete = scenario.ReadinessComplete;
        foreach (var role in Enum.GetValues<EcuRole>())
        {
            var memory = new EcuMemory(
                [.. scenario.Codes(role, DtcKind.Stored)],
                [.. scenario.Codes(role, DtcKind.Pending)],
                [.. scenario.Codes(role, DtcKind.Permanent)]);
            // The freeze frame belongs to the first stored code; its values are the cycle's cruise at 60 s.
            if (memory.Stored.Count > 0)
            {
                memory.FreezeFrameDtc = memory.Stored[0];
                memory.FreezeFrame = SampleAt(60);
            }

            _memory[role] = memory;
        }

        // Codes in the scenario were set before the simulator started: the car has run with them.
        _clearedAtSeconds = scenario.Name == SimulatorScenarios.Cleared ? 0 : -36_000;
        _clearedAtKm = scenario.Name == SimulatorScenarios.Cleared ? 0 : -842;
    }

    public ScenarioDescription Scenario { get; }

    public string Vin { get; }

    public int Seed { get; }

    public const double OdometerAtStartKm = 48_213.4;

    /// <summary>Seconds of simulated driving since start, scaled by the time scale.</summary>
    public double ElapsedSeconds => _time.GetElapsedTime(_startTimestamp).TotalSeconds * _timeScale;

    public bool MilOn
    {
        get { lock (_gate) { return _milOn; } }
    }

    public bool ReadinessComplete
    {
        get { lock (_gate) { return _readinessComplete; } }
    }

    public LiveSample Sample() => SampleAt(ElapsedSeconds);

    /// <summary>Battery voltage as the adapter measures it on pin 16 (ATRV).</summary>
    public double BatteryVolts => Sample().ModuleVolts;

    /// <summary>Battery voltage with the engine off: a charged battery rests at 12.6 V.</summary>
    public double RestingBatteryVolts => Scenario.Name == SimulatorScenarios.WeakBattery ? 11.9 : 12.6;

    public IReadOnlyList<string> Dtcs(EcuRole ecu, DtcKind kind)
    {
        lock (_gate)
        {
            var memory = _memory[ecu];
            return kind switch
            {
                DtcKind.Stored => [.. memory.Stored],
                DtcKind.Pending => [.. memory.Pending],
                _ => [.. memory.Permanent],
            };
        }
    }

    public (string Dtc, LiveSample Values)? FreezeFrame(EcuRole ecu)
    {
        lock (_gate)
        {
            var memory = _memory[ecu];
            return memory.FreezeFrameDtc is { } dtc && memory.FreezeFrame is { } values ? (dtc, values) : null;
        }
    }

    /// <summary>
    /// Service 04 / UDS 0x14 on one ECU: stored and pending codes and the freeze frame go, the MIL goes off and the
    /// non-continuous monitors restart (SAE J1979 service 04). Permanent codes stay until a monitor passes.
    /// </summary>
    public void Clear(EcuRole ecu)
    {
        lock (_gate)
        {
            var memory = _memory[ecu];
            memory.Stored.Clear();
            memory.Pending.Clear();
            memory.FreezeFrame = null;
            memory.FreezeFrameDtc = null;
            if (ecu == EcuRole.Engine)
            {
                _milOn = false;
                _readinessComplete = false;
                _clearedAtSeconds = ElapsedSeconds;
                _clearedAtKm = DrivingCycle.DistanceKm(_clearedAtSeconds);
            }
        }
    }

    public double SecondsSinceClear
    {
        get { lock (_gate) { return Math.Max(0, ElapsedSeconds - _clearedAtSeconds); } }
    }

    public double KmSinceClear
    {
        get { lock (_gate) { return Math.Max(0, DrivingCycle.DistanceKm(ElapsedSeconds) - _clearedAtKm); } }
    }

    internal byte SessionOf(EcuRole ecu)
    {
        lock (_gate) { return _memory[ecu].Session; }
    }

    internal void SetSession(EcuRole ecu, byte session)
    {
        lock (_gate) { _memory[ecu].Session = session; }
    }

    /// <summary>Values at a given point of the cycle: deterministic for the seed and the scenario.</summary>
    public LiveSample SampleAt(double t)
    {
        var name = Scenario.Name;
        var (speed, rpmBase, throttle, load) = DrivingCycle.At(t);
        double Noise(int channel) => DeterministicNoise(Seed, t, channel);

        var rpm = rpmBase + (20 * Noise(1));
        if (name == SimulatorScenarios.Misfire)
        {
            // A misfiring cylinder makes the crank speed stumble: large, irregular drops.
            rpm += (140 * Noise(2)) - 60;
        }

        var coolant = name == SimulatorScenarios.Overheating
            ? Math.Min(128, 111 + (t / 60))
            : 20 + (70 * (1 - Math.Exp(-t / 240)));
        coolant += 0.3 * Noise(3);

        // Fuel cut on overrun (load below 15 %) and a cold engine run open loop.
        var closedLoop = coolant > 40 && load > 15;
        var longTrim = name == SimulatorScenarios.Lean ? 21.9 : 1.6;
        var shortTrim1 = closedLoop ? 2.5 * Noise(4) : 0;
        var shortTrim2 = closedLoop ? 2.5 * Noise(5) : 0;
        if (name == SimulatorScenarios.Lean && closedLoop)
        {
            shortTrim1 += 4;
            shortTrim2 += 4;
        }

        // A closed-loop narrow-band sensor swings about 0.45 V at ~1 Hz; a lean mixture keeps it low.
        double Upstream(double phase) => name == SimulatorScenarios.Lean
            ? 0.18 + (0.08 * Math.Abs(Noise(6)))
            : closedLoop ? 0.45 + (0.38 * Math.Sin((t * 2 * Math.PI) + phase)) : 0.1;
        var downstream = name == SimulatorScenarios.Catalyst
            ? 0.45 + (0.35 * Math.Sin((t * 2 * Math.PI) + 0.4)) // a dead catalyst lets the upstream swing through
            : 0.68 + (0.02 * Noise(7));

        // Ripple stays within ±0.04 V so that ATRV's one decimal reads steadily.
        var volts = name == SimulatorScenarios.WeakBattery ? 12.1 + (0.04 * Noise(8)) : 14.2 + (0.04 * Noise(8));
        var maf = 2.4 + (load / 100 * rpm / 1000 * 14);
        var map = 28 + (load * 0.72);
        var timing = 8 + (rpm / 250) - (load / 10);

        return new LiveSample(
            ElapsedSeconds: t,
            Rpm: Math.Max(0, rpm),
            SpeedKmh: speed,
            CoolantC: coolant,
            LoadPercent: load,
            ThrottlePercent: 14 + (throttle * 0.86),
            PedalPercent: throttle,
            MafGramsPerSecond: maf,
            MapKpa: map,
            IntakeC: 24 + (4 * (1 - Math.Exp(-t / 600))) + (0.3 * Noise(9)),
            AmbientC: 19,
            OilC: Math.Max(20, coolant - 6),
            TimingAdvanceDeg: timing,
            ShortTrimBank1: shortTrim1,
            ShortTrimBank2: shortTrim2,
            LongTrimBank1: longTrim,
            LongTrimBank2: longTrim,
            O2Bank1Sensor1Volts: Upstream(0),
            O2Bank1Sensor2Volts: downstream,
            O2Bank2Sensor1Volts: Upstream(1.3),
            O2Bank2Sensor2Volts: downstream,
            ModuleVolts: volts,
            FuelLevelPercent: Math.Max(5, 62 - (t / 600)),
            DistanceKm: DrivingCycle.DistanceKm(t),
            TorquePercent: load * 0.8,
            ClosedLoop: closedLoop);
    }

    /// <summary>Misfire counts per cylinder (1-4) for the current driving cycle, as service 06 OBDMID A2-A5 report them.</summary>
    public int MisfireCount(int cylinder)
    {
        var t = ElapsedSeconds;
        var background = (int)(t / 900) + cylinder % 2;
        return Scenario.Name == SimulatorScenarios.Misfire && cylinder == 1
            ? 180 + (int)(t / 2)
            : Scenario.Name == SimulatorScenarios.Misfire ? 6 + background : background;
    }

    /// <summary>A value in [-1, 1] that depends only on the seed, the channel and the tenth of a second.</summary>
    internal static double DeterministicNoise(int seed, double t, int channel)
    {
        var x = (ulong)(long)Math.Floor(t * 10) * 0x9E3779B97F4A7C15UL;
        x ^= ((ulong)(uint)seed << 32) ^ (uint)channel;
        // SplitMix64 finaliser.
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return ((x >> 11) / (double)(1UL << 53) * 2) - 1;
    }

    private sealed class EcuMemory(List<string> stored, List<string> pending, List<string> permanent)
    {
        public List<string> Stored { get; } = stored;
        public List<string> Pending { get; } = pending;
        public List<string> Permanent { get; } = permanent;
        public string? FreezeFrameDtc { get; set; }
        public LiveSample? FreezeFrame { get; set; }
        public byte Session { get; set; } = 0x01;
    }
}

/// <summary>
/// A 120 s urban-extra-urban loop: idle 15 s, accelerate to 100 km/h in 20 s, cruise 50 s,
/// brake to a stop in 20 s, idle 15 s.
/// </summary>
internal static class DrivingCycle
{
    public const double Period = 120;
    private const double IdleEnd = 15, AccelEnd = 35, CruiseEnd = 85, DecelEnd = 105, Cruise = 100;

    // Distance of one loop: two ramps at 50 km/h average for 20 s each plus the cruise.
    private static readonly double LoopKm = ((2 * 20 * Cruise / 2) + (50 * Cruise)) / 3600;

    public static string PhaseAt(double t)
    {
        var c = Cycle(t);
        return c < IdleEnd ? "idle" : c < AccelEnd ? "accelerate" : c < CruiseEnd ? "cruise" : c < DecelEnd ? "decelerate" : "idle";
    }

    /// <returns>Speed km/h, rpm, pedal %, calculated load %.</returns>
    public static (double Speed, double Rpm, double Pedal, double Load) At(double t)
    {
        var c = Cycle(t);
        if (c < IdleEnd || c >= DecelEnd)
        {
            return (0, 760, 0, 21);
        }

        if (c < AccelEnd)
        {
            var f = (c - IdleEnd) / (AccelEnd - IdleEnd);
            var speed = Cruise * f;
            // Four gear changes: rpm climbs within each gear and drops at each shift.
            var inGear = (f * 4) - Math.Floor(f * 4);
            return (speed, 1300 + (1900 * inGear), 45, 72);
        }

        if (c < CruiseEnd)
        {
            return (Cruise, 2150, 18, 34);
        }

        var d = (c - CruiseEnd) / (DecelEnd - CruiseEnd);
        return (Cruise * (1 - d), Math.Max(760, 2000 * (1 - d)), 0, 12);
    }

    public static double DistanceKm(double t)
    {
        if (t <= 0)
        {
            return 0;
        }

        var loops = Math.Floor(t / Period);
        var c = t - (loops * Period);
        double km = 0;
        if (c > IdleEnd)
        {
            var a = Math.Min(c, AccelEnd) - IdleEnd;
            km += Cruise / (AccelEnd - IdleEnd) * a * a / 2 / 3600;
        }

        if (c > AccelEnd)
        {
            km += Cruise * (Math.Min(c, CruiseEnd) - AccelEnd) / 3600;
        }

        if (c > CruiseEnd)
        {
            var b = Math.Min(c, DecelEnd) - CruiseEnd;
            km += ((Cruise * b) - (Cruise / (DecelEnd - CruiseEnd) * b * b / 2)) / 3600;
        }

        return (loops * LoopKm) + km;
    }

    private static double Cycle(double t) => t <= 0 ? 0 : t % Period;
}
