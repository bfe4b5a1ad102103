using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Platform;

namespace Pitlane.Modules.Payments.Payouts;

/// <summary>
/// Payouts of a payee's balance: created pending (the amount moves from payee_payable to payouts_in_transit in the same
/// transaction), sent to the processor (in_transit), settled paid (the money leaves the processor balance) or failed
/// (it returns to the payee's balance). <see cref="RunScheduleAsync"/> is the daily schedule's work.
/// </summary>
public sealed class PayoutService(PaymentsDbContext db, LedgerBook ledger, IPaymentProcessor processor, TimeProvider time)
{
    public async Task<(Payout? Payout, Dictionary<string, string[]>? Errors, string? Conflict)> CreateAsync(Guid organizationId, long? amount, string? currency, bool automatic, CancellationToken ct)
    {
        currency = (currency ?? "").Trim().ToLowerInvariant();
        var check = new Validation()
            .Require(currency.Length == 3 && currency.All(char.IsAsciiLetterLower), "currency", "currency must be a three-letter ISO 4217 code.")
            .Require(amount is null or > 0, "amount", "amount must be positive.");
        if (!check.IsValid)
        {
            return (null, check.Errors, null);
        }
        var payable = await ledger.AccountAsync(AccountOwner.Organization, organizationId, AccountCode.PayeePayable, currency, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ledger.LockAsync(payable.Id, ct);
        var available = -await ledger.BalanceAsync(payable.Id, ct);
        var toPay = amount ?? available;
        if (toPay <= 0 || toPay > available)
        {
            return (null, null, $"The available balance is {Math.Max(0, available)} {currency}; a payout of {toPay} is not possible.");
        }
        var payout = new Payout(Guid.CreateVersion7(), organizationId, toPay, currency, automatic, Now);
        db.Payouts.Add(payout);
        await ledger.PayoutCreatedAsync(organizationId, payout.Id, toPay, currency, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (payout, null, null);
    }

    /// <summary>
    /// Sends pending payouts to the processor and settles in-transit ones it reports paid or failed; then, when
    /// <paramref name="automatic"/>, creates a payout of every positive payee balance.
    /// </summary>
    public async Task<int> RunScheduleAsync(bool automatic, CancellationToken ct)
    {
        var moved = 0;
        if (automatic)
        {
            var balances = await db.JournalLines
                .Join(db.Accounts.Where(a => a.Code == AccountCode.PayeePayable), l => l.AccountId, a => a.Id, (l, a) => new { a.OwnerId, a.Currency, l.Amount })
                .GroupBy(x => new { x.OwnerId, x.Currency }).Select(g => new { g.Key.OwnerId, g.Key.Currency, Sum = g.Sum(x => x.Amount) })
                .Where(g => g.Sum < 0).ToListAsync(ct);
            foreach (var balance in balances)
            {
                var (payout, _, _) = await CreateAsync(balance.OwnerId, null, balance.Currency, automatic: true, ct);
                moved += payout is null ? 0 : 1;
            }
        }
        // One payout at a time, each read fresh: a lost race (a webhook settled it first) clears the context, and an
        // entity read before that would be detached, its change silently unsaved while its ledger entry is written.
        foreach (var id in await db.Payouts.Where(p => p.Status == PayoutStatus.Pending).OrderBy(p => p.CreatedAt).Select(p => p.Id).Take(500).ToListAsync(ct))
        {
            db.ChangeTracker.Clear();
            if (await db.Payouts.FirstOrDefaultAsync(p => p.Id == id && p.Status == PayoutStatus.Pending, ct) is not { } payout)
            {
                continue;
            }
            var sent = await processor.CreatePayoutAsync(payout.OrganizationId, payout.Amount, payout.Currency, $"payout:{payout.Id}", ct);
            payout.Sent(sent.Id, Now);
            await SaveIgnoringRaceAsync(ct);
            moved++;
        }
        foreach (var id in await db.Payouts.Where(p => p.Status == PayoutStatus.InTransit).OrderBy(p => p.CreatedAt).Select(p => p.Id).Take(500).ToListAsync(ct))
        {
            db.ChangeTracker.Clear();
            if (await db.Payouts.FirstOrDefaultAsync(p => p.Id == id && p.Status == PayoutStatus.InTransit, ct) is not { } payout)
            {
                continue;
            }
            var state = await processor.GetPayoutAsync(payout.ProcessorId!, ct);
            if (await SettleAsync(payout, state.Status, state.FailureCode, ct))
            {
                await SaveIgnoringRaceAsync(ct);
                moved++;
            }
        }
        return moved;
    }

    /// <summary>Settles a payout (from the schedule or a payout.paid / payout.failed webhook); the caller saves.</summary>
    internal async Task<bool> SettleAsync(Payout payout, string status, string? failureCode, CancellationToken ct)
    {
        if (!payout.Settle(status, failureCode, Now))
        {
            return false;
        }
        await ledger.PayoutSettledAsync(payout.OrganizationId, payout.Id, payout.Amount, payout.Currency, status == PayoutStatus.Paid, ct);
        return true;
    }

    public async Task<ListPage<Payout>> ListAsync(Guid organizationId, PageRequest page, CancellationToken ct) =>
        await page.ApplyAsync(db.Payouts.AsNoTracking().Where(p => p.OrganizationId == organizationId).OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id), ct);

    private async Task SaveIgnoringRaceAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A webhook settled it first, with its ledger entry.
            db.ChangeTracker.Clear();
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
