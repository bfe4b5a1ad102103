using System.ClientModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Ai.Tools;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Assistant;

/// <summary>One earlier turn of the conversation, as the page keeps it. <paramref name="Role"/>: "user" or "assistant".</summary>
public sealed record ChatTurn(string Role, string Text);

/// <summary>Where an answer goes while it is being written (the SSE response, or a test).</summary>
public interface IAnswerSink
{
    Task TextAsync(string text, CancellationToken ct);

    Task ToolAsync(string name, IReadOnlyDictionary<string, string?> arguments, CancellationToken ct);

    Task CitationAsync(Citation citation, CancellationToken ct);

    /// <summary>Forget the text sent so far (the model failed part-way; the offline answer replaces it).</summary>
    Task ResetAsync(CancellationToken ct);

    Task NoteAsync(string text, CancellationToken ct);
}

/// <summary>How an answer was produced: "model" (the language model answered) or "rules" (the offline assistant, by choice or as the fallback).</summary>
public sealed record ChatResult(string Source, string Text, IReadOnlyList<Citation> Citations, IReadOnlyList<string> Tools, string? Note);

/// <summary>The configured language model, or none (rules only). A singleton: the client shares its HTTP pipeline.</summary>
public sealed class AssistantModel(IOptions<AssistantOptions> options)
{
    private readonly Lazy<IChatClient?> _client = new(() =>
    {
        var o = options.Value;
        return o.ModelConfigured
            ? new Pitlane.Ai.OpenAiChatClient(new Uri(o.BaseUrl!), o.Model!, o.ApiKey, TimeSpan.FromSeconds(o.TimeoutSeconds + 5))
            : null;
    });

    public IChatClient? Client => _client.Value;

    public AssistantOptions Options => options.Value;
}

/// <summary>
/// Answers one question: through the model with the catalog's tools when one is configured (streaming its text, running
/// each tool it calls for the caller and sending the result back, up to <see cref="AssistantOptions.MaxToolRounds"/>
/// rounds), else, or when the model fails, is late or answers nothing usable, through <see cref="RuleAssistant"/>.
/// </summary>
public sealed class AssistantChat(AssistantModel model, AssistantToolbox tools, RuleAssistant rules, IVehicleDirectory vehicles, TimeProvider time, ILogger<AssistantChat> logger)
{
    public const int MaxMessageLength = 2000;
    public const int MaxHistoryTurns = 20;
    public const int MaxTurnLength = 4000;

    private const string Instructions =
        "You are Pitlane's assistant for a driver or the staff of an automotive shop. Answer questions about their own vehicles, " +
        "diagnostic scans, service history, repair orders, marketplace orders and parts that fit, using only what the tools return. " +
        "Call lookup_vehicle to find a vehicle's id when the user names a car. Never invent codes, dates, prices or records; if a tool " +
        "finds nothing, say so. Answer briefly in plain words for a non-mechanic, and say which records you used.";

    public async Task<ChatResult> AnswerAsync(
        AssistantCaller caller, string message, Guid? vehicleId, IReadOnlyList<ChatTurn> history, IAnswerSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (model.Client is { } client)
        {
            var outcome = await ModelAsync(client, caller, message, vehicleId, history, sink, ct);
            if (outcome.Result is { } answered) return answered;
            await sink.ResetAsync(ct);
            var note = $"The AI model could not answer ({outcome.Problem}); this is the offline assistant's answer.";
            await sink.NoteAsync(note, ct);
            return await RulesAsync(caller, message, vehicleId, sink, note, ct);
        }
        return await RulesAsync(caller, message, vehicleId, sink, null, ct);
    }

    private async Task<ChatResult> RulesAsync(AssistantCaller caller, string message, Guid? vehicleId, IAnswerSink sink, string? note, CancellationToken ct)
    {
        var answer = await rules.AnswerAsync(caller, message, vehicleId, ct);
        foreach (var line in answer.Text.Split('\n'))
        {
            await sink.TextAsync(line + "\n", ct);
        }
        foreach (var c in answer.Citations) await sink.CitationAsync(c, ct);
        return new ChatResult("rules", answer.Text, answer.Citations, answer.Tools, note);
    }

    private async Task<(ChatResult? Result, string? Problem)> ModelAsync(
        IChatClient client, AssistantCaller caller, string message, Guid? vehicleId, IReadOnlyList<ChatTurn> history, IAnswerSink sink, CancellationToken ct)
    {
        var options = model.Options;
        var system = new StringBuilder(Instructions);
        if (vehicleId is { } picked && await vehicles.FindAsync(caller.OrganizationId, picked, ct) is { } car)
        {
            system.Append($" The user has picked this vehicle: {car.Title}, id {car.Id}, VIN {car.Vin}.");
        }
        system.Append($" Today is {time.GetUtcNow():yyyy-MM-dd}.");
        var messages = new List<ChatMessage> { new(ChatRole.System, system.ToString()) };
        messages.AddRange(history.Select(t => new ChatMessage(t.Role == "assistant" ? ChatRole.Assistant : ChatRole.User, t.Text)));
        messages.Add(new ChatMessage(ChatRole.User, message));
        var chatOptions = new ChatOptions
        {
            Temperature = 0.2f,
            MaxOutputTokens = 1024,
            Tools = [.. ToolCatalog.All.Select(t => (AITool)t.Declaration())],
            ToolMode = ChatToolMode.Auto,
        };

        var citations = new List<Citation>();
        var used = new List<string>();
        var text = new StringBuilder();
        for (var round = 0; round < options.MaxToolRounds + 1; round++)
        {
            var calls = new List<FunctionCallContent>();
            var said = new StringBuilder();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                await foreach (var update in client.GetStreamingResponseAsync(messages, chatOptions, linked.Token))
                {
                    foreach (var content in update.Contents)
                    {
                        if (content is TextContent { Text.Length: > 0 } piece)
                        {
                            said.Append(piece.Text);
                            await sink.TextAsync(piece.Text, ct);
                        }
                        else if (content is FunctionCallContent call)
                        {
                            calls.Add(call);
                        }
                    }
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var problem = deadline.IsCancellationRequested ? $"no answer within {options.TimeoutSeconds} s" : Describe(e);
                logger.LogWarning("Assistant model failed: {Problem}", problem);
                return (null, problem);
            }
            text.Append(said);
            if (calls.Count == 0)
            {
                if (text.ToString().Trim().Length == 0) return (null, "it answered nothing");
                return (new ChatResult("model", text.ToString(), citations, used, null), null);
            }
            if (round == options.MaxToolRounds) break;

            messages.Add(new ChatMessage(ChatRole.Assistant, [.. (said.Length > 0 ? new AIContent[] { new TextContent(said.ToString()) } : []), .. calls]));
            var results = new List<AIContent>();
            foreach (var call in calls)
            {
                var arguments = Arguments(call);
                await sink.ToolAsync(call.Name, arguments, ct);
                var outcome = call.Exception is not null
                    ? ToolOutcome.Error("The arguments were not a JSON object of strings.")
                    : await tools.RunAsync(caller, call.Name, arguments, ct);
                used.Add(call.Name);
                foreach (var c in outcome.Citations.Where(c => !citations.Contains(c)))
                {
                    citations.Add(c);
                    await sink.CitationAsync(c, ct);
                }
                results.Add(new FunctionResultContent(call.CallId, outcome.IsError ? "Error: " + outcome.Text : outcome.Text));
            }
            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }
        return (null, $"it still wanted tools after {options.MaxToolRounds} rounds");
    }

    /// <summary>The call's arguments as strings (the catalog's tools take strings; a number the model sends is kept as its text).</summary>
    private static Dictionary<string, string?> Arguments(FunctionCallContent call)
    {
        var arguments = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in call.Arguments ?? new Dictionary<string, object?>())
        {
            arguments[key] = value switch
            {
                null => null,
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
                JsonElement { ValueKind: JsonValueKind.Null } => null,
                JsonElement json => json.GetRawText(),
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        return arguments;
    }

    private static string Describe(Exception e) => e switch
    {
        ClientResultException { Status: > 0 } http => $"HTTP {http.Status}",
        NotSupportedException or JsonException or FormatException or InvalidOperationException => "its answer could not be read",
        _ => e.GetType().Name,
    };
}
