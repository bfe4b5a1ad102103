using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Jobs;

/// <summary>
/// Enqueues jobs through the caller's own (module) context: the job row and its wake-up event
/// (<see cref="JobQueued"/>, through the outbox) are written by the same SaveChanges as the caller's own change, so a
/// job exists exactly when the change that asked for it committed.
/// </summary>
public sealed class JobQueue(JobRegistry registry, TimeProvider time, IOptions<PitlaneOptions> options, JobWorker worker)
{
    /// <summary>
    /// Adds the job to the context; the caller's next SaveChanges stores it. Returns the job id. With
    /// <paramref name="runAt"/> in the future the job waits until then (a subscription renewal at the end of its period);
    /// the workers' poll of platform_jobs picks it up when it is due.
    /// </summary>
    public Guid Enqueue<TPayload>(DbContext db, Guid organizationId, TPayload payload, DateTime? runAt = null) where TPayload : notnull
    {
        ArgumentNullException.ThrowIfNull(payload);
        var registration = registry.ForPayload(typeof(TPayload));
        var now = time.GetUtcNow();
        var job = Job.Create(organizationId, registration.Type, JsonSerializer.Serialize(payload, JobRegistry.Json),
            registration.MaxAttempts ?? options.Value.Jobs.DefaultMaxAttempts, now.UtcDateTime, runAt);
        db.Set<Job>().Add(job);
        db.AddOutboxEvent(new JobQueued(job.Id) { OccurredAt = now });
        return job.Id;
    }

    /// <summary>
    /// Enqueues and saves: inside the caller's open transaction (db.Database.BeginTransactionAsync) it commits or rolls
    /// back with it; without one it commits the caller's pending changes and the job together.
    /// </summary>
    public async Task<Guid> EnqueueAsync<TPayload>(DbContext db, Guid organizationId, TPayload payload, CancellationToken ct) where TPayload : notnull
    {
        ArgumentNullException.ThrowIfNull(db);
        var id = Enqueue(db, organizationId, payload);
        await db.SaveChangesAsync(ct);
        WakeLocal(id);
        return id;
    }

    /// <summary>
    /// Call after the SaveChanges that stored the job committed: this instance's worker tries to claim it at once instead
    /// of waiting for the outbox wake-up (which still goes out and reaches the other instances; a claim is conditional, so
    /// the job runs once). Before the commit it is harmless: the claim finds no row and the outbox wake-up follows.
    /// </summary>
    public void WakeLocal(Guid jobId)
    {
        if (options.Value.Jobs.Concurrency > 0)
        {
            worker.Nudge(jobId);
        }
    }
}
