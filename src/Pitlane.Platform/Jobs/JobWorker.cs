using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Jobs;

/// <summary>
/// Runs up to Pitlane:Jobs:Concurrency jobs on this instance. Work arrives two ways: a <see cref="JobQueued"/> wake-up
/// from the bus (fast path, one instance per job), and a poll of platform_jobs every Pitlane:Jobs:PollMilliseconds
/// for what wake-ups cannot cover: retries that fell due, jobs whose instance died (expired lease), wake-ups lost with
/// a crashed instance, and jobs a busy instance could not take. Either way a job runs only after the atomic claim.
/// While a job runs, a heartbeat renews its lease and reads its cancel flag; a cancel request or a lost lease fires
/// the handler's token within one heartbeat.
/// </summary>
public sealed class JobWorker(
    JobStore store, JobRegistry registry, IServiceScopeFactory scopes, IEventBus bus, MessagingInstance instance,
    TimeProvider time, IOptions<PitlaneOptions> options, ILogger<JobWorker> logger) : BackgroundService
{
    private readonly JobOptions _options = options.Value.Jobs;
    private readonly Channel<Guid> _nudges = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    // Live progress goes out through its own loop so a slow or absent broker never holds up a running job; when the
    // pushes back up, the oldest are dropped (the job row keeps the truth).
    private readonly Channel<JobProgressed> _pushes = Channel.CreateBounded<JobProgressed>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private DateTimeOffset _nextSweep;

    private TimeSpan Lease => TimeSpan.FromSeconds(_options.LeaseSeconds);

    /// <summary>A wake-up for a job that was just enqueued; this instance tries to claim it when it has a free slot.</summary>
    public void Nudge(Guid jobId) => _nudges.Writer.TryWrite(jobId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Concurrency == 0)
        {
            return;
        }
        using var slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        using var pushStop = new CancellationTokenSource();
        var pusher = PushLoopAsync(pushStop.Token);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                Guid? claimed;
                try
                {
                    claimed = await ClaimNextAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Looking for jobs failed; trying again after the poll interval.");
                    claimed = null;
                }
                if (claimed is not { } id)
                {
                    slots.Release();
                    await WaitForWorkAsync(stoppingToken);
                    continue;
                }
                // Given back when the job ends, or earlier when it waits for something outside (JobSlot.Release).
                var released = 0;
                void ReleaseSlot()
                {
                    if (Interlocked.Exchange(ref released, 1) == 0)
                    {
                        slots.Release();
                    }
                }
                _running[id] = Task.Run(async () =>
                {
                    try
                    {
                        await RunAsync(id, ReleaseSlot, stoppingToken);
                    }
                    finally
                    {
                        _running.TryRemove(id, out _);
                        ReleaseSlot();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the running jobs give their attempt back (RunAsync), awaited below.
        }
        finally
        {
            await Task.WhenAll(_running.Values);
            _pushes.Writer.TryComplete();
            pushStop.CancelAfter(TimeSpan.FromSeconds(5));
            await pusher;
        }
    }

    private async Task PushLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var progressed in _pushes.Reader.ReadAllAsync(stop))
            {
                try
                {
                    await bus.PublishAsync(progressed, stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A live push is best effort: GET /api/v1/jobs/{id} serves the stored progress.
                    logger.LogWarning(e, "Live progress of job {JobId} not pushed.", progressed.JobId);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down with pushes still queued: they are stale once the instance is gone.
        }
    }

    private async Task<Guid?> ClaimNextAsync(CancellationToken ct)
    {
        while (_nudges.Reader.TryRead(out var nudged))
        {
            // The clock is read per wake-up: a job enqueued while an earlier wake-up was being tried is due at its own
            // creation time, later than a clock read before it, and would otherwise wait for the next sweep.
            if (await store.TryClaimAsync(nudged, instance.Id, time.GetUtcNow().UtcDateTime, Lease, ct))
            {
                return nudged;
            }
        }
        var now = time.GetUtcNow();
        if (now < _nextSweep)
        {
            return null;
        }
        _nextSweep = now + TimeSpan.FromMilliseconds(_options.PollMilliseconds);
        await store.EndAbandonedAsync(now.UtcDateTime, ct);
        foreach (var due in await store.DueAsync(now.UtcDateTime, _options.Concurrency * 2, ct))
        {
            if (await store.TryClaimAsync(due, instance.Id, now.UtcDateTime, Lease, ct))
            {
                return due;
            }
        }
        return null;
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        var wait = _nextSweep - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            wait = TimeSpan.FromMilliseconds(_options.PollMilliseconds);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(wait);
        try
        {
            await _nudges.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Poll interval elapsed without a wake-up.
        }
    }

    private async Task RunAsync(Guid id, Action releaseSlot, CancellationToken stopping)
    {
        var job = await store.FindAsync(id, CancellationToken.None);
        if (job is null)
        {
            return;
        }
        var registration = registry.ForType(job.Type);
        if (registration is null)
        {
            await EndAsync(job, JobState.Dead, () => store.FailAsync(id, instance.Id, $"No handler for job type '{job.Type}' is registered.", null, Now(), CancellationToken.None));
            return;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watch = new HeartbeatState();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(id, cancellation, watch, heartbeatStop.Token);
        PushProgress(job, JobState.Running, job.Progress, job.ProgressMessage);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<JobSlot>().Bind(releaseSlot);
            var result = await registration.Run(scope.ServiceProvider, job, job.Attempts,
                (percent, message, ct) => ReportAsync(job, percent, message, ct), cancellation.Token);
            var json = result is null ? null : JsonSerializer.Serialize(result, result.GetType(), JobRegistry.Json);
            await StopHeartbeatAsync(heartbeatStop, heartbeat);
            await EndAsync(job, JobState.Succeeded, () => store.SucceedAsync(id, instance.Id, json, Now(), CancellationToken.None), 100);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await StopHeartbeatAsync(heartbeatStop, heartbeat);
            if (watch.CancelRequested)
            {
                await EndAsync(job, JobState.Cancelled, () => store.MarkCancelledAsync(id, instance.Id, Now(), CancellationToken.None));
            }
            else if (watch.LeaseLost)
            {
                logger.LogWarning("Job {JobId} lost its lease to another instance; this attempt stopped.", id);
            }
            else
            {
                await store.ReleaseAsync(id, instance.Id, Now(), CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            await StopHeartbeatAsync(heartbeatStop, heartbeat);
            var error = OutboxDispatcher.Truncate($"{e.GetType().Name}: {e.Message}", 4000);
            var retryAt = e is JobPermanentFailureException || job.Attempts >= job.MaxAttempts ? (DateTime?)null : Now() + Backoff(job.Attempts);
            logger.LogWarning(e, "Job {JobId} ({Type}) attempt {Attempt}/{Max} failed; {Next}.", id, job.Type, job.Attempts, job.MaxAttempts,
                retryAt is null ? "dead" : $"retry at {retryAt:O}");
            await EndAsync(job, retryAt is null ? JobState.Dead : JobState.Failed, () => store.FailAsync(id, instance.Id, error, retryAt, Now(), CancellationToken.None));
        }
    }

    /// <summary>Exponential back-off: base × 2^(attempt−1), capped, with up to 10 % jitter so retries of a burst spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(_options.RetryBaseSeconds * Math.Pow(2, attempt - 1), _options.RetryMaxSeconds);
        return TimeSpan.FromSeconds(seconds * (1 + (Random.Shared.NextDouble() * 0.1)));
    }

    private async Task HeartbeatAsync(Guid id, CancellationTokenSource cancellation, HeartbeatState watch, CancellationToken stop)
    {
        var interval = TimeSpan.FromMilliseconds(_options.HeartbeatMilliseconds);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stop);
                if (!await store.RenewAsync(id, instance.Id, Now(), Lease, stop))
                {
                    watch.LeaseLost = true;
                    await cancellation.CancelAsync();
                    return;
                }
                if (await store.IsCancelRequestedAsync(id, stop))
                {
                    watch.CancelRequested = true;
                    await cancellation.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is briefly unavailable: the lease has LeaseSeconds of slack; try again next beat.
                logger.LogWarning(e, "Renewing the lease of job {JobId} failed.", id);
            }
        }
    }

    private static async Task StopHeartbeatAsync(CancellationTokenSource stop, Task heartbeat)
    {
        await stop.CancelAsync();
        await heartbeat;
    }

    private async Task ReportAsync(Job job, int percent, string? message, CancellationToken ct)
    {
        message = message is null ? null : OutboxDispatcher.Truncate(message, 500);
        if (await store.ReportAsync(job.Id, instance.Id, percent, message, Now(), ct))
        {
            PushProgress(job, JobState.Running, percent, message);
        }
    }

    private async Task EndAsync(Job job, JobState state, Func<Task<bool>> transition, int? progress = null)
    {
        if (await transition())
        {
            var ended = await store.FindAsync(job.Id, CancellationToken.None);
            PushProgress(job, state, progress ?? ended?.Progress ?? job.Progress, ended?.ProgressMessage);
            if (state is JobState.Cancelled or JobState.Dead)
            {
                await store.NotifyEndedAsync(job.Id);
            }
        }
    }

    private void PushProgress(Job job, JobState state, int progress, string? message) =>
        _pushes.Writer.TryWrite(new JobProgressed(job.Id, job.OrganizationId, JobStates.Name(state), progress, message) { OccurredAt = time.GetUtcNow() });

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private sealed class HeartbeatState
    {
        public volatile bool CancelRequested;
        public volatile bool LeaseLost;
    }
}
