using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Obd.Scanning;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Diagnostics.Lane;

/// <summary>A scan handed to an agent.</summary>
public sealed record AgentWork(Guid ScanId, string? ExpectedVin, DateTime CreatedAt);

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
            .AllowAnonymous()
            .AddEndpointFilter<AgentKeyFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        agent.MapGet("/work", Work)
            .WithSummary("Long poll: take the oldest scan waiting for this agent (200), or 204 when none came within waitSeconds (0-30, default 25).");
        agent.MapPost("/scans/{id:guid}/progress", Progress)
            .WithSummary("The stage the agent's scan reached; also its heartbeat (the job fails a scan whose agent is silent for 30 s).");
        agent.MapPost("/scans/{id:guid}/result", Result)
            .Accepts<ScanDocument>("application/json")
            .WithSummary("Upload the finished scan (ScanDocument JSON, enums kebab-case); checked field by field, 400 naming the fields.");
        agent.MapPost("/scans/{id:guid}/failure", Failure)
            .WithSummary("Report that the scan could not be done; the message becomes the scan's error.");
        return routes;
    }

    private static async Task<Results<Ok<AgentWork>, NoContent, ValidationProblem, ProblemHttpResult>> Work(
        CurrentAgent agent, PitlaneDbContext db, TimeProvider time, HttpContext http, string? waitSeconds = null)
    {
        var wait = DefaultWaitSeconds;
        if (waitSeconds is not null && (!int.TryParse(waitSeconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out wait)
            || wait > MaxWaitSeconds))
        {
            return Problems.Invalid("waitSeconds", $"waitSeconds is a whole number from 0 to {MaxWaitSeconds}.");
        }
        var started = time.GetUtcNow().UtcDateTime;
        await AbandonUnfinishedAsync(db, agent, started);
        var ct = http.RequestAborted;
        var deadline = time.GetTimestamp() + (long)(wait * (double)time.TimestampFrequency);
        for (var round = 1; !ct.IsCancellationRequested; round++)
        {
            if (await TryClaimAsync(db, agent, time, ct) is { } work)
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

    private static async Task AbandonUnfinishedAsync(PitlaneDbContext db, CurrentAgent agent, DateTime before)
    {
        const string error = "The scan agent asked for new work without finishing this scan (it restarted or lost the connection).";
        await db.Scans
            .Where(s => s.AgentId == agent.Id && s.Status == ScanStatus.Running && s.ClaimedAt != null && s.ClaimedAt < before
                && s.Result == null && s.Error == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Error, error).SetProperty(x => x.Stage, FailedStage), CancellationToken.None);
    }

    /// <summary>
    /// Takes the oldest scan that waits for this agent. Running, not queued: the job sets a scan running when it starts
    /// waiting for its agent (<see cref="AgentScans"/>), so a claimed scan always has a job to read its result. The update is
    /// conditional on ClaimedAt still being null, so of two concurrent polls (or instances) exactly one wins; the other
    /// looks again.
    /// </summary>
    private static async Task<AgentWork?> TryClaimAsync(PitlaneDbContext db, CurrentAgent agent, TimeProvider time, CancellationToken ct)
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
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedAt, now), CancellationToken.None);
            if (won == 1)
            {
                return new AgentWork(candidate.Id, candidate.ExpectedVin, candidate.CreatedAt);
            }
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Progress(
        Guid id, AgentProgressRequest request, CurrentAgent agent, PitlaneDbContext db, CancellationToken ct)
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
        var updated = await Unfinished(db, agent, id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stage, request.Stage).SetProperty(x => x.Progress, percent), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, agent, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Result(
        Guid id, CurrentAgent agent, PitlaneDbContext db, HttpContext http, CancellationToken ct)
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
        Guid id, AgentFailureRequest request, CurrentAgent agent, PitlaneDbContext db, CancellationToken ct)
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
    private static IQueryable<Scan> Unfinished(PitlaneDbContext db, CurrentAgent agent, Guid id) =>
        db.Scans.Where(s => s.Id == id && s.AgentId == agent.Id && s.OrganizationId == agent.OrganizationId && s.ClaimedAt != null
            && s.Status == ScanStatus.Running && s.Result == null && s.Error == null);

    /// <summary>404 for a scan this agent never claimed (another agent's looks the same as none), 409 for one that is over.</summary>
    private static async Task<ProblemHttpResult> RefusalAsync(PitlaneDbContext db, CurrentAgent agent, Guid id, CancellationToken ct)
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

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        $"A scan result is at most {MaxResultBytes / 1024 / 1024} MiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");
}
