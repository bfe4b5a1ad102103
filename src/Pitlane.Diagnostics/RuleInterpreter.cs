using System.Text;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using static System.FormattableString;

namespace Pitlane.Diagnostics;

public enum RecommendationUrgency
{
    /// <summary>Stop driving or repair today.</summary>
    Immediate,

    /// <summary>Within days.</summary>
    Soon,

    /// <summary>At the next service or within weeks.</summary>
    Scheduled,

    /// <summary>Nothing to repair yet; watch it.</summary>
    Monitor,
}

/// <param name="Codes">Trouble codes it addresses.</param>
/// <param name="LaborOperation">Key into the shop's labor-time table for a cost estimate, e.g. "ignition.coil.replace"; null when there is no repair to price.</param>
public sealed record Recommendation(string Title, string Why, RecommendationUrgency Urgency, IReadOnlyList<string> Codes, string? LaborOperation);

/// <param name="Source">What produced it: "rules" for <see cref="RuleInterpreter"/>; the AI gateway names its model.</param>
public sealed record Interpretation(string Summary, IReadOnlyList<Recommendation> Recommendations, string Source);

/// <summary>
/// The offline, deterministic interpreter: turns a scan and its <see cref="HealthAssessment"/> into a plain-language summary
/// and prioritised recommendations, from per-family workshop knowledge and, for other codes, the DTC knowledge base.
/// The same input always gives the same text.
/// </summary>
public static class RuleInterpreter
{
    public const string Source = "rules";

    public static Interpretation Interpret(HealthInput input, HealthAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(assessment);
        var codes = Codes(input.Scan);
        var builder = new Builder(codes, assessment);
        builder.Misfires();
        builder.Mixture();
        builder.Catalyst();
        builder.Cooling();
        builder.Electrical();
        builder.Network();
        builder.OtherCodes();
        builder.Readiness();
        builder.Maintenance();
        var recommendations = builder.Ordered();
        return new Interpretation(Summary(input, assessment, codes, recommendations), recommendations, Source);
    }

    /// <param name="SetWhen">The freeze frame the code stored (SAE J1979 service 02), as text; empty without one.</param>
    private sealed record Code(string Text, string Description, DtcSeverity Severity, string System, bool Pending, IReadOnlyList<string> Ecus, string SetWhen);

    // The freeze-frame values a technician reads first: speed and load say how the car was driven, coolant whether it was warm, trims the mixture.
    private static readonly byte[] FreezeFramePids = [0x0C, 0x0D, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09];

    private static string FreezeFrameText(ScanFacts? scan, string code)
    {
        var frame = (scan?.FreezeFrames ?? []).FirstOrDefault(f => f?.Trigger is { } t && string.Equals(t.ToString(), code, StringComparison.Ordinal) && f.Values is not null);
        if (frame is null) return "";
        var values = FreezeFramePids
            .Select(pid => frame.Values.FirstOrDefault(v => v is not null && v.Pid == pid && double.IsFinite(v.Value) && Math.Abs(v.Value) < 1e6))
            .OfType<LiveValue>()
            .Select(v => Invariant($"{v.Name.ToLowerInvariant()} {v.Value:0.#} {v.Unit}").TrimEnd())
            .ToList();
        return values.Count == 0 ? "" : "recorded when it set: " + string.Join(", ", values);
    }

    private static List<Code> Codes(ScanFacts? scan) =>
        (scan?.Dtcs ?? [])
            .Where(d => d is not null && !string.IsNullOrWhiteSpace(d.Code))
            .GroupBy(d => d.Code.Trim().ToUpperInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var known = TroubleCode.TryParse(g.Key, out var parsed) ? DtcKnowledge.Describe(parsed) : null;
                var description = g.Select(d => d.Description).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? known?.Description ?? "unrecognised code";
                var system = g.Select(d => d.System).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? known?.System ?? "Unknown system";
                return new Code(g.Key, description, g.Max(d => d.Severity), system, g.All(d => d.Kind == DtcKind.Pending),
                    [.. g.Select(d => d.Ecu).Where(e => !string.IsNullOrEmpty(e)).Distinct().Order(StringComparer.Ordinal)],
                    FreezeFrameText(scan, g.Key));
            })
            .ToList();

    private sealed class Builder(List<Code> codes, HealthAssessment assessment)
    {
        private readonly List<(Recommendation Item, Severity Severity)> _items = [];
        private readonly HashSet<string> _handled = new(StringComparer.Ordinal);

        private IEnumerable<Finding> Findings(string rule) => assessment.Findings.Where(f => f.Rule == rule);

        private List<Code> Take(Func<string, bool> match)
        {
            var taken = codes.Where(c => match(c.Text)).ToList();
            foreach (var c in taken) _handled.Add(c.Text);
            return taken;
        }

        private void Add(string title, string why, RecommendationUrgency urgency, IEnumerable<Code> related, string? labor, Severity severity) =>
            _items.Add((new Recommendation(title, why, urgency, [.. related.Select(c => c.Text)], labor), severity));

        public void Misfires()
        {
            // SAE J2012: P0300 random/multiple cylinder misfire, P0301-P0312 the cylinder named by the last two digits.
            var misfire = Take(c => c.Length == 5 && c.StartsWith("P03", StringComparison.Ordinal) && int.TryParse(c.AsSpan(3), out var n) && n is >= 0 and <= 12);
            var cylinders = new SortedSet<int>(misfire.Select(c => int.Parse(c.Text.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture)).Where(n => n > 0));
            foreach (var f in Findings("misfire.counts"))
            {
                if (f.Cylinder is { } cyl) cylinders.Add(cyl);
            }
            var counts = Findings("misfire.counts").ToList();
            if (misfire.Count == 0 && counts.Count == 0) return;

            // Plugs past or near their interval are the cheapest likely cause; otherwise the coil, which a swap test proves.
            bool plugsDue = assessment.Reminders.Any(r => r.Key == "spark-plugs" && r.Urgency is ReminderUrgency.Overdue or ReminderUrgency.DueSoon);
            var severity = Max(misfire, counts);
            var evidence = Evidence(misfire, counts);
            foreach (int cylinder in cylinders)
            {
                var related = misfire.Where(c => c.Text == "P0300" || c.Text == Invariant($"P03{cylinder:00}")).ToList();
                Add(Invariant($"Misfire on cylinder {cylinder}: check spark plug, ignition coil, injector and compression"),
                    Invariant($"{evidence}Swap the cylinder {cylinder} ignition coil with a neighbour's: if the misfire follows the coil, replace the coil; if not, inspect the cylinder {cylinder} spark plug, then run an injector balance test, then a compression test. Driving on a misfire overheats the catalytic converter."),
                    RecommendationUrgency.Soon, related, plugsDue ? "spark-plugs.replace" : "ignition.coil.replace", severity);
            }
            if (cylinders.Count == 0)
            {
                Add("Random misfire on several cylinders: check spark plugs, vacuum leaks and fuel pressure",
                    $"{evidence}No single cylinder is named, so look for a shared cause: worn spark plugs, a vacuum leak, low fuel pressure or a dirty MAF sensor; a compression test if those are fine. Driving on a misfire overheats the catalytic converter.",
                    RecommendationUrgency.Soon, misfire, "spark-plugs.replace", severity);
            }
        }

        public void Mixture()
        {
            var lean = Take(c => c is "P0171" or "P0174");
            var leanFindings = Findings("fueltrim.lean").Concat(Findings("fueltrim.drift").Where(f => f.Trend is { SlopePerDay: > 0 })).ToList();
            if (lean.Count > 0 || leanFindings.Count > 0)
            {
                bool both = lean.Count == 2 || Findings("fueltrim.lean").Count() >= 2;
                var where = both
                    ? "Both banks read lean, so the cause is common to the engine: a leak at the intake manifold, PCV or brake-booster hose, a dirty or failing MAF sensor, or low fuel pressure. "
                    : "Likely causes: a vacuum leak (intake gasket, PCV or brake-booster hose), a dirty or failing MAF sensor, or low fuel pressure. ";
                Add("Lean mixture: smoke-test the intake for vacuum leaks, check the MAF sensor and fuel pressure",
                    Evidence(lean, leanFindings) + where + "Smoke-test the intake, compare MAF g/s at idle with the engine's expected airflow, and measure fuel pressure against specification. A lean engine runs hot and can misfire.",
                    lean.Count > 0 || leanFindings.Any(f => f.Severity >= Severity.High) ? RecommendationUrgency.Soon : RecommendationUrgency.Scheduled,
                    lean, "intake.smoke-test", Max(lean, leanFindings));
            }

            var rich = Take(c => c is "P0172" or "P0175");
            var richFindings = Findings("fueltrim.rich").Concat(Findings("fueltrim.drift").Where(f => f.Trend is { SlopePerDay: < 0 })).ToList();
            if (rich.Count > 0 || richFindings.Count > 0)
            {
                Add("Rich mixture: check fuel pressure, injectors and the EVAP purge valve",
                    Evidence(rich, richFindings) + "Likely causes: fuel pressure too high (regulator), a leaking injector, an EVAP purge valve stuck open, or a MAF or upstream oxygen sensor misreading. A rich engine fouls plugs and damages the catalytic converter.",
                    rich.Count > 0 || richFindings.Any(f => f.Severity >= Severity.High) ? RecommendationUrgency.Soon : RecommendationUrgency.Scheduled,
                    rich, "fuel-injectors.test", Max(rich, richFindings));
            }
        }

        public void Catalyst()
        {
            // P0420 bank 1, P0430 bank 2: the downstream sensor sees the upstream switching, so oxygen storage is low.
            var cat = Take(c => c is "P0420" or "P0430");
            if (cat.Count == 0) return;
            Add("Catalyst efficiency low: check for exhaust leaks and test the downstream oxygen sensor before replacing the catalyst",
                Evidence(cat, []) + "An exhaust leak ahead of the rear sensor or a lazy downstream oxygen sensor gives the same code as a worn catalyst and costs far less; repair any misfire or fuel-trim fault first, because they destroy catalysts.",
                RecommendationUrgency.Scheduled, cat, "o2-sensor.replace", Max(cat, []));
        }

        public void Cooling()
        {
            var hot = Take(c => c is "P0217");
            var hotFindings = Findings("coolant.overheat").Concat(Findings("coolant.overshoot")).ToList();
            if (hot.Count > 0 || hotFindings.Count > 0)
            {
                bool now = hot.Count > 0 || Findings("coolant.overheat").Any();
                Add(now ? "Engine overheating: stop driving, then pressure-test the cooling system" : "Coolant temperature overshoots: pressure-test the cooling system",
                    Evidence(hot, hotFindings) + "With the engine cold, check the coolant level and look for leaks; then pressure-test the system and cap, check that the radiator fan runs, and check the water pump and thermostat. Overheating warps the cylinder head and blows the head gasket.",
                    now ? RecommendationUrgency.Immediate : RecommendationUrgency.Soon, hot, "cooling-system.pressure-test", Max(hot, hotFindings));
            }

            var cold = Take(c => c is "P0128");
            var coldFindings = Findings("coolant.cold").ToList();
            if (cold.Count > 0 || coldFindings.Count > 0)
            {
                Add("Engine runs cold: replace the thermostat",
                    Evidence(cold, coldFindings) + "The coolant stays below the thermostat's regulating temperature, almost always a thermostat stuck open (check the coolant temperature sensor reading against an infrared thermometer first). It raises fuel consumption and keeps the heater weak.",
                    RecommendationUrgency.Scheduled, cold, "thermostat.replace", Max(cold, coldFindings));
            }
        }

        public void Electrical()
        {
            // P0562 system voltage low; P0563 high.
            var voltage = Take(c => c is "P0562" or "P0563");
            var battery = Findings("battery.charging-low").Concat(Findings("battery.charging-high"))
                .Concat(Findings("battery.resting-low")).Concat(Findings("battery.falling")).ToList();
            if (voltage.Count == 0 && battery.Count == 0) return;
            bool charging = voltage.Count > 0 || battery.Any(f => f.Rule.StartsWith("battery.charging", StringComparison.Ordinal));
            Add(charging ? "Test the battery and charging system" : "Test and charge the battery",
                Evidence(voltage, battery) + (charging
                    ? "Load-test the battery, then measure the alternator output at idle and at 2,000 rpm with loads on (13.5-14.8 V expected), and check the drive belt, the battery terminals and the engine ground strap."
                    : "Charge it fully and load-test it; if it is healthy, measure the parked current draw for a parasitic drain (typically under 50 mA once modules sleep)."),
                battery.Any(f => f.Severity >= Severity.High) || voltage.Count > 0 ? RecommendationUrgency.Soon : RecommendationUrgency.Scheduled,
                voltage, "battery.test", Max(voltage, battery));
        }

        public void Network()
        {
            // U0100: lost communication with ECM/PCM "A" (SAE J2012), reported by the modules that stopped hearing it.
            var lost = Take(c => c is "U0100");
            if (lost.Count == 0) return;
            var reporters = string.Join(", ", lost.SelectMany(c => c.Ecus).Distinct().Order(StringComparer.Ordinal));
            Add("Lost communication with the engine module: check its power, grounds and the CAN wiring",
                Evidence(lost, []) + (reporters.Length > 0 ? $"Reported by {reporters}. " : "")
                    + "Check the engine module's fuses, power and ground, the connectors, and the CAN bus (about 60 Ω between OBD pins 6 and 14 with the battery disconnected); a low battery voltage during cranking also causes it.",
                RecommendationUrgency.Soon, lost, "can-bus.diagnose", Max(lost, []));
        }

        public void OtherCodes()
        {
            foreach (var code in codes.Where(c => !_handled.Contains(c.Text)))
            {
                var severity = HealthEngine.Map(code.Severity);
                Add($"{code.Text}: {code.Description}",
                    Evidence([code], []) + $"A {code.System.ToLowerInvariant()} fault rated {code.Severity.ToString().ToLowerInvariant()} in the trouble code database; diagnose with the manufacturer's procedure for {code.Text} before replacing parts.",
                    code.Pending ? RecommendationUrgency.Monitor : UrgencyOf(severity), [code], "diagnosis." + Slug(code.System), severity);
            }
        }

        public void Readiness()
        {
            var incomplete = Findings("readiness.incomplete").ToList();
            if (incomplete.Count == 0) return;
            Add("Complete a drive cycle before an emissions inspection",
                Evidence([], incomplete) + "Drive mixed city and highway for several days so the monitors run; an inspection rejects a car with more than one incomplete monitor (model year 2001 and later).",
                RecommendationUrgency.Monitor, [], null, Severity.Low);
        }

        public void Maintenance()
        {
            foreach (var r in assessment.Reminders.Where(r => r.Urgency is ReminderUrgency.Overdue or ReminderUrgency.DueSoon))
            {
                bool overdue = r.Urgency == ReminderUrgency.Overdue;
                var detail = new List<string>();
                if (r.RemainingKm is { } km) detail.Add(km <= 0 ? Invariant($"{-km:N0} km over") : Invariant($"{km:N0} km left"));
                if (r.RemainingDays is { } days) detail.Add(days <= 0 ? Invariant($"{-days} days over") : Invariant($"{days} days left"));
                var history = r.LastDone is { } done ? Invariant($" Last done {done:yyyy-MM-dd}.") : " No service on record, so the interval counts from new.";
                // Maintenance is booked with the next visit: it ranks with scheduled repairs, after any fault of the same urgency.
                Add($"{r.Name}: {(overdue ? "overdue" : "due soon")}",
                    $"Scheduled maintenance, due {r.Basis}{(detail.Count > 0 ? " (" + string.Join(", ", detail) + ")" : "")}.{history}",
                    RecommendationUrgency.Scheduled, [], r.Key + ".replace", overdue ? Severity.Low : Severity.Info);
            }
        }

        public List<Recommendation> Ordered() =>
            _items.OrderBy(i => i.Item.Urgency)
                .ThenByDescending(i => i.Severity)
                .ThenBy(i => i.Item.Title, StringComparer.Ordinal)
                .Select(i => i.Item)
                .ToList();

        private static string Evidence(IEnumerable<Code> related, IEnumerable<Finding> findings)
        {
            var sb = new StringBuilder();
            foreach (var c in related)
                sb.Append(c.Text).Append(" (").Append(c.Description).Append(c.Pending ? ", pending" : "")
                  .Append(c.SetWhen.Length > 0 ? "; " + c.SetWhen : "").Append("). ");
            foreach (var f in findings)
                sb.Append(f.Seen).Append(". ");
            return sb.ToString();
        }

        private static Severity Max(IEnumerable<Code> related, IEnumerable<Finding> findings) =>
            related.Select(c => HealthEngine.Map(c.Severity)).Concat(findings.Select(f => f.Severity)).DefaultIfEmpty(Severity.Info).Max();
    }

    private static RecommendationUrgency UrgencyOf(Severity severity) => severity switch
    {
        Severity.Critical => RecommendationUrgency.Immediate,
        Severity.High => RecommendationUrgency.Soon,
        Severity.Medium => RecommendationUrgency.Scheduled,
        _ => RecommendationUrgency.Monitor,
    };

    private static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().TrimEnd('-');
    }

    private static string Summary(HealthInput input, HealthAssessment assessment, List<Code> codes, List<Recommendation> recommendations)
    {
        var sb = new StringBuilder();
        // Bands for the reader, not for the score: 85+ good, 60+ fair, 30+ poor, below 30 critical (the MIL-critical cap is 30).
        var band = assessment.Score switch { >= 85 => "good", >= 60 => "fair", >= 30 => "poor", _ => "critical" };
        sb.Append(Invariant($"Health score {assessment.Score}/100 ({band}). "));
        if (input.Scan is null) sb.Append("No scan is on record, so trouble codes and live values are not included. ");
        else if (input.Scan.MilOn) sb.Append("The check-engine light is on. ");
        if (codes.Count > 0)
        {
            var listed = codes.Select(c => $"{c.Text} ({c.Description}{(c.Pending ? ", pending" : "")})").ToList();
            sb.Append(codes.Count == 1 ? "The car reports one trouble code: " : Invariant($"The car reports {codes.Count} trouble codes: "))
              .Append(JoinAnd(listed)).Append(". ");
        }
        else if (input.Scan is not null)
        {
            sb.Append("No trouble codes are stored. ");
        }
        var measured = assessment.Findings.Where(f => f.Codes.Count == 0 && f.Rule is not "mil.on" and not "readiness.incomplete" and not "maintenance.overdue").Take(3).Select(f => f.Seen).ToList();
        if (measured.Count > 0) sb.Append("Measurements show: ").Append(string.Join("; ", measured)).Append(". ");
        if (recommendations.Count > 0)
        {
            var top = recommendations[0];
            sb.Append(top.Urgency switch
            {
                RecommendationUrgency.Immediate => "Act now: ",
                RecommendationUrgency.Soon => "First priority, within days: ",
                RecommendationUrgency.Scheduled => "First priority, at the next service: ",
                _ => "To watch: ",
            }).Append(top.Title).Append('.');
            if (recommendations.Count > 1) sb.Append(Invariant($" {recommendations.Count - 1} further recommendation{(recommendations.Count == 2 ? "" : "s")} follow."));
            sb.Append(' ');
        }
        if (assessment.Predictions.Count > 0) sb.Append(assessment.Predictions[0].Text.Split(". Rule ")[0]).Append(". ");
        if (assessment.Findings.Count == 0 && recommendations.Count == 0)
            sb.Append("Every measured value is within its normal range and no maintenance is due.");
        return sb.ToString().TrimEnd();
    }

    private static string JoinAnd(List<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
