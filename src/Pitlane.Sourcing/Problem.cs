namespace Pitlane.Sourcing;

/// <summary>
/// One normalised, priced offer that may fill a part line: everything the optimiser needs and nothing else.
/// Amounts are integer minor units of the problem's currency.
/// </summary>
/// <param name="Id">Unique within the problem (the pipeline uses supplier/store/part number/delivery).</param>
/// <param name="SupplierId">Whose shipping fee, free-shipping threshold and order minimum apply.</param>
/// <param name="StockKey">Identifies one stock pool (supplier + store + part number); lines drawing from the same pool share its quantity limit.</param>
/// <param name="UnitCost">What the shop pays the supplier per unit, core excluded.</param>
/// <param name="UnitSell">What the customer pays per unit (after the markup matrix), core excluded.</param>
/// <param name="UnitCore">Core charge per unit: paid to the supplier and passed to the customer, refunded on return, so it moves no profit but counts toward the customer's price.</param>
/// <param name="DeliveryFee">A fee the delivery option adds once per line (a hot-shot run), a cost to the shop.</param>
/// <param name="EtaMinutes">Minutes from the quote time until the part is at the shop.</param>
public sealed record Candidate(
    string Id,
    string SupplierId,
    string StockKey,
    long UnitCost,
    long UnitSell,
    long UnitCore,
    long DeliveryFee,
    int EtaMinutes);

/// <summary>A part line to fill: a quantity, its candidate offers, whether it may be left out, and its latest arrival.</summary>
public sealed record PartLine(
    string Id,
    int Quantity,
    IReadOnlyList<Candidate> Candidates,
    bool Optional = false,
    int? LatestArrivalMinutes = null);

/// <summary>Supplier-level terms: a shipping fee waived at a free-shipping threshold, and an order minimum.</summary>
/// <param name="ShippingFee">Charged once per order to this supplier unless its subtotal reaches <paramref name="FreeShippingThreshold"/>.</param>
/// <param name="FreeShippingThreshold">Order subtotal (cost, core excluded) at which shipping is free; null = never free.</param>
/// <param name="OrderMinimum">Smallest subtotal the supplier accepts; an order below it is not allowed (0 = none).</param>
public sealed record SupplierTerms(string SupplierId, long ShippingFee, long? FreeShippingThreshold, long OrderMinimum = 0);

/// <summary>The whole sourcing problem.</summary>
/// <param name="Stock">Units available per <see cref="Candidate.StockKey"/>; a key not present is unlimited.</param>
/// <param name="CustomerPriceCeiling">Most the customer accepts to pay for the parts (sell + core of every chosen line); null = none.</param>
/// <param name="EtaPenaltyPerHour">Profit the shop gives up per hour of waiting per chosen line (0 = profit only).</param>
public sealed record SourcingProblem(
    IReadOnlyList<PartLine> Lines,
    IReadOnlyList<SupplierTerms> Suppliers,
    IReadOnlyDictionary<string, int> Stock,
    long? CustomerPriceCeiling = null,
    long EtaPenaltyPerHour = 0)
{
    public SupplierTerms? Terms(string supplierId)
    {
        foreach (var s in Suppliers)
        {
            if (s.SupplierId == supplierId) return s;
        }
        return null;
    }

    /// <summary>Whether a candidate may be chosen for its line at all: it arrives in time.</summary>
    public static bool Admissible(PartLine line, Candidate c) =>
        line.LatestArrivalMinutes is not { } latest || c.EtaMinutes <= latest;
}

public enum SolutionStatus
{
    /// <summary>Proven best under every constraint.</summary>
    Optimal,
    /// <summary>Respects every constraint, not proven best (the greedy baseline, or a solver stopped by its time limit).</summary>
    Feasible,
    /// <summary>No choice respects every constraint.</summary>
    Infeasible,
}

/// <summary>One line's choice: the candidate index in <see cref="PartLine.Candidates"/>, or null when the line is left out.</summary>
public sealed record Solution(
    string Solver,
    SolutionStatus Status,
    IReadOnlyList<int?> Choice,
    Evaluation Evaluation,
    TimeSpan Elapsed,
    string? Reason = null);
