using System.Text;
using Microsoft.Extensions.Options;
using Pitlane.Ai;
using Pitlane.Platform;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// <see cref="IDiagnosisInterpreter"/> over the AI gateway (Pitlane:Diagnostics:Ai): an OpenAI-compatible server when one is
/// configured, the rule engine otherwise and whenever the model times out, fails or answers something unusable.
/// </summary>
public sealed class AiDiagnosisInterpreter(IOptions<DiagnosticsOptions> options, TimeProvider time) : IDiagnosisInterpreter
{
    private readonly DiagnosisGateway _gateway = DiagnosisGateway.Create(
        options.Value.Ai is { BaseUrl.Length: > 0 } ai ? new AiOptions(ai.BaseUrl, ai.Model, ai.ApiKey, ai.TimeoutSeconds) : null,
        time);

    public async Task<InterpreterAnswer> InterpretAsync(string vehicleDescription, HealthInput input, HealthAssessment assessment, CancellationToken ct)
    {
        var outcome = await _gateway.InterpretAsync(new DiagnosisRequest(vehicleDescription, input, assessment), ct);
        var prompt = outcome.Prompt.Count == 0
            ? null
            : outcome.Prompt.Aggregate(new StringBuilder(), (text, m) => text.Append('[').Append(m.Role).Append("]\n").Append(m.Text).Append("\n\n")).ToString().TrimEnd();
        return new InterpreterAnswer(outcome.Interpretation, outcome.Model, OutcomeName(outcome.Outcome), prompt, outcome.RawAnswer, outcome.Error, outcome.Latency);
    }

    public static string OutcomeName(AiOutcome outcome) => outcome switch
    {
        AiOutcome.Rules => "rules",
        AiOutcome.Answered => "answered",
        AiOutcome.Timeout => "timeout",
        AiOutcome.Error => "error",
        _ => "invalid-answer",
    };
}
