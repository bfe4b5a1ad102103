using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Imaging;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio;

/// <summary>POST /api/v1/studio/workers: a name people recognise, e.g. "GPU box in the office".</summary>
public sealed record CreateWorkerRequest(string? Name);

/// <summary>The only response that ever carries the key.</summary>
public sealed record CreatedWorkerResponse(Guid Id, string Name, string Key, DateTime CreatedAt);

/// <summary>A worker as listed; never its key. Online: heard from within the lease (Pitlane:Studio:WorkerLeaseSeconds).</summary>
public sealed record WorkerResponse(Guid Id, string Name, DateTime CreatedAt, DateTime? LastSeenAt, DateTime? RevokedAt, bool Online, int Completed);

/// <summary>A photo handed to a worker: fetch the original from PhotoPath, report to ProgressPath at least every third of the lease, upload the mask to ResultPath.</summary>
public sealed record WorkerTask(Guid PhotoId, string? FileName, int Attempt, int LeaseSeconds, string PhotoPath, string ProgressPath, string ResultPath, string FailurePath);

/// <summary>The stage the worker reached, in words, and its percent; also its heartbeat.</summary>
public sealed record WorkerProgressRequest(string? Stage, int? Percent);

/// <summary>Why the worker could not segment the photo; becomes the photo's error.</summary>
public sealed record WorkerFailureRequest(string? Error);

/// <summary>
/// Remote workers: their management (managers; the key is shown once) and the protocol `pitlane worker` speaks,
/// authenticated by <c>X-Worker-Key</c>. The worker connects out (no port open on it): it long-polls for a photo,
/// downloads the original, reports progress (its heartbeat) and uploads the mask (an 8-bit greyscale PNG of the photo's
/// size); this server composes the cut-out PNG and, on request, the backdrops from it.
/// </summary>
public static class WorkerEndpoints
{
    public const int MaxNameLength = 80;
    public const int DefaultWaitSeconds = 25;
    public const int MaxWaitSeconds = 30;

    /// <summary>An uploaded mask: a greyscale PNG of a 50-megapixel photo compresses to far less.</summary>
    public const long MaxMaskBytes = 64L * 1024 * 1024;

    public const string RateLimitPolicy = "studio-worker";

    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder routes)
    {
        var manage = routes.MapTenantApi("/api/v1/studio/workers", "Studio");
        manage.MapPost("/", Create).RequirePermission(StudioPermissions.ManageWorkers)
            .WithSummary("Register a remote background-removal worker; the response carries its key, shown this once.");
        manage.MapGet("/", List).RequirePermission(StudioPermissions.View);
        manage.MapDelete("/{id:guid}", Revoke).RequirePermission(StudioPermissions.ManageWorkers)
            .WithSummary("Revoke a worker's key: its next request is refused and a photo it holds is handed out again.");

        var worker = routes.MapGroup("/api/v1/studio/worker").WithTags("Studio")
            .RequireRateLimiting(RateLimitPolicy)
            .RequireAuthorization(WorkerAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        worker.MapGet("/work", Work)
            .WithSummary("Long poll: take the organisation's next photo waiting for a worker (200), or 204 when none came within waitSeconds (0-30, default 25).");
        worker.MapGet("/photos/{id:guid}/original", Original).WithSummary("The original photo of a photo leased to this worker.");
        worker.MapPost("/photos/{id:guid}/progress", Progress).WithSummary("Stage and percent; also the lease's heartbeat.");
        worker.MapPost("/photos/{id:guid}/result", Result).AcceptsBodyUpTo(MaxMaskBytes).Accepts<byte[]>("image/png")
            .WithSummary("The mask: an 8-bit greyscale PNG of the photo's size (255 = car). Optional query decodeMs, inferMs, refineMs, encodeMs.");
        worker.MapPost("/photos/{id:guid}/failure", Failure).WithSummary("The worker could not segment the photo; the message becomes its error.");
        return routes;
    }

    private static async Task<Results<Created<CreatedWorkerResponse>, ValidationProblem>> Create(
        CreateWorkerRequest request, OrganizationScope scope, StudioWorkers workers, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return Problems.Invalid("name", $"name is 1 to {MaxNameLength} characters.");
        }

        var (worker, key) = await workers.RegisterAsync(scope.OrganizationId, name, ct);
        return TypedResults.Created($"/api/v1/studio/workers/{worker.Id}", new CreatedWorkerResponse(worker.Id, worker.Name, key, worker.CreatedAt));
    }

    private static async Task<Ok<List<WorkerResponse>>> List(OrganizationScope scope, StudioWorkers workers, CancellationToken ct) =>
        TypedResults.Ok((await workers.ListAsync(scope.OrganizationId, ct)).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, OrganizationScope scope, StudioWorkers workers, CancellationToken ct) =>
        await workers.RevokeAsync(scope.OrganizationId, id, ct) ? TypedResults.NoContent() : Problems.NotFound("No such worker.");

    private static async Task<Results<Ok<WorkerTask>, NoContent, ValidationProblem, ProblemHttpResult>> Work(
        CurrentWorker worker, StudioDbContext db, IOptions<StudioOptions> options, TimeProvider time, HttpContext http, string? waitSeconds = null)
    {
        var wait = DefaultWaitSeconds;
        if (waitSeconds is not null && (!int.TryParse(waitSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out wait) || wait > MaxWaitSeconds))
        {
            return Problems.Invalid("waitSeconds", $"waitSeconds is a whole number from 0 to {MaxWaitSeconds}.");
        }

        var lease = TimeSpan.FromSeconds(options.Value.WorkerLeaseSeconds);
        var started = time.GetUtcNow().UtcDateTime;

        // A worker runs one photo at a time: asking for work means this process has none, so a lease it still holds was
        // lost on the way (restart, dropped connection) and is given back now rather than after the lease.
        var held = await db.Photos.AsNoTracking()
            .Where(p => p.WorkerId == worker.Id && p.WorkerInstance == worker.Instance && p.Status == PhotoStatus.Running && p.LeasedAt < started)
            .Select(p => new { p.Id, p.LeasedAt }).ToListAsync(http.RequestAborted);
        foreach (var photo in held)
        {
            await WorkerLeases.GiveBackAsync(db, photo.Id, worker.Id, worker.Instance, photo.LeasedAt!.Value,
                $"The worker '{worker.Name}' asked for new work without finishing this photo (it restarted or lost the connection).", started);
        }

        var ct = http.RequestAborted;
        var deadline = time.GetTimestamp() + (long)(wait * (double)time.TimestampFrequency);
        for (var round = 1; !ct.IsCancellationRequested; round++)
        {
            if (await TryClaimAsync(db, worker, time, ct) is { } claimed)
            {
                return TypedResults.Ok(new WorkerTask(claimed.Id, claimed.FileName, claimed.Attempts + 1, (int)lease.TotalSeconds,
                    $"photos/{claimed.Id}/original", $"photos/{claimed.Id}/progress", $"photos/{claimed.Id}/result", $"photos/{claimed.Id}/failure"));
            }

            if (time.GetTimestamp() >= deadline)
            {
                break;
            }

            // Every two seconds: a key revoked during the wait is refused, and the worker stays "alive" while it waits.
            if (round % 8 == 0)
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (await db.Workers.Where(w => w.Id == worker.Id && w.RevokedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(w => w.LastSeenAt, now), CancellationToken.None) == 0)
                {
                    return Problems.Unauthorized("The worker's key was revoked.");
                }
            }

            try
            {
                await Task.Delay(RemoveBackgroundHandler.PollInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return TypedResults.NoContent();
    }

    /// <summary>
    /// The organisation's oldest photo offered to workers. Conditional on it still being unclaimed, so of two concurrent
    /// polls (or instances) exactly one wins; the job, taking it back to run it here, uses the same condition.
    /// </summary>
    private static async Task<StudioPhoto?> TryClaimAsync(StudioDbContext db, CurrentWorker worker, TimeProvider time, CancellationToken ct)
    {
        while (true)
        {
            var candidate = await db.Photos.AsNoTracking()
                .Where(p => p.OrganizationId == worker.OrganizationId && p.Status == PhotoStatus.Running && p.OfferedAt != null && p.WorkerId == null
                    && p.WorkerError == null)
                .OrderBy(p => p.OfferedAt).ThenBy(p => p.Id)
                .FirstOrDefaultAsync(ct);
            if (candidate is null)
            {
                return null;
            }

            var now = time.GetUtcNow().UtcDateTime;
            var workerId = worker.Id;
            var instance = worker.Instance;
            var won = await db.Photos
                .Where(p => p.Id == candidate.Id && p.OfferedAt == candidate.OfferedAt && p.WorkerId == null && p.Status == PhotoStatus.Running
                    && p.WorkerError == null && db.Workers.Any(w => w.Id == workerId && w.RevokedAt == null))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.WorkerId, workerId)
                    .SetProperty(p => p.WorkerInstance, instance)
                    .SetProperty(p => p.LeasedAt, now)
                    .SetProperty(p => p.HeardAt, now)
                    .SetProperty(p => p.OfferedAt, (DateTime?)null)
                    .SetProperty(p => p.Attempts, p => p.Attempts + 1)
                    .SetProperty(p => p.Stage, $"Taken by worker {worker.Name}")
                    .SetProperty(p => p.Progress, 1)
                    .SetProperty(p => p.UpdatedAt, now), CancellationToken.None);
            if (won == 1)
            {
                return candidate;
            }
        }
    }

    /// <summary>404 for a photo of another organisation (or none); 409 for one of this organisation not leased to this worker process now.</summary>
    private static async Task<ProblemHttpResult> RefusalAsync(StudioDbContext db, CurrentWorker worker, Guid id, CancellationToken ct)
    {
        var exists = await db.Photos.AsNoTracking().AnyAsync(p => p.Id == id && p.OrganizationId == worker.OrganizationId, ct);
        return exists
            ? Problems.Conflict("This photo is not leased to this worker (any more): it was finished, failed, handed out again after a silent lease, or taken by another worker.")
            : Problems.NotFound("No such photo.");
    }

    private static async Task<IResult> Original(Guid id, CurrentWorker worker, StudioDbContext db, IMediaStore media, CancellationToken ct)
    {
        var photo = await StudioWorkers.Leased(db, worker, id).AsNoTracking().Select(p => new { p.OriginalMediaId }).FirstOrDefaultAsync(ct);
        if (photo is null)
        {
            return await RefusalAsync(db, worker, id, ct);
        }

        var stream = await media.OpenReadAsync(worker.OrganizationId, photo.OriginalMediaId, ct);
        return stream is null ? Problems.Conflict("The original photo is no longer in the media store.") : TypedResults.Stream(stream, "application/octet-stream");
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Progress(
        Guid id, WorkerProgressRequest request, CurrentWorker worker, StudioDbContext db, TimeProvider time, CancellationToken ct)
    {
        var stage = request.Stage?.Trim();
        var check = new Validation()
            .Require(stage is { Length: >= 1 and <= 60 }, "stage", "stage is 1 to 60 characters saying what the worker is doing.")
            .Require(request.Percent is >= 0 and <= 100, "percent", "percent is a whole number from 0 to 100.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }

        // Below 100: the photo is done only when the server has stored the result.
        var percent = Math.Min(request.Percent!.Value, 99);
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await StudioWorkers.Leased(db, worker, id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Stage, stage).SetProperty(p => p.Progress, percent).SetProperty(p => p.HeardAt, now), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, worker, id, ct);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Failure(
        Guid id, WorkerFailureRequest request, CurrentWorker worker, StudioDbContext db, CancellationToken ct)
    {
        var error = request.Error?.Trim();
        if (string.IsNullOrEmpty(error) || error.Length > 400)
        {
            return Problems.Invalid("error", "error is 1 to 400 characters saying why the photo could not be segmented.");
        }

        var message = $"The worker '{worker.Name}' could not remove the background: {error}";
        var updated = await StudioWorkers.Leased(db, worker, id).ExecuteUpdateAsync(s => s.SetProperty(p => p.WorkerError, message), ct);
        return updated == 1 ? TypedResults.NoContent() : await RefusalAsync(db, worker, id, ct);
    }

    /// <summary>
    /// The mask, checked as outside bytes: a PNG (by its signature and decoder, not the header), exactly the photo's size,
    /// within the byte and pixel limits. The cut-out PNG is composed here from the stored original, so a worker can only
    /// ever decide which pixels are the car.
    /// </summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Result(
        Guid id, HttpRequest request, CurrentWorker worker, StudioWorkers workers, StudioDbContext db, CancellationToken ct,
        string? decodeMs = null, string? inferMs = null, string? refineMs = null, string? encodeMs = null)
    {
        var photo = await StudioWorkers.Leased(db, worker, id).AsNoTracking().FirstOrDefaultAsync(ct);
        if (photo is null)
        {
            return await RefusalAsync(db, worker, id, ct);
        }

        if (request.ContentLength > MaxMaskBytes)
        {
            return Problems.TooLarge($"A mask is at most {MaxMaskBytes / 1024 / 1024} MiB.");
        }

        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge($"A mask is at most {MaxMaskBytes / 1024 / 1024} MiB.");
        }

        var timings = new List<string>();
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("decode", decodeMs), ("infer", inferMs), ("refine", refineMs), ("encode", encodeMs)])
        {
            if (value is null)
            {
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 3_600_000)
            {
                return Problems.Invalid(name + "Ms", "Stage times are whole milliseconds, at most an hour.");
            }

            timings.Add($"{name} {ms} ms");
        }

        var outcome = await workers.AcceptMaskAsync(photo, worker, bytes, $"worker {worker.Name}: " + (timings.Count > 0 ? string.Join(", ", timings) : "no times reported"), ct);
        return outcome switch
        {
            MaskOutcome.Accepted => TypedResults.NoContent(),
            MaskOutcome.LeaseLost => await RefusalAsync(db, worker, id, ct),
            MaskOutcome.Rejected rejected => Problems.Invalid("mask", rejected.Reason),
            _ => throw new InvalidOperationException(),
        };
    }
}
