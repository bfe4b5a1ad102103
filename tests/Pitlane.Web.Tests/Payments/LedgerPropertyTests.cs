using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>
/// Property: whatever sequence of intents, captures, partial refunds, cancels and payouts runs over HTTP, the ledger sums
/// to zero per currency, the platform's processor_balance equals the processor's own balance transactions (net of fees),
/// and every intent keeps received ≥ refunded.
/// </summary>
public abstract class LedgerPropertyTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private const int Operations = 1_000;

    [Fact]
    public async Task Given_1000_random_operations_Then_the_ledger_sums_to_zero_and_matches_the_processor()
    {
        var merchants = new[] { await MerchantAsync("A"), await MerchantAsync("B"), await MerchantAsync("C") };
        var payees = new List<Guid>();
        foreach (var m in merchants)
        {
            payees.Add((await m.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid());
        }
        var random = new Random(12);
        var holds = new List<(HttpClient Client, Guid Id, long Capturable)>();
        var paid = new List<(HttpClient Client, Guid Id, long Refundable)>();
        var currencies = new[] { "usd", "eur" };
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var op = 0; op < Operations; op++)
        {
            var client = merchants[random.Next(merchants.Length)];
            HttpResponseMessage response;
            var pick = random.Next(100);
            if (pick < 35 || (holds.Count == 0 && paid.Count == 0))
            {
                var amount = random.Next(50, 200_000);
                var manual = random.Next(2) == 0;
                var card = random.Next(10) == 0 ? "pm_card_chargeDeclined" : "pm_card_visa";
                response = await client.PostAsJsonAsync("/api/v1/payments/intents", new
                {
                    amount, currency = currencies[random.Next(2)], captureMethod = manual ? "manual" : "automatic", paymentMethod = card, confirm = true,
                    applicationFeeAmount = random.Next(3) == 0 ? random.Next(0, amount / 4) : 0,
                    transferDestination = random.Next(3) == 0 ? payees[random.Next(payees.Count)] : (Guid?)null,
                }, Ct);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var intent = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                    if (Status(intent) == "requires_capture")
                    {
                        holds.Add((client, Id(intent), intent.GetProperty("amountCapturable").GetInt64()));
                    }
                    else if (Status(intent) == "succeeded")
                    {
                        paid.Add((client, Id(intent), intent.GetProperty("amountReceived").GetInt64()));
                    }
                }
            }
            else if (pick < 55 && holds.Count > 0)
            {
                var i = random.Next(holds.Count);
                var hold = holds[i];
                holds.RemoveAt(i);
                if (random.Next(5) == 0)
                {
                    response = await hold.Client.PostAsJsonAsync($"/api/v1/payments/intents/{hold.Id}/cancel", new { }, Ct);
                }
                else
                {
                    var amount = random.Next(2) == 0 ? hold.Capturable : random.NextInt64(1, hold.Capturable + 1);
                    response = await hold.Client.PostAsJsonAsync($"/api/v1/payments/intents/{hold.Id}/capture", new { amountToCapture = amount }, Ct);
                    if (response.IsSuccessStatusCode)
                    {
                        paid.Add((hold.Client, hold.Id, amount));
                    }
                }
            }
            else if (pick < 80 && paid.Count > 0)
            {
                var i = random.Next(paid.Count);
                var p = paid[i];
                var amount = random.Next(3) == 0 ? p.Refundable : random.NextInt64(1, p.Refundable + 1);
                response = await p.Client.PostAsJsonAsync($"/api/v1/payments/intents/{p.Id}/refunds", new { amount }, Ct);
                if (response.IsSuccessStatusCode && p.Refundable - amount > 0)
                {
                    paid[i] = p with { Refundable = p.Refundable - amount };
                }
                else
                {
                    paid.RemoveAt(i);
                }
            }
            else if (pick < 95)
            {
                response = await client.PostAsJsonAsync("/api/v1/payments/payouts", new
                {
                    amount = random.Next(2) == 0 ? (long?)null : random.Next(1, 50_000), currency = currencies[random.Next(2)],
                }, Ct);
            }
            else
            {
                using var scope = App.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<PayoutService>().RunScheduleAsync(automatic: random.Next(4) == 0, Ct);
                continue;
            }
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Conflict,
                $"operation {op}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        using (var scope = App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PayoutService>().RunScheduleAsync(automatic: false, Ct);
        }
        await DeliverWebhooksAsync();

        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) > 100, string.Join(", ", statuses));
        await AssertLedgerSumsToZeroAsync();
        using var check = App.Services.CreateScope();
        var db = check.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        foreach (var currency in currencies)
        {
            var processorBalance = await db.JournalLines.Where(l => l.AccountId == LedgerBook.AccountId(AccountOwner.Platform, Guid.Empty, AccountCode.ProcessorBalance, currency)).SumAsync(l => l.Amount, Ct);
            var atProcessor = await db.SimBalanceTransactions.Where(t => t.Currency == currency).SumAsync(t => t.Amount - t.Fee, Ct);
            Assert.Equal(atProcessor, processorBalance);
        }
        Assert.False(await db.Intents.AnyAsync(i => i.AmountRefunded > i.AmountReceived || i.PayeeRefunded > i.AmountReceived, Ct));
        // Every payee's payable equals what its intents left it, less its payouts that did not fail.
        foreach (var payee in payees)
        {
            foreach (var currency in currencies)
            {
                var owed = await db.Intents.Where(i => i.PayeeOrganizationId == payee && i.Currency == currency)
                    .SumAsync(i => i.AmountReceived - (i.ApplicationFeeAmount < i.AmountReceived ? i.ApplicationFeeAmount : i.AmountReceived) - i.PayeeRefunded, Ct);
                var paidOut = await db.Payouts.Where(p => p.OrganizationId == payee && p.Currency == currency && p.Status != PayoutStatus.Failed).SumAsync(p => p.Amount, Ct);
                var payable = await db.JournalLines.Where(l => l.AccountId == LedgerBook.AccountId(AccountOwner.Organization, payee, AccountCode.PayeePayable, currency)).SumAsync(l => l.Amount, Ct);
                var byKind = await db.JournalLines.Where(l => l.AccountId == LedgerBook.AccountId(AccountOwner.Organization, payee, AccountCode.PayeePayable, currency))
                    .Join(db.JournalEntries, l => l.EntryId, e => e.Id, (l, e) => new { e.Kind, l.Amount }).GroupBy(x => x.Kind).Select(g => new { g.Key, Sum = g.Sum(x => x.Amount) }).ToListAsync(Ct);
                var refunds = await db.Refunds.Where(r => db.Intents.Any(i => i.Id == r.IntentId && i.PayeeOrganizationId == payee && i.Currency == currency)).SumAsync(r => r.PayeeAmount, Ct);
                var payeeRefunded = await db.Intents.Where(i => i.PayeeOrganizationId == payee && i.Currency == currency).SumAsync(i => i.PayeeRefunded, Ct);
                Assert.True(owed - paidOut == -payable,
                    $"{payee} {currency}: owed {owed}, paid out {paidOut}, payable {payable}; ledger by kind {string.Join(", ", byKind.Select(k => $"{k.Key}={k.Sum}"))}; refund rows {refunds}, intents' payee refunded {payeeRefunded}");
            }
        }
    }
}

/// <summary>The ledger's own rules: balanced entries only, and no rewriting, in code and in the database.</summary>
public abstract class LedgerRuleTests(PitlaneApp app) : PaymentsTestBase(app)
{
    [Fact]
    public void Given_unbalanced_lines_Then_no_entry_is_built()
    {
        var a = new LedgerAccount(Guid.NewGuid(), AccountOwner.Platform, Guid.Empty, AccountCode.ProcessorBalance, "usd", DateTime.UtcNow);
        var b = new LedgerAccount(Guid.NewGuid(), AccountOwner.Platform, Guid.Empty, AccountCode.PlatformRevenue, "usd", DateTime.UtcNow);
        var e = new LedgerAccount(Guid.NewGuid(), AccountOwner.Platform, Guid.Empty, AccountCode.PlatformRevenue, "eur", DateTime.UtcNow);
        Assert.Throws<InvalidOperationException>(() => JournalEntry.Create("capture", Guid.NewGuid(), "x", DateTime.UtcNow, [(a, 100), (b, -99)]));
        Assert.Throws<InvalidOperationException>(() => JournalEntry.Create("capture", Guid.NewGuid(), "x", DateTime.UtcNow, [(a, 100), (e, -100)]));
        var entry = JournalEntry.Create("capture", Guid.NewGuid(), "x", DateTime.UtcNow, [(a, 100), (b, -100)]);
        var reversal = entry.Reverse(new Dictionary<Guid, LedgerAccount> { [a.Id] = a, [b.Id] = b }, "undo", DateTime.UtcNow);
        Assert.Equal(entry.Id, reversal.ReversesEntryId);
        Assert.Equal([-100L, 100L], reversal.Lines.Select(l => l.Amount));
    }

    [Fact]
    public async Task Given_a_written_entry_Then_neither_the_context_nor_SQL_can_change_or_delete_it()
    {
        var client = await MerchantAsync();
        await PayAsync(client, new { amount = 1_000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true });
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var line = await db.JournalLines.FirstAsync(Ct);
        var original = line.Amount;
        db.Entry(line).Property(l => l.Amount).CurrentValue = original + 1;
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        await Assert.ThrowsAnyAsync<Exception>(() => db.JournalLines.Where(l => l.Id == line.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Amount, 1L), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.JournalLines.Where(l => l.Id == line.Id).ExecuteDeleteAsync(Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.JournalEntries.Where(e => e.Id == line.EntryId).ExecuteDeleteAsync(Ct));
        Assert.Equal(original, (await db.JournalLines.AsNoTracking().FirstAsync(l => l.Id == line.Id, Ct)).Amount);
        await AssertLedgerSumsToZeroAsync();
    }
}

public sealed class LedgerRuleTestsOnSqlite(SqliteApp app) : LedgerRuleTests(app), IClassFixture<SqliteApp>;

public sealed class LedgerRuleTestsOnPostgres(PostgresApp app) : LedgerRuleTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

public sealed class LedgerPropertyTestsOnSqlite(SqliteApp app) : LedgerPropertyTests(app), IClassFixture<SqliteApp>;

public sealed class LedgerPropertyTestsOnPostgres(PostgresApp app) : LedgerPropertyTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
