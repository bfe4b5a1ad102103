using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments.Contracts;

namespace Pitlane.Modules.Payments.Idempotency;

/// <summary>
/// Idempotency keys in the database, so every instance sees every key: the first request inserts the row (the unique
/// (scope, key) index decides the winner of a race), later ones read it. Works in its own scope and transaction, apart
/// from the handler's.
/// </summary>
public sealed class IdempotencyStore(IServiceScopeFactory scopes, TimeProvider time) : IIdempotencyStore
{
    /// <summary>Stripe keeps keys at least 24 hours.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A request still running after this is taken to have died with its instance; its key may be retried.</summary>
    public static readonly TimeSpan Lock = TimeSpan.FromMinutes(2);

    public async Task<IdempotencyClaim> BeginAsync(string scope, string key, string fingerprint, CancellationToken ct)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var existing = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Scope == scope && k.Key == key, ct);
            if (existing is null)
            {
                var record = new IdempotencyRecord
                {
                    Id = Guid.CreateVersion7(), Scope = scope, Key = key, Fingerprint = fingerprint, LockedUntil = now + Lock, CreatedAt = now,
                };
                db.IdempotencyKeys.Add(record);
                try
                {
                    await db.SaveChangesAsync(ct);
                    return new IdempotencyClaim(IdempotencyOutcome.Started, record.Id);
                }
                catch (DbUpdateException) when (attempt < 5)
                {
                    // Another request inserted the key first: read it.
                    db.ChangeTracker.Clear();
                    continue;
                }
            }
            if (existing.CreatedAt < now - Retention)
            {
                await db.IdempotencyKeys.Where(k => k.Id == existing.Id).ExecuteDeleteAsync(ct);
                continue;
            }
            if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                return new IdempotencyClaim(IdempotencyOutcome.Mismatch, existing.Id);
            }
            if (existing.Completed)
            {
                return new IdempotencyClaim(IdempotencyOutcome.Replay, existing.Id,
                    new StoredResponse(existing.StatusCode, existing.ContentType, existing.Location, existing.Body ?? []));
            }
            if (existing.LockedUntil > now)
            {
                return new IdempotencyClaim(IdempotencyOutcome.InFlight, existing.Id);
            }
            var taken = await db.IdempotencyKeys
                .Where(k => k.Id == existing.Id && !k.Completed && k.LockedUntil == existing.LockedUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LockedUntil, now + Lock), ct);
            return new IdempotencyClaim(taken == 1 ? IdempotencyOutcome.Started : IdempotencyOutcome.InFlight, existing.Id);
        }
    }

    public async Task CompleteAsync(IdempotencyClaim claim, StoredResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(response);
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        await db.IdempotencyKeys.Where(k => k.Id == claim.RecordId).ExecuteUpdateAsync(s => s
            .SetProperty(k => k.Completed, true)
            .SetProperty(k => k.StatusCode, response.StatusCode)
            .SetProperty(k => k.ContentType, response.ContentType)
            .SetProperty(k => k.Location, response.Location)
            .SetProperty(k => k.Body, response.Body), ct);
    }

    public async Task AbandonAsync(IdempotencyClaim claim, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        await db.IdempotencyKeys.Where(k => k.Id == claim.RecordId && !k.Completed).ExecuteDeleteAsync(ct);
    }

    /// <summary>Deletes keys past retention; run by the payments maintenance loop.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var cutoff = time.GetUtcNow().UtcDateTime - Retention;
        return await db.IdempotencyKeys.Where(k => k.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
