using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using static System.FormattableString;

namespace Pitlane.Diagnostics;

/// <summary>
/// Scores a vehicle's health from its latest scan, telemetry and service history. Pure and deterministic: the same input
/// gives the same assessment. Every point taken off is a <see cref="Finding"/> naming its rule; the rules, their conditions
/// and their caps are the table in README.md.
/// </summary>
public static class HealthEngine
{
    /// <summary>The highest score a vehicle can have with the MIL on and a confirmed critical code.</summary>
    public const int MilCriticalScoreCap = 30;

    // SAE J1979 PIDs the rules read, in their standard units.
    private const byte PidCoolant = 0x05, PidLongTrimBank1 = 0x07, PidLongTrimBank2 = 0x09, PidRpm = 0x0C, PidRunTime = 0x1F, PidModuleVoltage = 0x42;
    private const string SignalCoolant = "05", SignalTrim1 = "07", SignalTrim2 = "09", SignalVoltage = "42", SignalOdometer = "A6";

    // Physical ranges of the J1979 encodings (J1979-DA): values outside cannot come from a real ECU and are ignored.
    private static readonly (double Min, double Max) TrimRange = (-100, 99.2);       // PIDs 06-09: A*100/128 - 100
    private static readonly (double Min, double Max) CoolantRange = (-40, 215);      // PID 05: A - 40
    private static readonly (double Min, double Max) VoltageRange = (0, 65.535);     // PID 42: (256A+B)/1000
    private static readonly (double Min, double Max) RestingRange = (0, 20);
    private static readonly (double Min, double Max) OdometerRange = (0, 429_496_729.5); // PID A6: 4 bytes / 10
    private static readonly (double Min, double Max) MisfireRange = (0, 65_535);     // service 06 test values are 16-bit

    /// <summary>Points off per rule at most, so one noisy signal cannot sink the score on its own.</summary>
    private static readonly Dictionary<string, int> Caps = new(StringComparer.Ordinal)
    {
        ["dtc.severity"] = 60,
        ["mil.on"] = 10,
        ["readiness.incomplete"] = 6,
        ["fueltrim.lean"] = 20,
        ["fueltrim.rich"] = 20,
        ["battery.charging-low"] = 20,
        ["battery.charging-high"] = 10,
        ["battery.resting-low"] = 15,
        ["coolant.overheat"] = 30,
        ["coolant.cold"] = 5,
        ["misfire.counts"] = 25,
        ["fueltrim.drift"] = 10,
        ["battery.falling"] = 10,
        ["coolant.overshoot"] = 15,
        ["maintenance.overdue"] = 15,
    };

    public static HealthAssessment Evaluate(HealthInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = new Run(input);
        run.TroubleCodes();
        run.Mil();
        run.Readiness();
        run.FuelTrims();
        run.Charging();
        run.Resting();
        run.Coolant();
        run.Misfires();
        run.TrimDrift();
        run.BatteryTrend();
        run.CoolantOvershoot();
        var reminders = MaintenancePlanner.Remind(input, run.KmPerDay);
        return run.Finish(reminders);
    }

    private sealed class Run(HealthInput input)
    {
        private static readonly IReadOnlyList<TelemetrySample> None = [];
        private readonly List<Finding> _findings = [];
        private readonly List<Prediction> _predictions = [];
        private readonly ScanFacts? _scan = input.Scan;
        private readonly DateTimeOffset _now = input.Now;

        public double? KmPerDay { get; } = DistanceRate(input);

        public void TroubleCodes()
        {
            if (_scan?.Dtcs is not { Count: > 0 } dtcs) return;
            foreach (var group in dtcs.Where(d => d is not null && !string.IsNullOrWhiteSpace(d.Code))
                         .GroupBy(d => d.Code.Trim().ToUpperInvariant(), StringComparer.Ordinal)
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var code = group.Key;
                var severity = group.Max(d => d.Severity);
                bool confirmed = group.Any(d => d.Kind != DtcKind.Pending);
                bool permanent = group.Any(d => d.Kind == DtcKind.Permanent);
                var kinds = string.Join(", ", group.Select(d => KindName(d.Kind)).Distinct().Order(StringComparer.Ordinal));
                var ecus = string.Join(", ", group.Select(d => d.Ecu).Where(e => !string.IsNullOrEmpty(e)).Distinct().Order(StringComparer.Ordinal));
                var description = group.Select(d => d.Description).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? DescribeSafe(code);
                // Points by severity: a critical code alone takes 30, so with the MIL cap a critical fault always reads as poor.
                int points = severity switch
                {
                    DtcSeverity.Critical => 30,
                    DtcSeverity.High => 15,
                    DtcSeverity.Medium => 8,
                    DtcSeverity.Low => 3,
                    _ => 0,
                };
                // A pending code (service 07) is one failed test, not yet confirmed by a second drive cycle: half weight.
                if (!confirmed) points /= 2;
                var why = (confirmed ? "" : "Pending: seen in one drive cycle, not yet confirmed; it lights the MIL if it comes back. ")
                          + SeverityMeaning(severity)
                          + (permanent ? " A permanent code stays until the ECU has verified the repair itself; an OBD inspection fails while it is set." : "");
                Add("dtc.severity", Map(severity), points, Invariant($"{code} {description} ({kinds}) from {(ecus.Length == 0 ? "an unnamed ECU" : ecus)}"), why, [code]);
            }
        }

        public void Mil()
        {
            if (_scan is null || !_scan.MilOn) return;
            var ecus = string.Join(", ", (_scan.Readiness ?? []).Where(r => r is { MilOn: true }).Select(r => r.Ecu).Distinct().Order(StringComparer.Ordinal));
            Add("mil.on", Severity.High, 10,
                ecus.Length == 0 ? "Malfunction indicator lamp (check-engine light) is on" : $"Malfunction indicator lamp (check-engine light) is on, commanded by {ecus}",
                "The engine computer has confirmed an emissions-related fault (SAE J1979 PID 01 bit A7). While it is lit, a new fault cannot light it again, so later faults go unnoticed.",
                []);
        }

        public void Readiness()
        {
            if (_scan?.Readiness is not { Count: > 0 } readiness) return;
            var incomplete = readiness.Where(r => r?.Monitors is not null)
                .SelectMany(r => r.Monitors)
                .Where(m => m is { Supported: true, Complete: false } && !string.IsNullOrEmpty(m.Name))
                .Select(m => m.Name)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (incomplete.Count == 0) return;
            // US EPA I/M OBD inspection (40 CFR 85.2222 and the EPA OBD I/M guidance): model year 2001+ may have at most one
            // unset monitor, 1996-2000 two; more and the car is rejected. Monitors reset when codes are cleared or the battery
            // is disconnected, so incomplete monitors also hide whether a fault was repaired or only erased.
            foreach (var name in incomplete)
            {
                Add("readiness.incomplete", Severity.Low, 2, $"Readiness monitor '{name}' has not completed",
                    "An incomplete monitor has not yet tested its system since codes were cleared; an emissions inspection rejects a car with more than one (MY2001+), and a fault there would not show yet.",
                    []);
            }
        }

        public void FuelTrims()
        {
            // SAE J1979 PIDs 07/09, long-term fuel trim: the ECU's learned correction. Beyond ±10 % is worth a look; most ECUs
            // set P0171/P0174 (lean) or P0172/P0175 (rich) near ±20-25 %, so beyond ±20 % is a fault.
            Trim(1, PidLongTrimBank1, SignalTrim1);
            Trim(2, PidLongTrimBank2, SignalTrim2);
        }

        private void Trim(int bank, byte pid, string signal)
        {
            if (Current(pid, signal, TrimRange) is not { } trim) return;
            double magnitude = Math.Abs(trim);
            if (magnitude <= 10) return;
            bool lean = trim > 0;
            bool fault = magnitude > 20;
            var rule = lean ? "fueltrim.lean" : "fueltrim.rich";
            var seen = Invariant($"Long-term fuel trim bank {bank} (PID {pid:X2}) at {trim:+0.0;-0.0} %");
            var why = lean
                ? "The engine computer is adding fuel to make up for unmetered air or low fuel delivery: a vacuum leak, a dirty or failing MAF sensor, weak fuel pressure or clogged injectors. "
                : "The engine computer is removing fuel: a leaking injector, high fuel pressure, a saturated EVAP purge, or a MAF or oxygen sensor reading wrong. ";
            why += fault ? "Beyond ±20 % the ECU runs out of correction range and sets a fuel-system code." : "Beyond ±10 % is outside normal adaptation.";
            Add(rule, fault ? Severity.High : Severity.Medium, fault ? 15 : 5, seen, why, []);
        }

        public void Charging()
        {
            // Only judge charging with the engine known to be running (PID 0C at or above 400 rpm; idle is 600-900 rpm):
            // with the engine off, the same pin reads the battery, not the alternator.
            if (Live(PidRpm, (0, 16_383.75)) is not { } rpm || rpm < 400) return;
            double? volts = Live(PidModuleVoltage, VoltageRange);
            string source = "control module voltage (PID 42)";
            if (volts is null && _scan?.AdapterVoltage is { } adapter && double.IsFinite(adapter) && adapter is >= 0 and <= 65.535)
            {
                volts = adapter;
                source = "voltage at OBD pin 16 (ATRV)";
            }
            if (volts is not { } v) return;
            // A working alternator holds 13.5-14.8 V at idle (typical regulator set points; battery and alternator makers
            // such as Bosch and Interstate quote this band). Below the battery's own open-circuit 12.7 V nothing is charging.
            if (v < 13.5)
            {
                bool notCharging = v < 12.7;
                Add("battery.charging-low", notCharging ? Severity.High : Severity.Medium, notCharging ? 20 : 10,
                    Invariant($"Charging voltage {v:0.00} V at {rpm:0} rpm, {source}; expected 13.5-14.8 V"),
                    notCharging
                        ? "Below a full battery's 12.7 V the alternator is not charging at all: the car is running on the battery and will stop when it is flat."
                        : "The alternator is undercharging: a slipping belt, a worn alternator or regulator, or a poor connection. The battery slowly runs down.",
                    []);
            }
            else if (v > 14.8)
            {
                Add("battery.charging-high", Severity.Medium, 10,
                    Invariant($"Charging voltage {v:0.00} V at {rpm:0} rpm, {source}; expected 13.5-14.8 V"),
                    "Overcharging gasses and dries a lead-acid battery and stresses electronics: usually a failed voltage regulator.",
                    []);
            }
        }

        public void Resting()
        {
            // The newest reading not in the future; one older than 30 days says little about the battery today.
            var samples = Trends.Between(Trends.Clean(input.RestingBattery, RestingRange.Min, RestingRange.Max), _now.AddDays(-30), _now.AddDays(1));
            if (samples.IsEmpty) return;
            var latest = samples[^1];
            double v = latest.Value;
            // Open-circuit voltage of a settled lead-acid battery (BCI; Battery University BU-903): 12.6 V+ ≈ 100 %,
            // 12.4 V ≈ 75 %, 12.2 V ≈ 50 %, 12.0 V ≈ 25 %. Below 12.4 V it needs charging; below 12.0 V it is discharged
            // and sulfating, and may not crank the engine in the cold.
            if (v >= 12.4) return;
            bool discharged = v < 12.0;
            Add("battery.resting-low", discharged ? Severity.High : Severity.Medium, discharged ? 15 : 8,
                Invariant($"Resting battery voltage {v:0.00} V on {latest.At:yyyy-MM-dd}; a healthy battery rests at 12.4 V or more"),
                discharged
                    ? "About a quarter charged or less: sulfation sets in and the engine may not start, especially in the cold."
                    : "Below about 75 % charge at rest: the battery is ageing, the car is driven too little to recharge it, or something drains it while parked.",
                []);
        }

        public void Coolant()
        {
            if (Current(PidCoolant, SignalCoolant, CoolantRange) is { } c && c > 105)
            {
                // Normal operating temperature is about 85-105 °C (thermostats open at 82-95 °C; pressurised 50/50 coolant
                // boils near 125 °C). Above 115 °C most ECUs set P0217 and head gaskets are at risk.
                bool critical = c >= 115;
                Add("coolant.overheat", critical ? Severity.Critical : Severity.High, critical ? 30 : 15,
                    Invariant($"Coolant temperature {c:0} °C (PID 05); normal is 85-105 °C"),
                    critical
                        ? "The engine is overheating: stop as soon as it is safe. Running hot warps the cylinder head and blows the head gasket."
                        : "Above the normal range: low coolant, a sticking thermostat, a failing fan or water pump, or a blocked radiator.",
                    []);
            }

            // P0128 logic (SAE J2012 "coolant below thermostat regulating temperature"): after 15 minutes of running a
            // healthy engine is well above 70 °C; staying below points to a thermostat stuck open.
            if (Live(PidRunTime, (0, 65_535)) is { } runTime && runTime >= 900
                && Live(PidCoolant, CoolantRange) is { } cold && cold < 70)
            {
                Add("coolant.cold", Severity.Low, 5,
                    Invariant($"Coolant only {cold:0} °C after {runTime / 60:0} minutes of running"),
                    "The engine does not reach operating temperature: usually a thermostat stuck open. Fuel consumption and wear rise, and the heater is weak.",
                    []);
            }
        }

        public void Misfires()
        {
            var counts = new SortedDictionary<int, double>();
            foreach (var m in input.MisfireCounts ?? [])
            {
                if (m is not null && m.Cylinder is >= 1 and <= 12 && double.IsFinite(m.Count) && m.Count >= MisfireRange.Min && m.Count <= MisfireRange.Max)
                    counts[m.Cylinder] = m.Count;
            }
            if (counts.Count == 0)
            {
                for (int cyl = 1; cyl <= 12; cyl++)
                {
                    if (Recent(Invariant($"misfire.cyl{cyl}"), MisfireRange) is { } n) counts[cyl] = n;
                }
            }
            if (counts.Count == 0) return;

            // SAE J1979 service 06 OBDMID A2-AD report misfires per cylinder for the current cycle. There is no universal
            // count limit (the ECU judges a percentage of firings per 1,000 revolutions, CARB 13 CCR 1968.2(e)(3)), so this
            // rule looks for a cylinder that stands out: 10 or more counts and at least three times the median of all
            // cylinders; 100 or more counts in one cycle is a clear fault. Equal high counts on every cylinder are random misfire.
            var values = counts.Values.Order().ToArray();
            double median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
            bool flagged = false;
            foreach (var (cylinder, count) in counts)
            {
                if (count < 10 || (counts.Count > 1 && count < 3 * median)) continue;
                flagged = true;
                bool heavy = count >= 100;
                Add("misfire.counts", heavy ? Severity.High : Severity.Medium, heavy ? 20 : 10,
                    Invariant($"Cylinder {cylinder}: {count:0} misfire counts this drive cycle (median of {counts.Count} cylinders {median:0.#})"),
                    "A misfiring cylinder dumps unburnt fuel into the exhaust, which overheats and ruins the catalytic converter, and the engine runs rough. Usual causes: spark plug, ignition coil, injector, or low compression on that cylinder.",
                    []);
                _findings[^1] = _findings[^1] with { Cylinder = cylinder };
            }
            if (!flagged && counts.Count > 1 && median >= 10)
            {
                bool heavy = median >= 100;
                Add("misfire.counts", heavy ? Severity.High : Severity.Medium, heavy ? 20 : 10,
                    Invariant($"Misfires on all {counts.Count} cylinders, median {median:0.#} counts this drive cycle"),
                    "Misfire spread over every cylinder points to a shared cause: worn plugs, a vacuum leak, low fuel pressure, or a timing fault.",
                    []);
            }
        }

        public void TrimDrift()
        {
            DriftOf(SignalTrim1, 1);
            DriftOf(SignalTrim2, 2);
        }

        private void DriftOf(string signal, int bank)
        {
            // Window: the last 90 days. A healthy engine's long-term trim stays within a few percent for months; a steady
            // move of 2 points per 30 days (with the line explaining at least 30 % of the variance, so noise does not count)
            // is a developing leak or a sensor ageing. Pitlane's thresholds, not a standard.
            var fit = Window(signal, TrimRange, TimeSpan.FromDays(90), minSamples: 10, minSpanDays: 3);
            if (fit is null || fit.RSquared < 0.3 || Math.Abs(fit.SlopePer30Days) < 2) return;
            double limit = fit.SlopePerDay > 0 ? 20 : -20;
            double? days = Math.Abs(fit.Current) < 20 ? Trends.DaysUntil(fit, limit) : null;
            bool soon = days is <= 90;
            var rate = fit.SlopePer1000Km is { } perKm ? Invariant($", {perKm:+0.00;-0.00} points per 1,000 km") : "";
            Add("fueltrim.drift", soon ? Severity.Medium : Severity.Low, soon ? 8 : 5,
                Invariant($"Long-term fuel trim bank {bank} drifting {fit.SlopePer30Days:+0.0;-0.0} points per 30 days{rate}, now {fit.Current:+0.0;-0.0} % ({fit.SampleCount} samples, {fit.From:yyyy-MM-dd} to {fit.To:yyyy-MM-dd}, R² {fit.RSquared:0.00})"),
                fit.SlopePerDay > 0
                    ? "A steady rise means the ECU adds more and more fuel: a growing vacuum leak, a MAF sensor going dirty, or a weakening fuel pump."
                    : "A steady fall means the ECU removes more and more fuel: a leaking injector or rising fuel pressure.",
                [], fit);
            if (days is { } d && d <= 365) Predict("fueltrim.drift", Invariant($"Long-term fuel trim bank {bank} reaches {limit:+0;-0} % (fuel-system code)"), d, limit, fit);
        }

        public void BatteryTrend()
        {
            var resting = Trends.Clean(input.RestingBattery, RestingRange.Min, RestingRange.Max);
            string signal = "resting battery";
            TelemetrySample[] series;
            if (resting.Length >= 5)
            {
                series = resting;
            }
            else
            {
                // Without explicit resting readings, PID 42 samples under 13.0 V stand in: a charging alternator holds at least
                // 13.5 V, and a full battery's surface charge fades below 13.0 V, so lower readings are the battery alone.
                series = Trends.Clean(Series(SignalVoltage), VoltageRange.Min, 13.0 - 1e-9);
                signal = "PID 42 below 13.0 V";
            }
            var fit = FitWindow(signal, series, TimeSpan.FromDays(180), minSamples: 5, minSpanDays: 7);
            // A sound battery's resting voltage is flat from week to week; losing 0.05 V per 30 days is about 5 % of charge
            // capacity a month (BCI open-circuit table: 0.2 V ≈ 25 %) — ageing or a parasitic drain. As for trims, the line must
            // explain at least 30 % of the variance, so day-to-day scatter (temperature, surface charge) does not count.
            if (fit is null || fit.RSquared < 0.3 || fit.SlopePer30Days > -0.05) return;
            double? days = fit.Current > 12.0 ? Trends.DaysUntil(fit, 12.0) : null;
            bool soon = days is <= 90 || fit.Current <= 12.0;
            Add("battery.falling", soon ? Severity.Medium : Severity.Low, soon ? 10 : 5,
                Invariant($"Resting battery voltage falling {fit.SlopePer30Days:0.00} V per 30 days, now {fit.Current:0.00} V ({fit.SampleCount} samples of {signal}, {fit.From:yyyy-MM-dd} to {fit.To:yyyy-MM-dd})"),
                "A battery that holds less charge each week is sulfating or ageing, or something drains it while parked; it ends in a no-start.",
                [], fit);
            if (days is { } d && d <= 365) Predict("battery.falling", "Resting battery voltage falls below 12.0 V (about 25 % charge; starting problems)", d, 12.0, fit);
        }

        public void CoolantOvershoot()
        {
            var samples = Trends.Between(Trends.Clean(Series(SignalCoolant), CoolantRange.Min, CoolantRange.Max), _now.AddDays(-30), _now);
            if (samples.IsEmpty) return;
            // An overshoot event: coolant above the 105 °C top of the normal band; it ends when it comes back under 100 °C,
            // so noise around the threshold counts once.
            int events = 0;
            bool above = false;
            double peak = double.NegativeInfinity;
            foreach (var s in samples)
            {
                if (!above && s.Value > 105)
                {
                    above = true;
                    events++;
                }
                else if (above && s.Value < 100)
                {
                    above = false;
                }
                peak = Math.Max(peak, s.Value);
            }
            if (events == 0) return;
            bool serious = events >= 3 || peak >= 115;
            Add("coolant.overshoot", serious ? Severity.High : Severity.Medium, Math.Min(15, 5 * events),
                Invariant($"Coolant went above 105 °C {events} time(s) in the last 30 days, peak {peak:0} °C ({samples.Length} samples, {samples[0].At:yyyy-MM-dd} to {samples[^1].At:yyyy-MM-dd})"),
                "Repeated excursions above the normal band mean the cooling system cannot keep up under load: low coolant or a small leak, a tired water pump or fan, or a thermostat that opens late.",
                []);
        }

        public HealthAssessment Finish(IReadOnlyList<MaintenanceReminder> reminders)
        {
            Overdue(reminders);
            // Per-rule caps: the largest findings keep their points, later ones give up what exceeds the cap.
            var capped = new List<Finding>(_findings.Count);
            foreach (var group in _findings.GroupBy(f => f.Rule, StringComparer.Ordinal))
            {
                int left = Caps.GetValueOrDefault(group.Key, int.MaxValue);
                foreach (var f in group.OrderByDescending(f => f.Points))
                {
                    int points = Math.Min(f.Points, left);
                    left -= points;
                    capped.Add(f with { Points = points });
                }
            }

            int score = Math.Max(0, 100 - capped.Sum(f => f.Points));
            var critical = (_scan?.Dtcs ?? []).Where(d => d is not null && !string.IsNullOrWhiteSpace(d.Code) && d.Severity == DtcSeverity.Critical && d.Kind != DtcKind.Pending)
                .Select(d => d.Code.Trim().ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
            if (_scan is { MilOn: true } && critical.Count > 0 && score > MilCriticalScoreCap)
            {
                // The cap: whatever else looks fine, a lit MIL over a critical fault is not a healthy car.
                capped.Add(new Finding("mil.critical", Severity.Critical,
                    $"MIL on with critical code(s) {string.Join(", ", critical)}",
                    Invariant($"A critical fault is confirmed and the check-engine light is on: the score is held at {MilCriticalScoreCap} or below until it is repaired."),
                    score - MilCriticalScoreCap,
                    critical));
                score = MilCriticalScoreCap;
            }

            var findings = capped
                .OrderByDescending(f => f.Severity)
                .ThenByDescending(f => f.Points)
                .ThenBy(f => f.Rule, StringComparer.Ordinal)
                .ThenBy(f => f.Seen, StringComparer.Ordinal)
                .ToList();
            var predictions = _predictions.OrderBy(p => p.WithinDays).ThenBy(p => p.Rule, StringComparer.Ordinal).ThenBy(p => p.Text, StringComparer.Ordinal).ToList();
            return new HealthAssessment(score, findings, reminders, predictions);
        }

        /// <summary>
        /// Each overdue schedule item takes 5 points (at most 15): a car past its oil change is not a 100/100 car, whether or
        /// not a scan has been run. Due-soon and unknown items take nothing.
        /// </summary>
        private void Overdue(IReadOnlyList<MaintenanceReminder> reminders)
        {
            foreach (var r in reminders.Where(r => r.Urgency == ReminderUrgency.Overdue))
            {
                var past = new List<string>(2);
                if (r.RemainingKm is < 0 and var km) past.Add(Invariant($"{-km:N0} km"));
                if (r.RemainingDays is < 0 and var days) past.Add(Invariant($"{-days:N0} days"));
                Add("maintenance.overdue", Severity.Medium, 5,
                    past.Count == 0 ? $"{r.Name}: service overdue" : $"{r.Name}: service overdue by {string.Join(" and ", past)}",
                    "Service items past their interval wear the car faster: old oil and fluids protect less, and a worn part fails without warning.",
                    []);
            }
        }

        private Finding Add(string rule, Severity severity, int points, string seen, string why, IReadOnlyList<string> codes, TrendFit? trend = null)
        {
            var finding = new Finding(rule, severity, seen, why, points, codes) { Trend = trend };
            _findings.Add(finding);
            return finding;
        }

        private void Predict(string rule, string what, double days, double threshold, TrendFit fit)
        {
            // Rounded before the ceiling so floating-point dust (129.9999999 or 130.0000001) does not move a whole day.
            int withinDays = (int)Math.Ceiling(Math.Round(days, 6));
            int? withinKm = KmPerDay is { } rate ? (int)Math.Min(int.MaxValue, Math.Ceiling(Math.Round(days * rate, 3))) : null;
            var distance = withinKm is { } km ? Invariant($" (about {km:N0} km at {KmPerDay:0} km/day)") : "";
            var text = Invariant($"{what}: likely within {withinDays} days{distance}. Rule {rule}: straight-line fit of {fit.SampleCount} samples from {fit.From:yyyy-MM-dd} to {fit.To:yyyy-MM-dd}, slope {fit.SlopePer30Days:+0.000;-0.000} per 30 days, now {fit.Current:0.00}.");
            _predictions.Add(new Prediction(rule, text, withinDays, withinKm, threshold, fit));
        }

        /// <summary>A value of the scan's live snapshot, from the first ECU that reported it in range.</summary>
        private double? Live(byte pid, (double Min, double Max) range)
        {
            foreach (var v in _scan?.LiveValues ?? [])
            {
                if (v is not null && v.Pid == pid && double.IsFinite(v.Value) && v.Value >= range.Min && v.Value <= range.Max) return v.Value;
            }
            return null;
        }

        /// <summary>The scan's live value, else the median of the newest telemetry of the last 24 hours.</summary>
        private double? Current(byte pid, string signal, (double Min, double Max) range) => Live(pid, range) ?? Recent(signal, range);

        private double? Recent(string signal, (double Min, double Max) range)
        {
            var recent = Trends.Between(Trends.Clean(Series(signal), range.Min, range.Max), _now.AddDays(-1), _now.AddMinutes(5));
            if (recent.IsEmpty) return null;
            Span<double> newest = stackalloc double[Math.Min(5, recent.Length)];
            for (int i = 0; i < newest.Length; i++) newest[i] = recent[recent.Length - newest.Length + i].Value;
            newest.Sort();
            return newest.Length % 2 == 1 ? newest[newest.Length / 2] : (newest[(newest.Length / 2) - 1] + newest[newest.Length / 2]) / 2;
        }

        private IReadOnlyList<TelemetrySample> Series(string signal) =>
            input.Telemetry is not null && input.Telemetry.TryGetValue(signal, out var s) && s is not null ? s : None;

        private TrendFit? Window(string signal, (double Min, double Max) range, TimeSpan window, int minSamples, double minSpanDays) =>
            FitWindow(signal, Trends.Clean(Series(signal), range.Min, range.Max), window, minSamples, minSpanDays);

        private TrendFit? FitWindow(string signal, TelemetrySample[] sorted, TimeSpan window, int minSamples, double minSpanDays)
        {
            var inWindow = Trends.Between(sorted, _now - window, _now);
            if (inWindow.Length < minSamples || Trends.Days(inWindow[^1].At, inWindow[0].At) < minSpanDays) return null;
            return Trends.Fit(signal, inWindow, minSamples, KmPerDay);
        }

        /// <summary>Kilometres per day from the odometer series (PID A6) over the last 90 days; null without a usable rise.</summary>
        private static double? DistanceRate(HealthInput input)
        {
            if (input.Telemetry is null || !input.Telemetry.TryGetValue(SignalOdometer, out var odo) || odo is null) return null;
            var samples = Trends.Between(Trends.Clean(odo, OdometerRange.Min, OdometerRange.Max), input.Now.AddDays(-90), input.Now);
            if (samples.Length < 2 || Trends.Days(samples[^1].At, samples[0].At) < 1) return null;
            var fit = Trends.Fit(SignalOdometer, samples, 2, null);
            // More than 2,000 km a day is not a car being driven; it is a bad odometer reading.
            return fit is { SlopePerDay: > 0.1 and < 2_000 } ? fit.SlopePerDay : null;
        }

        private static string DescribeSafe(string code) =>
            TroubleCode.TryParse(code, out var parsed) ? DtcKnowledge.Describe(parsed).Description : "unrecognised code";
    }

    internal static Severity Map(DtcSeverity severity) => severity switch
    {
        DtcSeverity.Critical => Severity.Critical,
        DtcSeverity.High => Severity.High,
        DtcSeverity.Medium => Severity.Medium,
        DtcSeverity.Low => Severity.Low,
        _ => Severity.Info,
    };

    private static string KindName(DtcKind kind) => kind switch
    {
        DtcKind.Stored => "stored",
        DtcKind.Pending => "pending",
        _ => "permanent",
    };

    private static string SeverityMeaning(DtcSeverity severity) => severity switch
    {
        DtcSeverity.Critical => "Rated critical: a fault that can damage the engine or make the car unsafe to drive.",
        DtcSeverity.High => "Rated high: a fault that affects how the car runs or its emissions and can cause further damage if left.",
        DtcSeverity.Medium => "Rated medium: a fault to repair at the next opportunity; it raises emissions or fuel use.",
        DtcSeverity.Low => "Rated low: a minor fault with little effect on driving.",
        _ => "Informational.",
    };
}
