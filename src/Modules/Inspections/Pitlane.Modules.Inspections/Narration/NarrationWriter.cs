using Microsoft.Extensions.AI;

namespace Pitlane.Modules.Inspections.Narration;

/// <summary>The narration's words and where they came from: "rules", or "ai" when the AI gateway rewrote them.</summary>
public sealed record NarrationText(string Text, string Source);

/// <summary>
/// Writes the narration: the rules' summary (<see cref="NarrationScript"/>), rewritten by the AI gateway when one is
/// configured (Pitlane:Inspections:AiBaseUrl, an OpenAI-compatible server) into warmer words for the customer. The
/// model gets the rules' text as its only facts and must keep to them; a timeout, an error, an empty or overlong answer
/// falls back to the rules' text, so a narration never waits on or depends on the model.
/// </summary>
public sealed class NarrationWriter(IChatClient? chat, TimeSpan timeout)
{
    public const string Instructions =
        "You rewrite a car inspection summary for the car's owner, to be read aloud. Keep every fact and number exactly, " +
        "add none, use plain words without workshop jargon, at most 120 words, no lists, no markdown, no greeting beyond one short sentence.";

    public async Task<NarrationText> WriteAsync(string vehicle, IEnumerable<InspectionItem> items, CancellationToken ct)
    {
        var rules = NarrationScript.Write(vehicle, items);
        if (chat is null)
        {
            return new(rules, "rules");
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var answer = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, rules)],
                new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 400 }, deadline.Token);
            var text = answer.Text?.Trim();
            return text is { Length: >= 20 and <= NarrationScript.MaxLength } && !text.Contains("```", StringComparison.Ordinal)
                ? new(text, "ai")
                : new(rules, "rules");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(rules, "rules");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.ClientModel.ClientResultException)
        {
            return new(rules, "rules");
        }
    }
}
