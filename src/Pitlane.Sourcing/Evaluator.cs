namespace Pitlane.Sourcing;

/// <summary>What a choice earns and costs, and whether it is allowed.</summary>
public sealed record Evaluation(
    bool Feasible,
    string? Violation,
    long GrossProfit,
    long Objective,
    long PartsSell,
    long PartsCost,
    long CoreTotal,
    long DeliveryFees,
    long ShippingFees,
    IReadOnlyDictionary<string, long> SupplierSubtotals);

/// <summary>
/// The single definition of the objective and the constraints: the greedy baseline, the brute force of the tests
/// and the check of the exact solver's answer all go through it, so they cannot disagree on what "profit" means.
/// Gross profit = Σ (sell − cost)·qty − delivery fees − shipping fees not waived. The objective subtracts
/// the ETA penalty (per started hour of waiting, per chosen line) from it.
/// </summary>
public static class Evaluator
{
    public static Evaluation Evaluate(SourcingProblem problem, IReadOnlyList<int?> choice)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(choice);
        if (choice.Count != problem.Lines.Count) throw new ArgumentException("One choice per line.", nameof(choice));

        string? violation = null;
        long sell = 0, cost = 0, core = 0, delivery = 0, penalty = 0;
        var subtotals = new Dictionary<string, long>(StringComparer.Ordinal);
        var drawn = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < problem.Lines.Count; i++)
        {
            var line = problem.Lines[i];
            if (choice[i] is not { } k)
            {
                if (!line.Optional) violation ??= $"line {line.Id} is required";
                continue;
            }
            var c = line.Candidates[k];
            if (!SourcingProblem.Admissible(line, c)) violation ??= $"line {line.Id} arrives too late";
            sell += c.UnitSell * line.Quantity;
            cost += c.UnitCost * line.Quantity;
            core += c.UnitCore * line.Quantity;
            delivery += c.DeliveryFee;
            penalty += problem.EtaPenaltyPerHour * HoursStarted(c.EtaMinutes);
            subtotals[c.SupplierId] = subtotals.GetValueOrDefault(c.SupplierId) + c.UnitCost * line.Quantity;
            drawn[c.StockKey] = drawn.GetValueOrDefault(c.StockKey) + line.Quantity;
        }
        foreach (var (key, qty) in drawn)
        {
            if (problem.Stock.TryGetValue(key, out var available) && qty > available)
                violation ??= $"{key}: {qty} wanted, {available} in stock";
        }
        long shipping = 0;
        foreach (var (supplier, subtotal) in subtotals)
        {
            var terms = problem.Terms(supplier);
            if (terms is null) continue;
            if (subtotal < terms.OrderMinimum) violation ??= $"{supplier}: order {subtotal} below minimum {terms.OrderMinimum}";
            if (terms.FreeShippingThreshold is not { } free || subtotal < free) shipping += terms.ShippingFee;
        }
        if (problem.CustomerPriceCeiling is { } ceiling && sell + core > ceiling)
            violation ??= $"parts total {sell + core} above the customer's ceiling {ceiling}";

        var gp = sell - cost - delivery - shipping;
        return new Evaluation(violation is null, violation, gp, gp - penalty, sell, cost, core, delivery, shipping, subtotals);
    }

    internal static long HoursStarted(int minutes) => minutes <= 0 ? 0 : (minutes + 59) / 60;
}
