using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform.Jobs;

public sealed record JobResponse(
    Guid Id, string Type, string State, int Progress, string? Message, int Attempts, int MaxAttempts, DateTime? NextAttemptAt,
    bool CancelRequested, string? Error, JsonElement? Result, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static JobResponse From(Job job) => new(
        job.Id, job.Type, JobStates.Name(job.State), job.Progress, job.ProgressMessage, job.Attempts, job.MaxAttempts,
        job.State == JobState.Failed ? job.NextAttemptAt : null, job.CancelRequested, job.Error,
        job.Result is null ? null : JsonDocument.Parse(job.Result).RootElement.Clone(), job.CreatedAt, job.UpdatedAt);
}

/// <summary>Jobs of the request's organisation (X-Organization-Id). Another organisation's job is a 404.</summary>
public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapTenantApi("/api/v1/jobs", "Jobs");
        jobs.MapGet("/{id:guid}", Get);
        jobs.MapPost("/{id:guid}/cancel", Cancel);
        return routes;
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, PlatformDbContext db, CancellationToken ct)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.OrganizationId == scope.OrganizationId, ct);
        return job is null ? Problems.NotFound("No such job.") : TypedResults.Ok(JobResponse.From(job));
    }

    /// <summary>
    /// 403 for a role that may not start jobs of this type (<see cref="JobRegistration.Permission"/>).
    /// 202: a queued job is cancelled at once; a running job's handler is told through its token within one heartbeat
    /// (Pitlane:Jobs:HeartbeatMilliseconds) and the job then shows "cancelled". 409: the job already ended.
    /// </summary>
    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> Cancel(
        Guid id, OrganizationScope scope, JobStore store, JobRegistry registry, PlatformDbContext db, TimeProvider time, CancellationToken ct)
    {
        var type = await db.Jobs.AsNoTracking().Where(j => j.Id == id && j.OrganizationId == scope.OrganizationId).Select(j => j.Type).FirstOrDefaultAsync(ct);
        if (type is null)
        {
            return Problems.NotFound("No such job.");
        }
        // Stopping work is as much a decision as starting it: only the roles that may start this kind of job.
        if (registry.ForType(type)?.Permission is { } permission && !scope.Can(permission))
        {
            return Problems.Forbidden($"Your role ({scope.Role}) may not cancel this job: it needs a role that may {permission.Action}.");
        }
        var outcome = await store.RequestCancelAsync(id, scope.OrganizationId, time.GetUtcNow().UtcDateTime, ct);
        if (outcome == CancelOutcome.NotFound)
        {
            return Problems.NotFound("No such job.");
        }
        var job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == id, ct);
        if (outcome == CancelOutcome.AlreadyFinal)
        {
            return Problems.Conflict($"The job already ended ({JobStates.Name(job.State)}); it cannot be cancelled.");
        }
        return TypedResults.Accepted($"/api/v1/jobs/{id}", JobResponse.From(job));
    }
}
