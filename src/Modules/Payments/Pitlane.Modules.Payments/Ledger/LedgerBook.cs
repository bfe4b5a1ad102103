using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Pitlane.Modules.Payments.Ledger;

/// <summary>
/// Writes the journal entries of the payment flows into the caller's context (so they commit with the business change)
/// and answers balances, statements and the whole-ledger check.
/// </summary>
public sealed class LedgerBook(PaymentsDbContext db, TimeProvider time)
{
    /// <summary>
    /// The account of an owner, code and currency. Its id is derived from those, and it is inserted with
    /// INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike), so concurrent first payments never collide.
    /// </summary>
    public async Task<LedgerAccount> AccountAsync(string ownerKind, Guid ownerId, string code, string currency, CancellationToken ct)
    {
        var id = AccountId(ownerKind, ownerId, code, currency);
        if (db.Accounts.Local.FirstOrDefault(a => a.Id == id) is { } tracked)
        {
            return tracked;
        }
        if (await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct) is { } found)
        {
            return found;
        }
        var now = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO payments_accounts ("Id", "OwnerKind", "OwnerId", "Code", "Currency", "CreatedAt", "LockVersion") VALUES ({id}, {ownerKind}, {ownerId}, {code}, {currency}, {now}, {0L}) ON CONFLICT DO NOTHING""", ct);
        return await db.Accounts.FirstAsync(a => a.Id == id, ct);
    }

    public static Guid AccountId(string ownerKind, Guid ownerId, string code, string currency)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ownerKind}|{ownerId:N}|{code}|{currency}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private Task<LedgerAccount> PlatformAsync(string code, string currency, CancellationToken ct) => AccountAsync(AccountOwner.Platform, Guid.Empty, code, currency, ct);

    private Task<LedgerAccount> PayerAsync(PaymentIntent intent, CancellationToken ct) => intent.CustomerId is { } person
        ? AccountAsync(AccountOwner.Person, person, AccountCode.CustomerFunds, intent.Currency, ct)
        : AccountAsync(AccountOwner.Organization, intent.OrganizationId, AccountCode.CustomerFunds, intent.Currency, ct);

    /// <summary>
    /// A capture: the customer's money arrives at the processor and is split between the payee (amount less the
    /// application fee) and the platform (the fee); the processor's fee is the platform's expense.
    /// </summary>
    public async Task CaptureAsync(PaymentIntent intent, long amount, long processorFee, CancellationToken ct)
    {
        var currency = intent.Currency;
        var fee = Math.Min(intent.ApplicationFeeAmount, amount);
        var processor = await PlatformAsync(AccountCode.ProcessorBalance, currency, ct);
        var payer = await PayerAsync(intent, ct);
        var payee = await AccountAsync(AccountOwner.Organization, intent.PayeeOrganizationId, AccountCode.PayeePayable, currency, ct);
        var revenue = await PlatformAsync(AccountCode.PlatformRevenue, currency, ct);
        var fees = await PlatformAsync(AccountCode.ProcessorFees, currency, ct);
        Add(JournalEntry.Create("capture", intent.Id, $"Captured {amount} {currency} of intent {intent.ProcessorId}", Now,
        [
            (processor, amount), (payer, -amount),
            (payer, amount), (payee, -(amount - fee)), (revenue, -fee),
            (fees, processorFee), (processor, -processorFee),
        ]));
    }

    /// <summary>A refund: the payee gives back its proportional part, the platform the rest; the money leaves the processor.</summary>
    public async Task RefundAsync(PaymentIntent intent, Guid refundId, long amount, long payeePart, CancellationToken ct)
    {
        var currency = intent.Currency;
        var processor = await PlatformAsync(AccountCode.ProcessorBalance, currency, ct);
        var payer = await PayerAsync(intent, ct);
        var payee = await AccountAsync(AccountOwner.Organization, intent.PayeeOrganizationId, AccountCode.PayeePayable, currency, ct);
        var refunds = await PlatformAsync(AccountCode.Refunds, currency, ct);
        Add(JournalEntry.Create("refund", refundId, $"Refunded {amount} {currency} of intent {intent.ProcessorId}", Now,
        [
            (payee, payeePart), (refunds, amount - payeePart), (payer, -amount),
            (payer, amount), (processor, -amount),
        ]));
    }

    /// <summary>A dispute withdraws the disputed amount from the processor balance, charged to the payee.</summary>
    public async Task DisputeAsync(PaymentIntent intent, Guid disputeId, long amount, CancellationToken ct)
    {
        var processor = await PlatformAsync(AccountCode.ProcessorBalance, intent.Currency, ct);
        var payee = await AccountAsync(AccountOwner.Organization, intent.PayeeOrganizationId, AccountCode.PayeePayable, intent.Currency, ct);
        Add(JournalEntry.Create("dispute", disputeId, $"Dispute of {amount} {intent.Currency} on intent {intent.ProcessorId}", Now,
            [(payee, amount), (processor, -amount)]));
    }

    public async Task PayoutCreatedAsync(Guid organizationId, Guid payoutId, long amount, string currency, CancellationToken ct)
    {
        var payee = await AccountAsync(AccountOwner.Organization, organizationId, AccountCode.PayeePayable, currency, ct);
        var transit = await AccountAsync(AccountOwner.Organization, organizationId, AccountCode.PayoutsInTransit, currency, ct);
        Add(JournalEntry.Create("payout", payoutId, $"Payout of {amount} {currency}", Now, [(payee, amount), (transit, -amount)]));
    }

    public async Task PayoutSettledAsync(Guid organizationId, Guid payoutId, long amount, string currency, bool paid, CancellationToken ct)
    {
        var transit = await AccountAsync(AccountOwner.Organization, organizationId, AccountCode.PayoutsInTransit, currency, ct);
        var other = paid
            ? await PlatformAsync(AccountCode.ProcessorBalance, currency, ct)
            : await AccountAsync(AccountOwner.Organization, organizationId, AccountCode.PayeePayable, currency, ct);
        Add(JournalEntry.Create(paid ? "payout_paid" : "payout_failed", payoutId, paid ? $"Payout of {amount} {currency} arrived" : $"Payout of {amount} {currency} failed; returned to the balance", Now,
            [(transit, amount), (other, -amount)]));
    }

    /// <summary>
    /// Takes the account's write lock (a no-op update) before its balance is read, so two payouts of one balance
    /// serialise on both databases (a row lock on PostgreSQL, the write lock on SQLite). Call inside a transaction.
    /// </summary>
    public async Task LockAsync(Guid accountId, CancellationToken ct) =>
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.LockVersion, a => a.LockVersion + 1), ct);

    public async Task<long> BalanceAsync(Guid accountId, CancellationToken ct) =>
        await db.JournalLines.Where(l => l.AccountId == accountId).SumAsync(l => (long?)l.Amount, ct) ?? 0;

    /// <summary>Every account of an owner with its balance (debit positive).</summary>
    public async Task<IReadOnlyList<AccountBalance>> BalancesAsync(string ownerKind, Guid ownerId, CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.OwnerKind == ownerKind && a.OwnerId == ownerId).ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToList();
        var sums = await db.JournalLines.Where(l => ids.Contains(l.AccountId))
            .GroupBy(l => l.AccountId).Select(g => new { g.Key, Sum = g.Sum(l => l.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        return accounts.OrderBy(a => a.Currency, StringComparer.Ordinal).ThenBy(a => a.Code, StringComparer.Ordinal)
            .Select(a => new AccountBalance(a.Id, a.Code, a.Currency, sums.GetValueOrDefault(a.Id))).ToList();
    }

    /// <summary>Sum of every line per currency: zero for each, or the ledger is broken.</summary>
    public async Task<IReadOnlyDictionary<string, long>> TotalsByCurrencyAsync(CancellationToken ct) =>
        await db.JournalLines.GroupBy(l => l.Currency).Select(g => new { g.Key, Sum = g.Sum(l => l.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);

    private void Add(JournalEntry entry) => db.JournalEntries.Add(entry);

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}

/// <param name="Balance">Debit positive, credit negative (payee_payable owed to the payee is negative).</param>
public sealed record AccountBalance(Guid AccountId, string Code, string Currency, long Balance);
