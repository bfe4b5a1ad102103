using System.Text.RegularExpressions;

namespace Pitlane.Modules.Inspections.Estimate;

/// <summary>One labor operation of a suggested job: flagged hours to 0.01 h and the labor category ("diagnostic", or null for "standard": the two every shop starts with).</summary>
public sealed record SuggestedLabor(string Description, decimal Hours, string? LaborCategory = null);

/// <summary>One part of a suggested job: what the shop pays per unit, in minor units (the shop's markup makes the price).</summary>
public sealed record SuggestedPart(string Description, string? PartNumber, decimal Quantity, long UnitCost);

/// <summary>
/// A job proposed for the customer's concern, not yet on the repair order: the advisor keeps, edits or drops it.
/// <paramref name="Source"/> says where it came from: "rules", "scan P0301" (a trouble code), or "ai: model name".
/// </summary>
public sealed record EstimateSuggestion(string Title, string? Concern, string? Cause, IReadOnlyList<SuggestedLabor> Labor, IReadOnlyList<SuggestedPart> Parts,
    string Source);

/// <summary>
/// The offline estimator: common concerns in the customer's words, and OBD-II trouble-code families (SAE J2012), mapped
/// to the jobs a service advisor would write for them, with book-style labor times and typical part costs (USD cents,
/// aftermarket, before the shop's markup). Meant as a starting point the advisor edits, never as a diagnosis.
/// </summary>
public static partial class EstimateRules
{
    private sealed record Rule(Regex Concern, Func<EstimateSuggestion> Job);

    private static SuggestedLabor L(string description, decimal hours, string? category = null) => new(description, hours, category);

    private static SuggestedPart Part(string description, decimal quantity, long unitCost, string? number = null) => new(description, number, quantity, unitCost);

    private static EstimateSuggestion Job(string title, string? cause, SuggestedLabor[] labor, SuggestedPart[] parts) => new(title, null, cause, labor, parts, "rules");

    private static readonly Rule[] Concerns =
    [
        new(BrakeNoise(), () => Job("Inspect brakes; replace front pads and resurface rotors", "Squeal or grinding when braking usually means worn pads",
            [L("Inspect brake system", 0.5m), L("Replace front brake pads", 1.0m), L("Resurface front rotors", 0.6m)],
            [Part("Front brake pad set", 1, 4_500), Part("Brake hardware kit", 1, 1_200), Part("Brake cleaner", 1, 600)])),
        new(Pulls(), () => Job("Check steering and suspension; four-wheel alignment", "Pulling to one side comes from alignment, tyre pressure or a sticking caliper",
            [L("Inspect steering, suspension and tyre pressures", 0.5m), L("Four-wheel alignment", 1.0m)], [])),
        new(AirConditioning(), () => Job("A/C performance test and recharge", "Air not cold: low refrigerant from a leak is the most common cause",
            [L("A/C performance and leak test", 0.8m, "diagnostic"), L("Evacuate and recharge A/C system", 0.7m)],
            [Part("R-1234yf refrigerant (kg)", 0.6m, 9_000), Part("UV leak dye", 1, 800)])),
        new(NoStart(), () => Job("Test battery and charging system; replace battery", "A slow or failed start points to the battery, its terminals or the alternator",
            [L("Battery, starter and charging system test", 0.5m, "diagnostic"), L("Replace battery and clean terminals", 0.4m)],
            [Part("12 V battery (group 48 AGM)", 1, 16_000)])),
        new(OilLeak(), () => Job("Find oil leak (dye test); reseal valve cover", "Oil under the car: the valve cover gasket and oil pan are the usual sources",
            [L("Oil leak dye test", 0.8m, "diagnostic"), L("Replace valve cover gasket", 1.5m)],
            [Part("Valve cover gasket set", 1, 3_500), Part("Engine oil dye", 1, 900)])),
        new(Bumps(), () => Job("Inspect suspension; replace front sway bar links", "A clunk over bumps usually comes from sway bar links, struts or ball joints",
            [L("Suspension and steering inspection", 0.5m), L("Replace front sway bar links (pair)", 0.8m)],
            [Part("Front sway bar link", 2, 2_800)])),
        new(Service(), () => Job("Oil and filter change with multi-point inspection", "Scheduled maintenance is due",
            [L("Oil and filter change", 0.5m), L("Multi-point inspection", 0.3m)],
            [Part("Engine oil 0W-20 (litre)", 5, 700), Part("Oil filter", 1, 900)])),
        new(Overheat(), () => Job("Cooling system pressure test", "Overheating or coolant loss: a leak, the thermostat, the fan or the water pump",
            [L("Cooling system pressure test", 0.7m, "diagnostic")], [Part("Coolant (litre)", 2, 1_100)])),
        new(Vibration(), () => Job("Balance and rotate tyres", "Shaking at speed usually comes from tyre balance",
            [L("Balance four wheels", 0.8m), L("Rotate tyres", 0.3m)], [Part("Wheel weights", 1, 500)])),
    ];

    /// <summary>Suggestions for the concern and the trouble codes (codes first, then concerns; each job once).</summary>
    public static IReadOnlyList<EstimateSuggestion> Suggest(string? concern, IReadOnlyList<string> codes)
    {
        var jobs = new List<EstimateSuggestion>();
        foreach (var code in codes)
        {
            if (ForCode(code) is var job && !jobs.Any(j => j.Title == job.Title))
            {
                jobs.Add(job with { Concern = concern });
            }
        }
        var text = concern ?? "";
        foreach (var rule in Concerns)
        {
            if (rule.Concern.IsMatch(text))
            {
                var job = rule.Job() with { Concern = concern };
                if (!jobs.Any(j => j.Title == job.Title))
                {
                    jobs.Add(job);
                }
            }
        }
        if (jobs.Count == 0 && CheckEngine().IsMatch(text))
        {
            jobs.Add(Job("Read trouble codes and diagnose check engine light", "The warning light is on; the stored codes say where to look",
                [L("Scan and diagnose engine management", 1.0m, "diagnostic")], []) with { Concern = concern });
        }
        if (jobs.Count == 0)
        {
            jobs.Add(Job("Diagnose the customer's concern", "Not matched to a known repair: a technician confirms it first",
                [L("Diagnosis", 1.0m, "diagnostic")], []) with { Concern = concern });
        }
        return jobs;
    }

    /// <summary>An OBD-II code as SAE J2012 writes it (P, B, C or U, then four hex digits), upper case; null when it is not one.</summary>
    public static string? NormalizeCode(string? code)
    {
        var c = code?.Trim().ToUpperInvariant();
        return c is not null && CodePattern().IsMatch(c) ? c : null;
    }

    /// <summary>The codes written in free text ("CEL on, P0301 stored").</summary>
    public static IEnumerable<string> CodesIn(string? text) =>
        text is null ? [] : CodeInText().Matches(text).Select(m => m.Value.ToUpperInvariant()).Distinct();

    private static EstimateSuggestion ForCode(string code)
    {
        var source = $"scan {code}";
        EstimateSuggestion Make(string title, string cause, SuggestedLabor[] labor, SuggestedPart[] parts) => new(title, null, cause, labor, parts, source);
        // P0300 random misfire; P0301–P0312 misfire on cylinder n.
        if (code == "P0300")
        {
            return Make("Diagnose random misfire", "P0300: random or multiple cylinder misfire",
                [L("Misfire diagnosis (fuel trims, ignition, vacuum leaks)", 1.5m, "diagnostic")], []);
        }
        if (code.StartsWith("P03", StringComparison.Ordinal)
            && int.TryParse(code.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cylinder)
            && cylinder is >= 1 and <= 12)
        {
            return Make($"Diagnose misfire on cylinder {cylinder}; replace spark plugs", $"{code}: cylinder {cylinder} misfire detected",
                [L($"Misfire diagnosis (swap coil, compression check cylinder {cylinder})", 1.0m, "diagnostic"), L("Replace spark plugs (4-cylinder)", 0.8m)],
                [Part("Iridium spark plug", 4, 1_100)]);
        }
        return code switch
        {
            "P0171" or "P0174" => Make("Diagnose lean condition (smoke test for vacuum leaks)", $"{code}: system too lean",
                [L("Smoke test intake for vacuum leaks", 1.0m, "diagnostic"), L("Clean mass air flow sensor", 0.3m)], [Part("MAF sensor cleaner", 1, 900)]),
            "P0420" or "P0430" => Make("Test catalytic converter efficiency", $"{code}: catalyst efficiency below threshold",
                [L("Catalyst and oxygen sensor diagnosis", 1.0m, "diagnostic")], []),
            "P0128" => Make("Replace thermostat", "P0128: coolant below thermostat regulating temperature",
                [L("Replace thermostat and bleed cooling system", 1.2m)], [Part("Thermostat with gasket", 1, 3_200), Part("Coolant (litre)", 2, 1_100)]),
            _ when code.StartsWith("P044", StringComparison.Ordinal) || code.StartsWith("P045", StringComparison.Ordinal) =>
                Make("EVAP system smoke test; replace fuel cap", $"{code}: evaporative emission system leak or fault",
                    [L("EVAP smoke test", 1.0m, "diagnostic")], [Part("Fuel filler cap", 1, 2_200)]),
            _ when code.StartsWith("P013", StringComparison.Ordinal) || code.StartsWith("P014", StringComparison.Ordinal) =>
                Make("Diagnose oxygen sensor circuit", $"{code}: oxygen sensor circuit or heater", [L("Oxygen sensor circuit test", 0.8m, "diagnostic")], []),
            _ when code.StartsWith('U') => Make("Diagnose module communication (CAN bus)", $"{code}: lost communication between control modules",
                [L("Network communication diagnosis", 1.5m, "diagnostic")], []),
            _ => Make($"Diagnose trouble code {code}", $"{code} stored", [L($"Diagnose {code}", 1.0m, "diagnostic")], []),
        };
    }

    [GeneratedRegex(@"\b(squeal|squeak|grind|grinding|brake|brakes|braking)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BrakeNoise();

    [GeneratedRegex(@"\b(pulls?|pulling|drifts?|drifting)\b.*\b(left|right|side)\b|\balignment\b", RegexOptions.IgnoreCase)]
    private static partial Regex Pulls();

    [GeneratedRegex(@"\b(a/?c|air ?con(ditioning)?|aircon)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AirConditioning();

    [GeneratedRegex(@"\b(won'?t start|will not start|no start|doesn'?t start|does not start|battery|cranks? slow(ly)?|dead|jump ?start(ed)?|clicks?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NoStart();

    [GeneratedRegex(@"\boil\b.*\b(leak|leaking|drip|dripping|puddle|spot)s?\b|\b(leak|leaking|drip|dripping)s?\b.*\boil\b", RegexOptions.IgnoreCase)]
    private static partial Regex OilLeak();

    [GeneratedRegex(@"\b(clunk|knock|rattle|thump|noise)s?\b.*\b(bumps?|pot ?holes?|speed bumps?)\b|\b(bumps?|pot ?holes?)\b.*\b(clunk|knock|rattle|noise)s?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Bumps();

    [GeneratedRegex(@"\b(oil change|service (is )?(due|light|reminder)|overdue|maintenance|due for (a )?service|\d{1,3}[, ]?000 ?(km|mi|mile)s? service)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Service();

    [GeneratedRegex(@"\b(overheat(s|ing)?|temperature gauge|losing coolant|coolant leak|steam)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Overheat();

    [GeneratedRegex(@"\b(shakes?|shaking|vibrat(es?|ion|ing)|wobbles?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Vibration();

    [GeneratedRegex(@"\b(check engine|engine light|cel|mil|engine warning)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CheckEngine();

    [GeneratedRegex("^[PBCU][0-3][0-9A-F]{3}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\b[PBCU][0-3][0-9A-F]{3}\b", RegexOptions.IgnoreCase)]
    private static partial Regex CodeInText();
}
