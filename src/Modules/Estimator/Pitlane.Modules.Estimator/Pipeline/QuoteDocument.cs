using Pitlane.Sourcing;
using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Modules.Estimator.Pipeline;

/// <summary>One of the 12 steps as it ran: ok, warning (something was skipped) or not done, with what it did.</summary>
public sealed record StepLog(int Number, string Name, string Outcome, string Detail, double Milliseconds);

public sealed record JobLine(string Code, string Name, string Category, decimal Hours, string BookTimeSource, long Rate, long LaborTotal);

/// <summary>One offer shown on a line, aligned with the optimiser's candidate of the same index.</summary>
public sealed record OfferView(
    string CandidateId, string SupplierId, string SupplierName, string PartNumber, string Brand, string Name, QualityTier Tier,
    int WarrantyMonths, string StoreId, string StoreName, int Stock, string Delivery, DateTimeOffset ExpectedAt,
    long UnitCost, long UnitSell, long UnitCore, long DeliveryFee, long ListPrice);

public sealed record LineView(
    string LineId, string JobCode, int PartTypeId, string PartType, int Quantity, bool Optional,
    IReadOnlyList<OfferView> Offers, int? Chosen, int? OptimiserChoice, int? GreedyChoice, bool Overridden,
    string Reason, int? RunnerUp, long? RunnerUpCost, long? RunnerUpProfitDelta, IReadOnlyList<string> Notes);

public sealed record QuoteTotals(
    long PartsSell, long PartsCost, long Core, long DeliveryFees, long ShippingFees, long Labor, long Tax, long Total,
    long PartsGrossProfit, long GreedyGrossProfit, long OptimiserGrossProfit, string OptimiserStatus, double OptimiserMs, double GreedyMs);

/// <summary>Everything a quote is, stored as JSON on the quote row and returned by the API.</summary>
public sealed record QuoteDocument(
    VehicleSpec Vehicle,
    IReadOnlyList<JobLine> Jobs,
    IReadOnlyList<LineView> Lines,
    SourcingProblem Problem,
    QuoteTotals Totals,
    IReadOnlyList<StepLog> Steps,
    IReadOnlyList<string> Warnings,
    long? CustomerPriceCeiling,
    int? LatestArrivalHours);

/// <summary>
/// Step 11, "write to the RO": each job of the quote, with its labor and the chosen parts at the quote's cost and
/// price, becomes a pending job on the repair order through the Shop module's contract; the customer authorises it there.
/// </summary>
public interface IRepairOrderWriter
{
    Task<StepOutcome> WriteAsync(Guid organizationId, Guid? repairOrderId, QuoteDocument quote, CancellationToken ct);
}

public sealed record StepOutcome(string Outcome, string Detail);

internal sealed class ShopRepairOrderWriter(Pitlane.Modules.Shop.Contracts.IRepairOrderJobs jobs) : IRepairOrderWriter
{
    public async Task<StepOutcome> WriteAsync(Guid organizationId, Guid? repairOrderId, QuoteDocument quote, CancellationToken ct)
    {
        if (repairOrderId is not { } order)
        {
            return new StepOutcome("not done", "no repair order given; the quote is kept in the Estimator");
        }
        var written = 0;
        var notes = new List<string>();
        foreach (var job in quote.Jobs)
        {
            var parts = quote.Lines.Where(l => l.JobCode == job.Code && l.Chosen is not null).Select(l =>
            {
                var offer = l.Offers[l.Chosen!.Value];
                return new Pitlane.Modules.Shop.Contracts.NewShopPartLine($"{offer.Brand} {offer.Name}", offer.PartNumber, l.Quantity, offer.UnitCost, offer.UnitSell, offer.UnitCore);
            }).ToList();
            var labor = new Pitlane.Modules.Shop.Contracts.NewShopLaborLine(job.Name, job.Hours, job.Category);
            var source = $"estimator quote ({job.BookTimeSource})";
            var result = await jobs.AddJobAsync(organizationId, order, new(job.Name, null, null, [labor], parts, source), ct);
            if (result.Errors is { } errors && errors.Keys.Any(k => k.EndsWith("laborCategory", StringComparison.Ordinal)))
            {
                // The shop has no rate for this category: its standard rate applies, and the log says so.
                notes.Add($"{job.Name}: no shop rate for \"{job.Category}\", standard rate used");
                result = await jobs.AddJobAsync(organizationId, order, new(job.Name, null, null, [labor with { LaborCategory = null }], parts, source), ct);
            }
            if (result.NotFound)
            {
                return new StepOutcome("warning", "the repair order was not found in this organisation; nothing written");
            }
            if (result.JobId is null)
            {
                notes.Add($"{job.Name}: {result.Conflict ?? string.Join(" ", result.Errors!.SelectMany(e => e.Value))}");
                continue;
            }
            written++;
        }
        var detail = $"{written} of {quote.Jobs.Count} jobs added to repair order {order} as pending" + (notes.Count > 0 ? "; " + string.Join("; ", notes) : "");
        return new StepOutcome(written == quote.Jobs.Count && notes.Count == 0 ? "ok" : "warning", detail);
    }
}
