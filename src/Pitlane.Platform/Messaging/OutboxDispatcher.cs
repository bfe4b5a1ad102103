using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Persistence;

namespace Pitlane.Platform.Messaging;

/// <summary>Wakes the dispatcher when a transaction that wrote outbox rows committed (see <see cref="OutboxCommitInterceptor"/>).</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled at the same moment: one wake-up serves both.
            }
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Publishes committed outbox rows in sequence order, at least once. Several instances may run it: each claims a
/// batch with a conditional update (claim token and expiry), so rows are not published twice in parallel, and a
/// claim left by a crashed instance expires. A broker outage leaves rows unpublished and backs off (the outbox is the
/// durable buffer); a failing in-process handler gives its row an exponential back-off and, after
/// Pitlane:Messaging:MaxDeliveries attempts, the dead state (DeadAt, LastError) while later rows continue.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IEventBus bus, OutboxSignal signal, TimeProvider time,
    IOptions<PitlaneOptions> options, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan ClaimDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxOutageBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);
    private readonly MessagingOptions _options = options.Value.Messaging;
    private DateTimeOffset _nextCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(_options.OutboxPollMilliseconds);
        var outageBackoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await DispatchBatchAsync(stoppingToken);
                outageBackoff = TimeSpan.Zero;
                await CleanupIfDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Broker unreachable or database unavailable: the rows stay in the outbox; try again later.
                outageBackoff = outageBackoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(Math.Min(outageBackoff.Ticks * 2, MaxOutageBackoff.Ticks));
                logger.LogWarning(e, "Outbox dispatch failed; retrying in {Delay}.", outageBackoff);
                try
                {
                    await Task.Delay(outageBackoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (published == 0)
            {
                try
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims, publishes and marks one batch; returns how many rows it handled.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var candidates = await Ready(db.Outbox, now).OrderBy(o => o.Sequence).Select(o => o.Sequence)
            .Take(_options.OutboxBatchSize).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return 0;
        }
        // The claim repeats the readiness test, so of two dispatchers racing for a row only one update matches it
        // (PostgreSQL re-checks the condition on the locked row; SQLite has a single writer).
        var token = Guid.NewGuid();
        await Ready(db.Outbox, now).Where(o => candidates.Contains(o.Sequence))
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.ClaimToken, token).SetProperty(o => o.ClaimedUntil, now + ClaimDuration), ct);
        var rows = await db.Outbox.AsNoTracking().Where(o => o.ClaimToken == token).OrderBy(o => o.Sequence).ToListAsync(ct);

        var published = new List<long>(rows.Count);
        try
        {
            foreach (var row in rows)
            {
                try
                {
                    await bus.PublishAsync(row.ToEnvelope(), ct);
                    published.Add(row.Sequence);
                }
                catch (Exception e) when (e is not BrokerUnavailableException && e is not OperationCanceledException)
                {
                    await RecordFailureAsync(db, row, e, ct);
                }
            }
        }
        finally
        {
            var done = time.GetUtcNow().UtcDateTime;
            if (published.Count > 0)
            {
                await db.Outbox.Where(o => published.Contains(o.Sequence))
                    .ExecuteUpdateAsync(set => set.SetProperty(o => o.PublishedAt, done).SetProperty(o => o.ClaimToken, (Guid?)null)
                        .SetProperty(o => o.ClaimedUntil, (DateTime?)null), CancellationToken.None);
            }
            // Rows not reached (broker outage, shutdown) are released for the next round rather than waiting for the claim to expire.
            await db.Outbox.Where(o => o.ClaimToken == token)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.ClaimToken, (Guid?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), CancellationToken.None);
        }
        return rows.Count;
    }

    private static IQueryable<OutboxMessage> Ready(IQueryable<OutboxMessage> outbox, DateTime now) =>
        outbox.Where(o => o.PublishedAt == null && o.DeadAt == null
            && (o.NextAttemptAt == null || o.NextAttemptAt <= now)
            && (o.ClaimedUntil == null || o.ClaimedUntil < now));

    private async Task RecordFailureAsync(PlatformDbContext db, OutboxMessage row, Exception error, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var attempts = row.Attempts + 1;
        var message = Truncate(error.Message, 2000);
        if (attempts >= _options.MaxDeliveries)
        {
            logger.LogError(error, "Outbox event {EventId} ({Type}) dead after {Attempts} attempts.", row.EventId, row.Type, attempts);
            await db.Outbox.Where(o => o.Sequence == row.Sequence).ExecuteUpdateAsync(set => set
                .SetProperty(o => o.Attempts, attempts).SetProperty(o => o.LastError, message).SetProperty(o => o.DeadAt, now)
                .SetProperty(o => o.ClaimToken, (Guid?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), ct);
            return;
        }
        var delay = TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, attempts - 1), 60_000));
        logger.LogWarning(error, "Outbox event {EventId} ({Type}) failed attempt {Attempts}; next in {Delay}.", row.EventId, row.Type, attempts, delay);
        await db.Outbox.Where(o => o.Sequence == row.Sequence).ExecuteUpdateAsync(set => set
            .SetProperty(o => o.Attempts, attempts).SetProperty(o => o.LastError, message).SetProperty(o => o.NextAttemptAt, now + delay)
            .SetProperty(o => o.ClaimToken, (Guid?)null).SetProperty(o => o.ClaimedUntil, (DateTime?)null), ct);
    }

    private async Task CleanupIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + CleanupEvery;
        var cutoff = (now - TimeSpan.FromHours(_options.RetentionHours)).UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Outbox.Where(o => o.PublishedAt != null && o.PublishedAt < cutoff).ExecuteDeleteAsync(ct);
        // An inbox entry only has to outlive the redeliveries of its event, which come within minutes.
        await db.Inbox.Where(i => i.ProcessedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    internal static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
