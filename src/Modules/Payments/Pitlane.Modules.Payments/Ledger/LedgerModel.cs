namespace Pitlane.Modules.Payments.Ledger;

/// <summary>Who an account belongs to: the platform itself, an organisation (a payee) or a person (a payer).</summary>
public static class AccountOwner
{
    public const string Platform = "platform";
    public const string Organization = "organization";
    public const string Person = "person";
}

/// <summary>The kinds of account. Lines are signed: positive is a debit, negative a credit.</summary>
public static class AccountCode
{
    /// <summary>Platform: money held at the processor (an asset; debit-normal).</summary>
    public const string ProcessorBalance = "processor_balance";

    /// <summary>Person (or an organisation's walk-in customers): what the customer paid in and was paid back (a clearing account).</summary>
    public const string CustomerFunds = "customer_funds";

    /// <summary>Platform: application fees earned (credit-normal).</summary>
    public const string PlatformRevenue = "platform_revenue";

    /// <summary>Organisation: what the platform owes the payee (credit-normal).</summary>
    public const string PayeePayable = "payee_payable";

    /// <summary>Platform: fees the processor charged (an expense; debit-normal).</summary>
    public const string ProcessorFees = "processor_fees";

    /// <summary>Platform: the platform's part of refunds (contra-revenue; debit-normal).</summary>
    public const string Refunds = "refunds";

    /// <summary>Organisation: payouts sent to the payee's bank that have not yet arrived.</summary>
    public const string PayoutsInTransit = "payouts_in_transit";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ProcessorBalance, CustomerFunds, PlatformRevenue, PayeePayable, ProcessorFees, Refunds, PayoutsInTransit,
    };

    /// <summary>Accounts whose balance reads naturally as a credit (money owed or earned): shown negated.</summary>
    public static bool IsCreditNormal(string code) => code is PlatformRevenue or PayeePayable or CustomerFunds;
}

public sealed class LedgerAccount
{
    private LedgerAccount()
    {
    }

    public LedgerAccount(Guid id, string ownerKind, Guid ownerId, string code, string currency, DateTime createdAt)
    {
        Id = id;
        OwnerKind = ownerKind;
        OwnerId = ownerId;
        Code = code;
        Currency = currency;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public string OwnerKind { get; private set; } = "";

    /// <summary>Organisation or person id; <see cref="Guid.Empty"/> for the platform.</summary>
    public Guid OwnerId { get; private set; }

    public string Code { get; private set; } = "";

    public string Currency { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    /// <summary>Bumped to take the account's write lock before reading its balance (payouts), on both databases.</summary>
    public long LockVersion { get; set; }
}

/// <summary>
/// One money movement: lines that sum to zero per currency, written in the same transaction as the business change
/// that caused it. Append-only: the store refuses updates and deletes; a correction is a reversing entry.
/// </summary>
public sealed class JournalEntry
{
    private readonly List<JournalLine> _lines = [];

    private JournalEntry()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>capture, refund, payout, payout_paid, payout_failed, dispute, reversal.</summary>
    public string Kind { get; private set; } = "";

    /// <summary>The intent, refund or payout this entry records.</summary>
    public Guid ReferenceId { get; private set; }

    public string Description { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public Guid? ReversesEntryId { get; private set; }

    public IReadOnlyList<JournalLine> Lines => _lines;

    /// <summary>Builds a balanced entry, or throws: an unbalanced entry is a programming error, never stored.</summary>
    public static JournalEntry Create(string kind, Guid referenceId, string description, DateTime at, IEnumerable<(LedgerAccount Account, long Amount)> lines, Guid? reverses = null)
    {
        var entry = new JournalEntry { Id = Guid.CreateVersion7(), Kind = kind, ReferenceId = referenceId, Description = description, CreatedAt = at, ReversesEntryId = reverses };
        foreach (var (account, amount) in lines)
        {
            if (amount != 0)
            {
                entry._lines.Add(new JournalLine(Guid.CreateVersion7(), entry.Id, account.Id, account.Currency, amount));
            }
        }
        if (entry._lines.Count == 0)
        {
            throw new InvalidOperationException($"Journal entry {kind} for {referenceId} moves no money.");
        }
        foreach (var currency in entry._lines.GroupBy(l => l.Currency, StringComparer.Ordinal))
        {
            var sum = currency.Sum(l => l.Amount);
            if (sum != 0)
            {
                throw new InvalidOperationException($"Journal entry {kind} for {referenceId} is unbalanced by {sum} {currency.Key}.");
            }
        }
        return entry;
    }

    /// <summary>The entry that undoes this one, line for line.</summary>
    public JournalEntry Reverse(IReadOnlyDictionary<Guid, LedgerAccount> accounts, string description, DateTime at) =>
        Create("reversal", ReferenceId, description, at, _lines.Select(l => (accounts[l.AccountId], -l.Amount)), Id);
}

public sealed class JournalLine
{
    private JournalLine()
    {
    }

    internal JournalLine(Guid id, Guid entryId, Guid accountId, string currency, long amount)
    {
        Id = id;
        EntryId = entryId;
        AccountId = accountId;
        Currency = currency;
        Amount = amount;
    }

    public Guid Id { get; private set; }

    public Guid EntryId { get; private set; }

    public Guid AccountId { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary>Minor units; positive debit, negative credit.</summary>
    public long Amount { get; private set; }
}
