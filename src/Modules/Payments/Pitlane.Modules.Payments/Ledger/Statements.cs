using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;

namespace Pitlane.Modules.Payments.Ledger;

/// <summary>One line of an owner's statement: a journal line with the entry's description and the running balance of its account.</summary>
public sealed record StatementLine(Guid EntryId, DateTime At, string Kind, string Description, string Account, string Currency, long Amount, long Balance);

/// <summary>Statements: an owner's journal lines, newest first, each with its account's balance after it.</summary>
public sealed class Statements(PaymentsDbContext db)
{
    public async Task<ListPage<StatementLine>> OfAsync(string ownerKind, Guid ownerId, string? currency, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        var lines = db.JournalLines
            .Join(db.Accounts.Where(a => a.OwnerKind == ownerKind && a.OwnerId == ownerId && (currency == null || a.Currency == currency)), l => l.AccountId, a => a.Id, (l, a) => new { Line = l, a.Code })
            .Join(db.JournalEntries, x => x.Line.EntryId, e => e.Id, (x, e) => new { x.Line, x.Code, Entry = e });
        var total = await lines.CountAsync(ct);
        // Newest first by entry time; an entry's lines stay together.
        var rows = await lines.OrderByDescending(x => x.Entry.CreatedAt).ThenByDescending(x => x.Entry.Id).ThenByDescending(x => x.Line.Id)
            .Skip(page.Skip).Take(page.PageSize)
            .Select(x => new { x.Line.Id, x.Line.AccountId, x.Line.EntryId, x.Entry.CreatedAt, x.Entry.Kind, x.Entry.Description, x.Code, x.Line.Currency, x.Line.Amount })
            .ToListAsync(ct);
        var items = new List<StatementLine>(rows.Count);
        var balances = new Dictionary<Guid, long>();
        foreach (var row in rows)
        {
            if (!balances.TryGetValue(row.AccountId, out var after))
            {
                // Balance after this line's entry (the newest of the account on the page); older rows subtract as they go.
                after = await db.JournalLines.Where(l => l.AccountId == row.AccountId)
                    .Join(db.JournalEntries, l => l.EntryId, e => e.Id, (l, e) => new { l, e })
                    .Where(x => x.e.CreatedAt <= row.CreatedAt)
                    .SumAsync(x => (long?)x.l.Amount, ct) ?? 0;
            }
            items.Add(new StatementLine(row.EntryId, row.CreatedAt, row.Kind, row.Description, row.Code, row.Currency, row.Amount, after));
            balances[row.AccountId] = after - row.Amount;
        }
        return new ListPage<StatementLine>(items, page.Number, page.PageSize, total);
    }
}
