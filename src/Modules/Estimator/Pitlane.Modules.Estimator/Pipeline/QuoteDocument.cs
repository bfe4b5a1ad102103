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
/// Step 11, "write to the RO". A repair-order module is built separately; until it is merged and wired here, the
/// default implementation writes nothing and says so in the step log, and the quote stands on its own.
/// </summary>
public interface IRepairOrderWriter
{
    Task<StepOutcome> WriteAsync(Guid organizationId, Guid quoteId, Guid vehicleId, QuoteDocument quote, CancellationToken ct);
}

public sealed record StepOutcome(string Outcome, string Detail);

internal sealed class NoRepairOrderWriter : IRepairOrderWriter
{
    public Task<StepOutcome> WriteAsync(Guid organizationId, Guid quoteId, Guid vehicleId, QuoteDocument quote, CancellationToken ct) =>
        Task.FromResult(new StepOutcome("not done", "not written: no repair-order module; the quote is kept in the Estimator"));
}
