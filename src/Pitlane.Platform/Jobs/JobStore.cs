using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Platform.Persistence;

namespace Pitlane.Platform.Jobs;

public enum CancelOutcome
{
    NotFound,
    /// <summary>The job was queued or waiting for a retry: it is cancelled now.</summary>
    Cancelled,
    /// <summary>The job is running: its handler's token fires at the next heartbeat.</summary>
    Requested,
    /// <summary>The job already ended (succeeded, cancelled or dead).</summary>
    AlreadyFinal,
}

/// <summary>
/// Every state change of platform_jobs that can race between instances, each one conditional UPDATE whose WHERE
/// clause is the transition's precondition: the row count says whether this instance won. On PostgreSQL a concurrent
/// update waits for the row lock and re-checks the condition on the new row version (READ COMMITTED), on SQLite
/// writers are serialised; either way two workers never both claim one job.
/// </summary>
public sealed class JobStore(IServiceScopeFactory scopes, JobRegistry registry, ILogger<JobStore> logger,
    Microsoft.Extensions.Options.IOptions<PitlaneOptions> options)
{
    private int Quota => options.Value.Jobs.MaxRunningPerOrganization;

    /// <summary>
    /// queued, or failed and due, or running with an expired lease (its instance died): becomes ours, unless its
    /// organisation already has <see cref="JobOptions.MaxRunningPerOrganization"/> jobs running under a live lease.
    /// </summary>
    public Task<bool> TryClaimAsync(Guid id, string owner, DateTime now, TimeSpan lease, CancellationToken ct)
    {
        var quota = Quota;
        return UpdateAsync(jobs => jobs.Where(j => j.Id == id && !j.CancelRequested && j.Attempts < j.MaxAttempts
                && (((j.State == JobState.Queued || j.State == JobState.Failed) && j.NextAttemptAt <= now)
                    || (j.State == JobState.Running && j.LeaseUntil < now))
                && jobs.Count(o => o.OrganizationId == j.OrganizationId && o.State == JobState.Running && o.LeaseUntil >= now) < quota)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Running)
                .SetProperty(j => j.LeaseOwner, owner)
                .SetProperty(j => j.LeaseUntil, now + lease)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.UpdatedAt, now), ct));
    }

    public async Task<Job?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
    }

    /// <summary>Extends our lease; false when the lease is no longer ours (taken over after it expired).</summary>
    public Task<bool> RenewAsync(Guid id, string owner, DateTime now, TimeSpan lease, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseUntil, now + lease), ct));

    public async Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs.AsNoTracking()
            .Where(j => j.Id == id).Select(j => j.CancelRequested).FirstOrDefaultAsync(ct);
    }

    public Task<bool> ReportAsync(Guid id, string owner, int percent, string? message, DateTime now, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.Progress, percent).SetProperty(j => j.ProgressMessage, message).SetProperty(j => j.UpdatedAt, now), ct));

    public Task<bool> SucceedAsync(Guid id, string owner, string? result, DateTime now, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Succeeded)
                .SetProperty(j => j.Progress, 100)
                .SetProperty(j => j.Result, result)
                .SetProperty(j => j.Error, (string?)null)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null)
                .SetProperty(j => j.UpdatedAt, now), ct));

    /// <summary>The attempt failed: <paramref name="retryAt"/> schedules the next one (state failed), null makes the job dead.</summary>
    public Task<bool> FailAsync(Guid id, string owner, string error, DateTime? retryAt, DateTime now, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, retryAt is null ? JobState.Dead : JobState.Failed)
                .SetProperty(j => j.Error, error)
                .SetProperty(j => j.NextAttemptAt, retryAt ?? now)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null)
                .SetProperty(j => j.UpdatedAt, now), ct));

    public Task<bool> MarkCancelledAsync(Guid id, string owner, DateTime now, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Cancelled)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null)
                .SetProperty(j => j.UpdatedAt, now), ct));

    /// <summary>The instance is stopping: the interrupted attempt is given back and the job is due again at once.</summary>
    public Task<bool> ReleaseAsync(Guid id, string owner, DateTime now, CancellationToken ct) =>
        UpdateAsync(jobs => jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Queued)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.NextAttemptAt, now)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null)
                .SetProperty(j => j.UpdatedAt, now), ct));

    public async Task<CancelOutcome> RequestCancelAsync(Guid id, Guid organizationId, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var jobs = db.Jobs.Where(j => j.Id == id && j.OrganizationId == organizationId);
        if (await jobs.Where(j => j.State == JobState.Queued || j.State == JobState.Failed)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.CancelRequested, true).SetProperty(j => j.UpdatedAt, now), ct) == 1)
        {
            await NotifyEndedAsync(id);
            return CancelOutcome.Cancelled;
        }
        if (await jobs.Where(j => j.State == JobState.Running)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.CancelRequested, true).SetProperty(j => j.UpdatedAt, now), ct) == 1)
        {
            return CancelOutcome.Requested;
        }
        return await jobs.AnyAsync(ct) ? CancelOutcome.AlreadyFinal : CancelOutcome.NotFound;
    }

    /// <summary>Jobs whose turn has come: queued, retries due, and running jobs whose instance stopped renewing the lease.</summary>
    public async Task<List<Guid>> DueAsync(DateTime now, int limit, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs.AsNoTracking();
        var quota = Quota;
        // Organisations at their quota are skipped here, so their backlog never hides other organisations' due jobs.
        return await jobs
            .Where(j => !j.CancelRequested && j.Attempts < j.MaxAttempts
                && (((j.State == JobState.Queued || j.State == JobState.Failed) && j.NextAttemptAt <= now)
                    || (j.State == JobState.Running && j.LeaseUntil < now))
                && jobs.Count(o => o.OrganizationId == j.OrganizationId && o.State == JobState.Running && o.LeaseUntil >= now) < quota)
            .OrderBy(j => j.NextAttemptAt).Select(j => j.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>
    /// Expired leases that cannot be resumed: a cancel was requested (→ cancelled) or the crashed attempt was the last
    /// one (→ dead). Returns how many it ended.
    /// </summary>
    public async Task<int> EndAbandonedAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.Running && j.LeaseUntil < now && (j.CancelRequested || j.Attempts >= j.MaxAttempts))
            .Select(j => j.Id).Take(100).ToListAsync(ct);
        var ended = 0;
        foreach (var id in candidates)
        {
            // One conditional update per job, so each ending is known and its handler told (another instance may win it).
            var expired = db.Jobs.Where(j => j.Id == id && j.State == JobState.Running && j.LeaseUntil < now);
            var changed = await expired.Where(j => j.CancelRequested).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null).SetProperty(j => j.UpdatedAt, now), ct);
            changed += await expired.Where(j => !j.CancelRequested && j.Attempts >= j.MaxAttempts).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Dead).SetProperty(j => j.Error, "The instance running the last attempt stopped (lease expired).")
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseUntil, (DateTime?)null).SetProperty(j => j.UpdatedAt, now), ct);
            if (changed > 0)
            {
                ended++;
                await NotifyEndedAsync(id);
            }
        }
        return ended;
    }

    /// <summary>
    /// Tells the handler of a job that just became cancelled or dead (<see cref="IJobEndHandler{TPayload}"/>). The job's
    /// row already says so; a failing handler is logged and the ending stands.
    /// </summary>
    internal async Task NotifyEndedAsync(Guid id)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id);
            if (job is null || job.State is not (JobState.Cancelled or JobState.Dead) || registry.ForType(job.Type)?.Ended is not { } ended)
            {
                return;
            }
            await ended(scope.ServiceProvider, job, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "The end handler of job {JobId} failed; the job stays ended.", id);
        }
    }

    private async Task<bool> UpdateAsync(Func<DbSet<Job>, Task<int>> update)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await update(scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs) == 1;
    }
}
