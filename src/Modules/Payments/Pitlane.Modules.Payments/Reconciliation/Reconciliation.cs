using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Payments.Reconciliation;

public sealed record ReconcileJob(DateTime Since);

/// <param name="Kind">missing_in_ledger (the processor moved money Pitlane has not recorded), amount_mismatch, fee_mismatch, missing_at_processor.</param>
public sealed record ReconciliationDifference(string Kind, string ProcessorObject, string Currency, long Processor, long Ledger, string Detail);

public sealed record ReconciliationReport(DateTime Since, DateTime RanAt, int ProcessorTransactions, int Matched, IReadOnlyList<ReconciliationDifference> Differences);

/// <summary>
/// Compares the processor's balance transactions (charges, refunds, payouts, adjustments) of an organisation's payments
/// with what Pitlane recorded: each charge against its intent's captured amount and fee, each refund and payout against
/// its row, and every Pitlane capture, refund and paid payout since then against a processor transaction.
/// </summary>
public sealed class Reconciler(PaymentsDbContext db, IPaymentProcessor processor, TimeProvider time)
{
    public async Task<ReconciliationReport> RunAsync(Guid organizationId, DateTime since, CancellationToken ct)
    {
        var transactions = await processor.BalanceTransactionsAsync(since, ct);
        var intents = await db.Intents.AsNoTracking().Where(i => i.OrganizationId == organizationId || i.PayeeOrganizationId == organizationId)
            .Where(i => i.Processor == processor.Name).ToDictionaryAsync(i => i.ProcessorId, ct);
        var intentIds = intents.Values.Select(i => i.Id).ToList();
        var refunds = await db.Refunds.AsNoTracking().Where(r => intentIds.Contains(r.IntentId)).ToDictionaryAsync(r => r.ProcessorId, ct);
        var payouts = await db.Payouts.AsNoTracking().Where(p => p.OrganizationId == organizationId && p.ProcessorId != null).ToDictionaryAsync(p => p.ProcessorId!, ct);
        var differences = new List<ReconciliationDifference>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var matched = 0;
        foreach (var t in transactions)
        {
            switch (t.Type)
            {
                case "charge" or "payment" when intents.TryGetValue(t.Source, out var intent):
                    seen.Add(t.Source);
                    if (intent.AmountReceived != t.Amount)
                    {
                        differences.Add(new("amount_mismatch", t.Source, t.Currency, t.Amount, intent.AmountReceived, "Captured amount differs."));
                    }
                    else if (intent.ProcessorFee != t.Fee)
                    {
                        differences.Add(new("fee_mismatch", t.Source, t.Currency, t.Fee, intent.ProcessorFee, "Processor fee differs."));
                    }
                    else
                    {
                        matched++;
                    }
                    break;
                case "refund" when refunds.TryGetValue(t.Source, out var refund):
                    seen.Add(t.Source);
                    if (refund.Amount != -t.Amount)
                    {
                        differences.Add(new("amount_mismatch", t.Source, t.Currency, -t.Amount, refund.Amount, "Refund amount differs."));
                    }
                    else
                    {
                        matched++;
                    }
                    break;
                case "refund" when !refunds.ContainsKey(t.Source) && await RefundOfOrganizationAsync(t.Source, intents, ct):
                    differences.Add(new("missing_in_ledger", t.Source, t.Currency, -t.Amount, 0, "The processor refunded money Pitlane has no refund for."));
                    break;
                case "payout" when payouts.TryGetValue(t.Source, out var payout):
                    seen.Add(t.Source);
                    if (payout.Amount != -t.Amount || payout.Status == PayoutStatus.Failed)
                    {
                        differences.Add(new("amount_mismatch", t.Source, t.Currency, -t.Amount, payout.Status == PayoutStatus.Failed ? 0 : payout.Amount, $"Payout is {payout.Status} in Pitlane."));
                    }
                    else
                    {
                        matched++;
                    }
                    break;
            }
        }
        foreach (var intent in intents.Values.Where(i => i.AmountReceived > 0 && i.UpdatedAt >= since && !seen.Contains(i.ProcessorId)))
        {
            differences.Add(new("missing_at_processor", intent.ProcessorId, intent.Currency, 0, intent.AmountReceived, "Pitlane recorded a capture the processor does not list."));
        }
        foreach (var refund in refunds.Values.Where(r => r.CreatedAt >= since && !seen.Contains(r.ProcessorId)))
        {
            differences.Add(new("missing_at_processor", refund.ProcessorId, refund.Currency, 0, refund.Amount, "Pitlane recorded a refund the processor does not list."));
        }
        return new ReconciliationReport(since, time.GetUtcNow().UtcDateTime, transactions.Count, matched, differences);
    }

    private async Task<bool> RefundOfOrganizationAsync(string refundId, IReadOnlyDictionary<string, PaymentIntent> intents, CancellationToken ct) =>
        processor is Simulator.BuiltInProcessor && await db.SimRefunds.AsNoTracking().Where(r => r.Id == refundId).Select(r => r.IntentId).FirstOrDefaultAsync(ct) is { } intent && intents.ContainsKey(intent);
}

/// <summary>The reconciliation as a job: its report is the job's result (GET /api/v1/jobs/{id}).</summary>
public sealed class ReconcileJobHandler(Reconciler reconciler) : IJobHandler<ReconcileJob>
{
    public async Task<object?> RunAsync(JobContext<ReconcileJob> job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await job.ReportAsync(10, "Reading the processor's balance transactions", ct);
        var report = await reconciler.RunAsync(job.OrganizationId, job.Payload.Since, ct);
        await job.ReportAsync(100, report.Differences.Count == 0 ? "No differences" : $"{report.Differences.Count} differences", ct);
        return report;
    }
}
