using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;
using Pitlane.Diagnostics;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Diagnostics;

public sealed record RecommendationResponse(string Title, string Why, string Urgency, IReadOnlyList<string> Codes, string? LaborOperation);

/// <summary>GET/POST /api/v1/scans/{id}/interpretation. <see cref="Source"/> says what produced it: "rules" or "ai:{model}".</summary>
public sealed record InterpretationResponse(
    Guid Id, Guid ScanId, string Source, string? Model, string Outcome, string Summary, IReadOnlyList<RecommendationResponse> Recommendations,
    int LatencyMs, string? FallbackReason, DateTime CreatedAt)
{
    public static InterpretationResponse From(InterpretationRecord record)
    {
        var interpretation = InterpretationService.Read(record);
        return new InterpretationResponse(record.Id, record.ScanId, record.Source, record.Model, record.Outcome, interpretation.Summary,
            interpretation.Recommendations.Select(r => new RecommendationResponse(r.Title, r.Why,
                JsonNamingPolicy.KebabCaseLower.ConvertName(r.Urgency.ToString()), r.Codes, r.LaborOperation)).ToList(),
            record.LatencyMs, record.Error, record.CreatedAt);
    }
}

/// <summary>
/// Turns a completed scan into a plain-language diagnosis with prioritised recommendations, through the AI gateway when
/// one is configured and the rule engine otherwise (or when the model fails). Every answer is stored for audit with its
/// prompt, the raw answer and the reason for a fallback.
/// </summary>
public sealed class InterpretationService(DiagnosticsDbContext db, IVehicleDirectory vehicles, IDiagnosisInterpreter interpreter, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Interpretation Read(InterpretationRecord record) =>
        JsonSerializer.Deserialize<Interpretation>(record.Result, Json) ?? throw new InvalidDataException($"Interpretation {record.Id} is empty.");

    /// <summary>The scan's latest stored interpretation, or a new one.</summary>
    public async Task<InterpretationRecord> LatestOrNewAsync(Scan scan, VehicleHealth health, CancellationToken ct) =>
        await db.Interpretations.AsNoTracking().Where(i => i.ScanId == scan.Id && i.OrganizationId == scan.OrganizationId)
            .OrderByDescending(i => i.CreatedAt).FirstOrDefaultAsync(ct)
        ?? await InterpretAsync(scan, health, ct);

    public async Task<InterpretationRecord> InterpretAsync(Scan scan, VehicleHealth health, CancellationToken ct)
    {
        var vehicle = scan.VehicleId is { } id
            ? await vehicles.FindAsync(scan.OrganizationId, id, ct)
            : null;
        var description = vehicle is null
            ? $"Vehicle with VIN {scan.Vin ?? scan.ExpectedVin ?? "unknown"}"
            : $"{vehicle.ModelYear} {vehicle.Make} {vehicle.Model}".Trim() + $", VIN {vehicle.Vin}";
        var answer = await interpreter.InterpretAsync(description, health.Input, health.Assessment, ct);
        var record = new InterpretationRecord
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = scan.OrganizationId,
            ScanId = scan.Id,
            Source = Clip(answer.Interpretation.Source, 120)!,
            Model = Clip(answer.Model, 100),
            Outcome = answer.Outcome,
            Prompt = answer.Prompt,
            Answer = answer.RawAnswer,
            Error = Clip(answer.Error, 2000),
            LatencyMs = (int)Math.Min(int.MaxValue, answer.Latency.TotalMilliseconds),
            Result = JsonSerializer.Serialize(answer.Interpretation, Json),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Interpretations.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    private static string? Clip(string? text, int max) => text is { Length: > 0 } t && t.Length > max ? t[..max] : text;
}

/// <summary>What produced an interpretation and how, for the audit record.</summary>
/// <param name="Outcome">rules, answered, timeout, error or invalid-answer.</param>
public sealed record InterpreterAnswer(Interpretation Interpretation, string? Model, string Outcome, string? Prompt, string? RawAnswer, string? Error, TimeSpan Latency);

/// <summary>The AI gateway as the diagnostics lane sees it. Never throws for a model failure: it falls back to the rules.</summary>
public interface IDiagnosisInterpreter
{
    Task<InterpreterAnswer> InterpretAsync(string vehicleDescription, HealthInput input, HealthAssessment assessment, CancellationToken ct);
}

/// <summary>The offline default: the deterministic rule engine.</summary>
public sealed class RuleDiagnosisInterpreter : IDiagnosisInterpreter
{
    public Task<InterpreterAnswer> InterpretAsync(string vehicleDescription, HealthInput input, HealthAssessment assessment, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var interpretation = RuleInterpreter.Interpret(input, assessment);
        return Task.FromResult(new InterpreterAnswer(interpretation, null, "rules", null, null, null, System.Diagnostics.Stopwatch.GetElapsedTime(started)));
    }
}

public static class InterpretationEndpoints
{
    public static IEndpointRouteBuilder MapInterpretationEndpoints(this IEndpointRouteBuilder routes)
    {
        var scans = routes.MapTenantApi("/api/v1/scans", "Diagnostics");
        scans.MapGet("/{id:guid}/interpretation", Latest);
        scans.MapPost("/{id:guid}/interpretation", Interpret);
        return routes;
    }

    private static async Task<Results<Ok<InterpretationResponse>, ProblemHttpResult>> Latest(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, HealthService health, InterpretationService interpretations, CancellationToken ct)
    {
        var (scan, refusal) = await CompletedScanAsync(id, scope, db, ct);
        if (scan is null)
        {
            return refusal!;
        }
        var record = await interpretations.LatestOrNewAsync(scan, await health.ForScanAsync(scan, ct), ct);
        return TypedResults.Ok(InterpretationResponse.From(record));
    }

    /// <summary>The organisation's completed scan, or the 404/409 that says why not.</summary>
    private static async Task<(Scan? Scan, ProblemHttpResult? Refusal)> CompletedScanAsync(Guid id, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == scope.OrganizationId, ct);
        return scan switch
        {
            null => (null, Problems.NotFound("No such scan.")),
            { Status: not ScanStatus.Completed } => (null, Problems.Conflict($"The scan is {ScanStatuses.Name(scan.Status)}; only a completed scan can be interpreted.")),
            _ => (scan, null),
        };
    }

    /// <summary>Asks again (e.g. after the model was configured): a new audit record every time.</summary>
    private static async Task<Results<Ok<InterpretationResponse>, ProblemHttpResult>> Interpret(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, HealthService health, InterpretationService interpretations, CancellationToken ct)
    {
        var (scan, refusal) = await CompletedScanAsync(id, scope, db, ct);
        if (scan is null)
        {
            return refusal!;
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can ask for an interpretation.");
        }
        var record = await interpretations.InterpretAsync(scan, await health.ForScanAsync(scan, ct), ct);
        return TypedResults.Ok(InterpretationResponse.From(record));
    }
}
