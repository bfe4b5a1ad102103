using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pitlane.Diagnostics;
using Pitlane.Obd.J1979;

namespace Pitlane.Ai;

/// <summary>The messages sent to the model: fixed instructions, then the scan's facts as compact JSON.</summary>
internal static class DiagnosisPrompt
{
    public const int MaxSummaryLength = 2000;
    public const int MaxRecommendations = 10;

    public const string Instructions =
        """
        You are an experienced automotive diagnostic technician writing for a workshop service advisor and the car's owner.
        You receive one vehicle's health facts as JSON: trouble codes (DTCs) with their database description, severity, ECU and kind,
        whether the check-engine light (MIL) is on, readiness monitors not yet complete, the health engine's findings (each with its rule id),
        maintenance reminders, trend predictions and key live values.

        Rules:
        - Use only the facts given. Do not invent codes, measurements, service history or vehicle details.
        - Give a short plain-language summary (at most 2000 characters) and 1 to 10 recommendations, most urgent first.
        - urgency is one of: "immediate" (stop driving or repair today), "soon" (within days), "scheduled" (next service or within weeks), "monitor" (nothing to repair yet).
        - codes lists only trouble codes from the facts that the recommendation addresses; use [] when none applies.
        - laborOperation is exactly one of allowedLaborOperations, or null when none fits.
        - Answer with a single JSON object and nothing else, in this shape:
          {"summary": "...", "recommendations": [{"title": "...", "why": "...", "urgency": "soon", "codes": ["P0300"], "laborOperation": "ignition.coil.replace"}]}
        """;

    // J1979 mode 01 PIDs a technician reads first: load, coolant, the four fuel trims, rpm, speed, intake air, MAF, throttle,
    // run time since start, control module voltage (PID 42) and odometer (PID A6).
    private static readonly byte[] KeyPids = [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0C, 0x0D, 0x0F, 0x10, 0x11, 0x1F, 0x42, 0xA6];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The text goes to a model, not into HTML: "°C" and "'" stay readable instead of becoming \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Facts(DiagnosisRequest request, IReadOnlyCollection<string> allowedLaborOperations)
    {
        var input = request.Input;
        var assessment = request.Assessment;
        var scan = input.Scan;
        var facts = new ScanFactsJson(
            request.Vehicle,
            assessment.Score,
            input.OdometerKm,
            scan?.MilOn,
            [.. (scan?.Dtcs ?? []).Where(d => d is not null && !string.IsNullOrWhiteSpace(d.Code))
                .Select(d => new DtcFact(Normalise(d.Code), d.Description, d.Severity.ToString().ToLowerInvariant(), d.System, d.Ecu, d.Kind.ToString().ToLowerInvariant()))],
            [.. (scan?.Readiness ?? []).Where(r => r is not null).SelectMany(r => r.Monitors).Where(m => m.Supported && !m.Complete)
                .Select(m => m.Name).Distinct(StringComparer.Ordinal)],
            [.. assessment.Findings.Select(f => new FindingFact(f.Rule, f.Severity.ToString().ToLowerInvariant(), f.Seen, f.WhyItMatters, f.Codes, f.Cylinder))],
            [.. assessment.Reminders.Where(r => r.Urgency != ReminderUrgency.Ok)
                .Select(r => new ReminderFact(r.Key, r.Name, r.Urgency == ReminderUrgency.DueSoon ? "due soon" : r.Urgency.ToString().ToLowerInvariant(), r.Basis, r.RemainingKm, r.RemainingDays))],
            [.. assessment.Predictions.Select(p => new PredictionFact(p.Rule, p.Text, p.WithinDays, p.WithinKm))],
            [.. KeyPids.Select(pid => (scan?.LiveValues ?? []).FirstOrDefault(v => v is not null && v.Pid == pid && double.IsFinite(v.Value)))
                .OfType<LiveValue>()
                .Select(v => new LiveFact(v.Name, Math.Round(v.Value, 2), v.Unit))],
            [.. allowedLaborOperations]);
        return JsonSerializer.Serialize(facts, Json);
    }

    /// <summary>Codes as the scan reports them, in the form the answer must repeat them.</summary>
    public static HashSet<string> ScanCodes(HealthInput input) =>
        new((input.Scan?.Dtcs ?? []).Where(d => d is not null && !string.IsNullOrWhiteSpace(d.Code)).Select(d => Normalise(d.Code)), StringComparer.Ordinal);

    public static string Normalise(string code) => code.Trim().ToUpperInvariant();

    private sealed record ScanFactsJson(
        string Vehicle,
        int HealthScore,
        double? OdometerKm,
        bool? MilOn,
        IReadOnlyList<DtcFact> Dtcs,
        IReadOnlyList<string> ReadinessIncomplete,
        IReadOnlyList<FindingFact> Findings,
        IReadOnlyList<ReminderFact> Reminders,
        IReadOnlyList<PredictionFact> Predictions,
        IReadOnlyList<LiveFact> LiveValues,
        IReadOnlyList<string> AllowedLaborOperations);

    private sealed record DtcFact(string Code, string Description, string Severity, string System, string Ecu, string Kind);

    private sealed record FindingFact(string Rule, string Severity, string Seen, string WhyItMatters, IReadOnlyList<string> Codes, int? Cylinder);

    private sealed record ReminderFact(string Key, string Name, string Urgency, string Basis, double? RemainingKm, int? RemainingDays);

    private sealed record PredictionFact(string Rule, string Text, int WithinDays, int? WithinKm);

    private sealed record LiveFact(string Name, double Value, string Unit);
}
