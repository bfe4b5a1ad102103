using System.Text;
using System.Text.RegularExpressions;
using Pitlane.Ai.Tools;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Assistant;

/// <summary>A finished answer: the text, the records it used, and the tools it called (in order).</summary>
public sealed record AssistantAnswer(string Text, IReadOnlyList<Citation> Citations, IReadOnlyList<string> Tools);

/// <summary>
/// The offline assistant: recognises the common questions (what does this code mean, when is my next service, what was
/// done to my car, which parts fit it, where is my order or repair, what did the last scan find, decode this VIN) and
/// answers them with the same tools the model uses, so every fact comes from the caller's own records and is cited.
/// </summary>
public sealed partial class RuleAssistant(AssistantToolbox tools, IVehicleSearch vehicles)
{
    [GeneratedRegex(@"\b[PCBU][0-3][0-9A-F]{3}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TroubleCodes();

    [GeneratedRegex(@"\b[A-HJ-NPR-Z0-9]{17}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Vins();

    [GeneratedRegex(@"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Guids();

    [GeneratedRegex(@"(?:#|\b(?:ro|repair order|order)\s*#?\s*)(\d{1,9})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderNumbers();

    [GeneratedRegex(@"\b(next service|service due|due for|oil change|maintenance|when .*service|servic(e|ing) (is )?due|next oil)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NextServiceIntent();

    [GeneratedRegex(@"\b(history|last service|been done|was done|repairs|previous|past service|service record)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HistoryIntent();

    [GeneratedRegex(@"\b(parts?|fits?|fitting|brake|pads?|filters?|rotors?|wipers?|bulbs?|battery|buy|marketplace|spark plugs?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PartsIntent();

    [GeneratedRegex(@"\b(orders?|status|shipped|delivery|delivered|tracking|ready|repair order|ro)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderIntent();

    [GeneratedRegex(@"\b(scan|codes?|check engine|warning light|engine light|mil|faults?|diagnos\w*)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScanIntent();

    [GeneratedRegex(@"[a-z0-9\-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Words();

    /// <summary>Words that say what is asked rather than what part is wanted.</summary>
    private static readonly HashSet<string> NotPartWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "the", "my", "our", "your", "for", "to", "of", "on", "in", "which", "what", "whats", "what's", "do", "does", "you", "have", "has", "is", "are",
        "there", "any", "can", "i", "we", "me", "us", "it", "this", "that", "car", "cars", "vehicle", "truck", "part", "parts", "fit", "fits", "fitting",
        "buy", "need", "find", "show", "marketplace", "sell", "available", "please", "would", "will", "get", "some", "new", "used", "with", "and", "or",
    };

    private static readonly HashSet<string> NotVehicleWords = new(NotPartWords, StringComparer.OrdinalIgnoreCase)
    {
        "when", "next", "service", "due", "history", "last", "scan", "codes", "code", "mean", "means", "order", "orders", "status", "repair", "oil",
        "change", "brake", "brakes", "pads", "how", "much", "did", "done", "been", "was", "were", "where", "why", "check", "engine", "light",
    };

    public const string Help = "I can answer, from your own records: what a trouble code means (\"what does P0301 mean?\"), what the last scan found, " +
        "when the next service is due, what was done to a car, which marketplace parts fit it, and where an order or repair stands. " +
        "Pick the car above, or name it by plate, nickname or VIN.";

    public async Task<AssistantAnswer> AnswerAsync(AssistantCaller caller, string message, Guid? selectedVehicleId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var answer = new Composer(tools, caller);

        var codes = TroubleCodes().Matches(message).Select(m => m.Value.ToUpperInvariant()).Distinct().Take(5).ToList();
        foreach (var code in codes) await answer.RunAsync(ToolText.ExplainDtc, ct, ("code", code));
        var vins = Vins().Matches(message).Select(m => m.Value.ToUpperInvariant()).Where(v => v.Any(char.IsLetter) && v.Any(char.IsDigit)).Distinct().Take(2).ToList();

        bool wantsNext = NextServiceIntent().IsMatch(message);
        bool wantsHistory = !wantsNext && HistoryIntent().IsMatch(message);
        bool wantsParts = PartsIntent().IsMatch(message);
        bool wantsScan = codes.Count == 0 && ScanIntent().IsMatch(message);
        bool wantsOrder = !wantsParts && !wantsNext && !wantsHistory && (OrderIntent().IsMatch(message) || OrderNumbers().IsMatch(message));
        bool needsVehicle = wantsNext || wantsHistory || wantsParts || wantsScan;

        if (wantsOrder)
        {
            var id = Guids().Match(message) is { Success: true } g ? g.Value : OrderNumbers().Match(message) is { Success: true } n ? n.Groups[1].Value : null;
            await answer.RunAsync(ToolText.GetOrderStatus, ct, ("id", id));
        }

        if (needsVehicle)
        {
            var vehicleIds = await VehiclesMeantAsync(caller, message, selectedVehicleId, vins, answer, ct);
            foreach (var vehicleId in vehicleIds)
            {
                var id = vehicleId.ToString();
                if (wantsScan) await answer.RunAsync(ToolText.GetLatestScan, ct, ("vehicleId", id));
                if (wantsNext) await answer.RunAsync(ToolText.GetNextService, ct, ("vehicleId", id));
                if (wantsHistory) await answer.RunAsync(ToolText.GetServiceHistory, ct, ("vehicleId", id));
                if (wantsParts) await answer.RunAsync(ToolText.FindFittingParts, ct, ("vehicleId", id), ("query", PartWords(message)));
            }
        }
        else
        {
            foreach (var vin in vins) await answer.RunAsync(ToolText.DecodeVin, ct, ("vin", vin));
        }

        return answer.Finish(Help);
    }

    /// <summary>
    /// The vehicle the question is about: an id in the message (checked by the tools like any other), the one picked on
    /// the page, the one a VIN, plate or nickname in the message names, or the only one the organisation has. Otherwise
    /// the answer asks which, listing the caller's vehicles.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> VehiclesMeantAsync(
        AssistantCaller caller, string message, Guid? selected, IReadOnlyList<string> vins, Composer answer, CancellationToken ct)
    {
        if (Guids().Matches(message).Select(m => Guid.Parse(m.Value)).Distinct().Take(2).ToList() is { Count: > 0 } ids) return ids;
        foreach (var vin in vins)
        {
            if ((await vehicles.SearchAsync(caller.OrganizationId, vin, 2, ct)) is [{ } byVin]) return [byVin.Id];
        }
        foreach (var word in Words().Matches(message).Select(m => m.Value).Where(w => w.Length >= 3 && !NotVehicleWords.Contains(w)).Distinct().Take(6))
        {
            if ((await vehicles.SearchAsync(caller.OrganizationId, word, 2, ct)) is [{ } named]) return [named.Id];
        }
        if (selected is { } picked) return [picked];
        var all = await vehicles.SearchAsync(caller.OrganizationId, null, 10, ct);
        if (all.Count == 1) return [all[0].Id];
        answer.Say(all.Count == 0
            ? "You have no vehicles yet: add one under Vehicles (its VIN is enough), then ask again."
            : "Which car do you mean? Pick it above, or name it by plate or nickname:\n" + string.Join('\n', all.Select(AssistantToolbox.Describe)));
        foreach (var v in all) answer.Cite(AssistantToolbox.Cite(v));
        return [];
    }

    private static string? PartWords(string message)
    {
        var words = Words().Matches(message).Select(m => m.Value.ToLowerInvariant())
            .Where(w => !NotPartWords.Contains(w) && !TroubleCodes().IsMatch(w) && !Guids().IsMatch(w) && !Vins().IsMatch(w)).Take(4).ToList();
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    /// <summary>Collects tool outcomes into one answer with its citations, without repeating a record.</summary>
    private sealed class Composer(AssistantToolbox tools, AssistantCaller caller)
    {
        private readonly StringBuilder _text = new();
        private readonly List<Citation> _citations = [];
        private readonly List<string> _tools = [];

        public async Task RunAsync(string tool, CancellationToken ct, params (string Name, string? Value)[] arguments)
        {
            var outcome = await tools.RunAsync(caller, tool, arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal), ct);
            _tools.Add(tool);
            Say(outcome.Text);
            foreach (var c in outcome.Citations) Cite(c);
        }

        public void Say(string text)
        {
            if (_text.Length > 0) _text.Append("\n\n");
            _text.Append(text);
        }

        public void Cite(Citation citation)
        {
            if (!_citations.Any(c => c.Kind == citation.Kind && c.Id == citation.Id && c.Label == citation.Label)) _citations.Add(citation);
        }

        public AssistantAnswer Finish(string help) => new(_text.Length > 0 ? _text.ToString() : help, _citations, _tools);
    }
}
