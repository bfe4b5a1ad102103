using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Obd.Scanning;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Diagnostics;

namespace Pitlane.Modules.Diagnostics;

/// <summary>A task handed to an agent.</summary>
/// <param name="Kind">"scan" or "clear-codes" (only to agents that asked with accepts=...,clear-codes).</param>
/// <param name="Id">The scan's or the code clearing's id; the paths under scans/ or clearings/ take it.</param>
/// <param name="ScanId">The same as <paramref name="Id"/> for a scan, null otherwise (what agents before clearings read).</param>
/// <param name="ExpectedVin">The vehicle's VIN. A clearing must not touch a car reporting another VIN.</param>
public sealed record AgentWork(string Kind, Guid Id, Guid? ScanId, string? ExpectedVin, DateTime CreatedAt)
{
    public const string ScanKind = "scan";
    public const string ClearCodesKind = "clear-codes";
}

/// <summary>What the agent read from the car and cleared: the car's VIN (checked before clearing) and the ECUs that acknowledged.</summary>
public sealed record AgentClearResult(string? Vin, string[]? ClearedBy);

/// <summary>The stage an agent's scan reached (also its heartbeat).</summary>
/// <param name="Stage">One of the scanner's stages: connect, identify, trouble codes, readiness, freeze frame, live snapshot.</param>
public sealed record AgentProgressRequest(string? Stage, int? Percent);

/// <summary>Why the agent could not do the scan; becomes the scan's error as written.</summary>
public sealed record AgentFailureRequest(string? Error);

/// <summary>
/// What `pitlane agent` calls, authenticated by <c>X-Agent-Key</c>. The agent connects out (no port open next to the car):
/// it long-polls for work, reports each stage, and uploads the <see cref="ScanDocument"/> or why the scan failed.
/// </summary>
/// <remarks>
/// <para>An agent runs one scan at a time. Asking for work therefore means it has none, so a scan it claimed before this
/// request and left unfinished is failed as abandoned: a claim whose response was lost on the way (a long poll through a
/// NAT that dropped the connection) or an agent restarted mid-scan then fails at once instead of at the scan timeout.</para>
/// <para>The result and a failure are written to the scan row (<see cref="Scan.Result"/>, or <see cref="Scan.Error"/> with
/// stage "agent failed") and the scan job, waiting in <see cref="AgentScans"/>, reads them and finalises the scan: status,
/// VIN check and the vehicle link stay in one place, the job, for adapter and agent scans alike.</para>
/// </remarks>
public static class AgentProtocol
{
    public const int DefaultWaitSeconds = 25;
    public const int MaxWaitSeconds = 30;

    /// <summary>How often a waiting long poll looks for a new scan; the database is the only meeting point, so it polls.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Stage set on the row when the agent uploaded its result; the job replaces it with "completed".</summary>
    public const string UploadedStage = "uploaded";

    /// <summary>Stage set on the row when the agent reported a failure; <see cref="Scan.Error"/> holds its message.</summary>
    public const string FailedStage = "agent failed";

    /// <summary>
    /// A ScanDocument at its limits (<see cref="ScanDocument.Check"/>) is a few hundred KB; more is refused unread. The
    /// host's Pitlane:MaxRequestBodyBytes (1 MiB by default) applies first; this bound holds even where that is raised.
    /// </summary>
    public const int MaxResultBytes = 1024 * 1024;

    private static readonly HashSet<string> Stages = [.. Enum.GetValues<ScanStage>().Select(s => s.Name())];

    internal static IEndpointRouteBuilder MapAgentProtocolEndpoints(this IEndpointRouteBuilder routes)
    {
        var agent = routes.MapGroup("/api/v1/diagnostics/agent").WithTags("Diagnostics")
            .RequireRateLimiting(DiagnosticsOptions.DeviceRateLimitPolicy)
            .RequireAuthorization(DeviceAuthentication.Agent)
            .AddEndpointFilter<AgentKeyFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        agent.MapGet("/work", Work)
            .WithSummary("Long poll: take the next task waiting for this agent (200), or 204 when none came within waitSeconds (0-30, default 25). "
                + "accepts=scan,clear-codes lists the kinds the agent can run (default scan); code clearings go first.");
        agent.MapPost("/scans/{id:guid}/progress", Progress)
            .WithSummary("The stage the agent's scan reached; also its heartbeat (the job fails a scan whose agent is silent for 30 s).");
        agent.MapPost("/scans/{id:guid}/result", Result)
            .Accepts<ScanDocument>("application/json")
            .WithSummary("Upload the finished scan (ScanDocument JSON, enums kebab-case); checked field by field, 400 naming the fields.");
        agent.MapPost("/scans/{id:guid}/failure", Failure)
            .WithSummary("Report that the scan could not be done; the message becomes the scan's error.");
        agent.MapPost("/clearings/{id:guid}/progress", ClearingProgress)
            .WithSummary("The stage a code clearing reached (connect, identify, clear); also its heartbeat.");
        agent.MapPost("/clearings/{id:guid}/result", ClearingResult)
            .WithSummary("The car's VIN (read and compared before clearing) and the ECUs that acknowledged the clear.");
        agent.MapPost("/clearings/{id:guid}/failure", ClearingFailure)
            .WithSummary("Report that the codes were not cleared (wrong car, adapter failure); the message becomes the clearing's error.");
        return routes;
    }

    private static async Task<Results<Ok<AgentWork>, NoContent, ValidationProblem, ProblemHttpResult>> Work(
        CurrentAgent agent, DiagnosticsDbContext db, TimeProvider time, HttpContext http, string? waitSeconds = null, string? accepts = null)
    {
        var wait = DefaultWaitSeconds;
        if (waitSeconds is not null && (!int.TryParse(waitSeconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out wait)
            || wait > MaxWaitSeconds))
        {
            return Problems.Invalid("waitSeconds", $"waitSeconds is a whole number from 0 to {MaxWaitSeconds}.");
        }
        var kinds = (accepts ?? AgentWork.ScanKind).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (kinds.Length == 0 || kinds.Any(k => k is not (AgentWork.ScanKind or AgentWork.ClearCodesKind)))
        {
            return Problems.Invalid("accepts", $"accepts is a comma-separated list of {AgentWork.ScanKind} and {AgentWork.ClearCodesKind}.");
        }
        var instance = InstanceOf(http);
        var takesScans = kinds.Contains(AgentWork.ScanKind);
        var takesClearings = kinds.Contains(AgentWork.ClearCodesKind);
        var started = time.GetUtcNow().UtcDateTime;
        await AbandonUnfinishedAsync(db, agent, instance, started);
        var ct = http.RequestAborted;
        var deadline = time.GetTimestamp() + (long)(wait * (double)time.TimestampFrequency);
        for (var round = 1; !ct.IsCancellationRequested; round++)
        {
            // A technician waits behind a confirmation dialog for a clearing, which takes seconds: it goes first.
            if ((takesClearings ? await TryClaimClearingAsync(db, agent, instance, time, ct) : null) is { } clearing)
            {
                return TypedResults.Ok(clearing);
            }
            if ((takesScans ? await TryClaimAsync(db, agent, instance, time, ct) : null) is { } work)
            {
                return TypedResults.Ok(work);
            }
            if (time.GetTimestamp() >= deadline)
            {
                break;
            }
            // A key revoked during the wait is refused within about two seconds, not at the next poll.
            if (round % 8 == 0 && !await db.ScanAgents.AnyAsync(a => a.Id == agent.Id && a.RevokedAt == null, ct))
            {
                return Problems.Unauthorized("The scan agent's key was revoked.");
            }
            try
            {
                await Task.Delay(PollInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                // The agent hung up; nobody reads the answer.
                break;
            }
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The agent process (X-Agent-Instance: up to 64 letters, digits and dashes), or null from an agent that sends none.
    /// Each `pitlane agent` process makes one up at start.
    /// </summary>
    public const string InstanceHeader = "X-Agent-Instance";

    private static string? InstanceOf(HttpContext http) =>
        http.Request.Headers[InstanceHeader] is [{ Length: > 0 and <= 64 } value] && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? value : null;

    /// <summary>
    /// Fails what this agent process claimed and left unfinished. Only its own: another process running with the same
    /// key (it should not, but it happens) keeps its scan. An agent without an instance id abandons what was claimed
    /// without one.
    /// </summary>
    private static async Task AbandonUnfinishedAsync(DiagnosticsDbContext db, CurrentAgent agent, string? instance, DateTime before)
    {
        const string error = "The scan agent asked for new work without finishing this scan (it restarted or lost the connection).";
        await db.Scans
            .Where(s => s.AgentId == agent.Id && s.Status == ScanStatus.Running && s.ClaimedAt != null && s.ClaimedAt < before
                && s.ClaimedByInstance == instance && s.Result == null && s.Error == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Error, error).SetProperty(x => x.Stage, FailedStage), CancellationToken.None);
        const string clearingError = "The scan agent asked for new work without finishing this code clearing (it restarted or lost the connection); "
            + "the codes may or may not have been cleared: scan the car to see.";
        await db.CodeClearings
            .Where(c => c.AgentId == agent.Id && c.Status == ScanStatus.Running && c.ClaimedAt != null && c.ClaimedAt < before
                && c.ClaimedByInstance == instance && c.Result == null && c.Error == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Error, clearingError).SetProperty(x => x.Stage, FailedStage), CancellationToken.None);
    }

    /// <summary>
    /// Takes the oldest scan that waits for this agent. Running, not queued: the job sets a scan running when it starts
    /// waiting for its agent (<see cref="AgentScans"/>), so a claimed scan always has a job to read its result. The update is
    /// conditional on ClaimedAt still being null, so of two concurrent polls (or instances) exactly one wins; the other
    /// looks again.
    /// </summary>
    private static async Task<AgentWork?> TryClaimAsync(DiagnosticsDbContext db, CurrentAgent agent, string? instance, TimeProvider time, CancellationToken ct)
    {
        while (true)
        {
            var candidate = await db.Scans.AsNoTracking()
                .Where(s => s.AgentId == agent.Id && s.OrganizationId == agent.OrganizationId && s.Status == ScanStatus.Running && s.ClaimedAt == null)
                .OrderBy(s => s.CreatedAt)
                .Select(s => new { s.Id, s.ExpectedVin, s.CreatedAt })
                .FirstOrDefaultAsync(ct);
            if (candidate is null)
            {
                return null;
            }
            var now = time.GetUtcNow().UtcDateTime;
            // Not cancellable: once the row may be written, the answer must reflect whether it was.
            var won = await db.Scans
                .Where(s => s.Id == candidate.Id && s.ClaimedAt == null && s.Status == ScanStatus.Running
                    && db.ScanAgents.Any(a => a.Id == agent.Id && a.RevokedAt == null))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedAt, now).SetProperty(x => x.ClaimedByInstance, instance).SetProperty(x => x.HeardAt, now),
                    CancellationToken.None);
            if (won == 1)
            {
                return new AgentWork(AgentWork.ScanKind, candidate.Id, candidate.Id, candidate.ExpectedVin, candidate.CreatedAt);
            }
        }
    }

    /// <summary>As <see cref="TryClaimAsync"/>, for code clearings.</summary>
    private static async Task<AgentWork?> TryClaimClearingAsync(DiagnosticsDbContext db, CurrentAgent agent, string? instance, TimeProvider time, CancellationToken ct)
    {
        while (true)
        {
            var candidate = await db.CodeClearings.AsNoTracking()
                .Where(c => c.AgentId == agent.Id && c.OrganizationId == agent.OrganizationId && c.Status == ScanStatus.Running && c.ClaimedAt == null)
                .OrderBy(c => c.CreatedAt)
                .Select(c => new { c.Id, c.ExpectedVin, c.CreatedAt })
                .FirstOrDefaultAsync(ct);
            if (candidate is null)
            {
                return null;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var won = await db.CodeClearings
                .Where(c => c.Id == candidate.Id && c.ClaimedAt == null && c.Status == ScanStatus.Running
                    && db.ScanAgents.Any(a => a.Id == agent.Id && a.RevokedAt == null))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedAt, now).SetProperty(x => x.ClaimedByInstance, instance).SetProperty(x => x.HeardAt, now),
                    CancellationToken.None);
            if (won == 1)
            {
                return new AgentWork(AgentWork.ClearCodesKind, candidate.Id, null, candidate.ExpectedVin, candidate.CreatedAt);
            }
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Progress(
        Guid id, AgentProgressRequest request, CurrentAgent agent, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Stage is { } stage && Stages.Contains(stage), "stage", $"stage is one of: {string.Join(", ", Stages)}.")
            .Require(request.Percent is >= 0 and <= 100, "percent", "percent is a whole number from 0 to 100.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        // Below 100: the scan is complete only when the job has stored the result.
        var percent = Math.Min(request.Percent!.Value, 99);
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await Unfinished(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stage, request.Stage).SetProperty(x => x.Progress, percent).SetProperty(x => x.HeardAt, now), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, agent, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Result(
        Guid id, CurrentAgent agent, DiagnosticsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxResultBytes)
        {
            return TooLarge();
        }
        // Bounded read: a body without Content-Length (chunked) is cut off at the limit, not buffered whole.
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxResultBytes)
            {
                return TooLarge();
            }
            body.Write(buffer, 0, read);
        }
        ScanDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ScanDocument>(body.GetBuffer().AsSpan(0, (int)body.Length), ScanDocument.Json);
        }
        catch (JsonException e)
        {
            return Problems.Invalid(string.IsNullOrEmpty(e.Path) ? "body" : e.Path.TrimStart('$', '.'),
                "The body is not a ScanDocument in JSON" + (e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})." : "."));
        }
        if (document is null)
        {
            return Problems.Invalid("body", "The body is not a ScanDocument in JSON.");
        }
        var faults = document.Check();
        if (faults.Count > 0)
        {
            return Problems.Invalid(faults.GroupBy(f => f.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray(), StringComparer.Ordinal));
        }
        // Stored re-serialised from the checked document, never the bytes as sent.
        var json = JsonSerializer.Serialize(document, ScanDocument.Json);
        var updated = await Unfinished(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Result, json).SetProperty(x => x.Stage, UploadedStage).SetProperty(x => x.Progress, 99), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, agent, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Failure(
        Guid id, AgentFailureRequest request, CurrentAgent agent, DiagnosticsDbContext db, CancellationToken ct)
    {
        var error = request.Error?.Trim();
        if (string.IsNullOrEmpty(error) || error.Length > 2000)
        {
            return Problems.Invalid("error", "error is 1 to 2000 characters saying why the scan could not be done.");
        }
        var updated = await Unfinished(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Error, error).SetProperty(x => x.Stage, FailedStage), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, agent, id, ct);
    }

    /// <summary>This agent's claimed scan, while the job still waits for it: nothing uploaded, nothing failed.</summary>
    private static IQueryable<Scan> Unfinished(DiagnosticsDbContext db, CurrentAgent agent, Guid id) =>
        db.Scans.Where(s => s.Id == id && s.AgentId == agent.Id && s.OrganizationId == agent.OrganizationId && s.ClaimedAt != null
            && s.Status == ScanStatus.Running && s.Result == null && s.Error == null);

    /// <summary>404 for a scan this agent never claimed (another agent's looks the same as none), 409 for one that is over.</summary>
    private static async Task<ProblemHttpResult> RefusalAsync(DiagnosticsDbContext db, CurrentAgent agent, Guid id, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking()
            .Where(s => s.Id == id && s.AgentId == agent.Id && s.OrganizationId == agent.OrganizationId && s.ClaimedAt != null)
            .Select(s => new { s.Status, s.Result, s.Error })
            .FirstOrDefaultAsync(ct);
        if (scan is null)
        {
            return Problems.NotFound("No such scan claimed by this agent.");
        }
        var state = scan.Status != ScanStatus.Running ? ScanStatuses.Name(scan.Status)
            : scan.Result is not null ? "uploaded" : "failed by the agent";
        return Problems.Conflict($"The scan is no longer waiting for this agent (it is {state}).");
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ClearingProgress(
        Guid id, AgentProgressRequest request, CurrentAgent agent, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Stage is { } stage && ClearCodesStages.All.Contains(stage), "stage", $"stage is one of: {string.Join(", ", ClearCodesStages.All)}.")
            .Require(request.Percent is >= 0 and <= 100, "percent", "percent is a whole number from 0 to 100.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var percent = Math.Min(request.Percent!.Value, 99);
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await UnfinishedClearing(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stage, request.Stage).SetProperty(x => x.Progress, percent).SetProperty(x => x.HeardAt, now), ct);
        return updated == 1 ? TypedResults.NoContent() : await ClearingRefusalAsync(db, agent, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ClearingResult(
        Guid id, AgentClearResult request, CurrentAgent agent, DiagnosticsDbContext db, CancellationToken ct)
    {
        var ecus = request.ClearedBy ?? [];
        var check = new Validation()
            .Require(request.Vin is { Length: 17 } vin && vin.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)), "vin",
                "vin is the 17 characters (capital letters and digits) the car reported before its codes were cleared.")
            .Require(ecus.Length is >= 1 and <= 16 && ecus.All(e => e is { Length: >= 2 and <= 8 } && e.All(char.IsAsciiHexDigitUpper)), "clearedBy",
                "clearedBy lists the 1 to 16 ECUs (response headers in capital hex, e.g. 7E8) that acknowledged; none acknowledging is a failure.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var json = JsonSerializer.Serialize(new AgentClearResult(request.Vin, ecus), JsonSerializerOptions.Web);
        var updated = await UnfinishedClearing(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Result, json).SetProperty(x => x.Stage, UploadedStage).SetProperty(x => x.Progress, 99), ct);
        return updated == 1 ? TypedResults.NoContent() : await ClearingRefusalAsync(db, agent, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ClearingFailure(
        Guid id, AgentFailureRequest request, CurrentAgent agent, DiagnosticsDbContext db, CancellationToken ct)
    {
        var error = request.Error?.Trim();
        if (string.IsNullOrEmpty(error) || error.Length > 2000)
        {
            return Problems.Invalid("error", "error is 1 to 2000 characters saying why the codes were not cleared.");
        }
        var updated = await UnfinishedClearing(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Error, error).SetProperty(x => x.Stage, FailedStage), ct);
        return updated == 1 ? TypedResults.NoContent() : await ClearingRefusalAsync(db, agent, id, ct);
    }

    private static IQueryable<CodeClearing> UnfinishedClearing(DiagnosticsDbContext db, CurrentAgent agent, Guid id) =>
        db.CodeClearings.Where(c => c.Id == id && c.AgentId == agent.Id && c.OrganizationId == agent.OrganizationId && c.ClaimedAt != null
            && c.Status == ScanStatus.Running && c.Result == null && c.Error == null);

    private static async Task<ProblemHttpResult> ClearingRefusalAsync(DiagnosticsDbContext db, CurrentAgent agent, Guid id, CancellationToken ct)
    {
        var clearing = await db.CodeClearings.AsNoTracking()
            .Where(c => c.Id == id && c.AgentId == agent.Id && c.OrganizationId == agent.OrganizationId && c.ClaimedAt != null)
            .Select(c => new { c.Status, c.Result })
            .FirstOrDefaultAsync(ct);
        if (clearing is null)
        {
            return Problems.NotFound("No such code clearing claimed by this agent.");
        }
        var state = clearing.Status != ScanStatus.Running ? ScanStatuses.Name(clearing.Status)
            : clearing.Result is not null ? "uploaded" : "failed by the agent";
        return Problems.Conflict($"The code clearing is no longer waiting for this agent (it is {state}).");
    }

    private static ProblemHttpResult TooLarge() => Problems.TooLarge($"A scan result is at most {MaxResultBytes / 1024 / 1024} MiB.");
}
