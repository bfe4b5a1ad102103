namespace Pitlane.Reports;

/// <summary>One priced line of the estimate, in minor units of the estimate's currency.</summary>
/// <param name="Quantity">Hours for labor lines, units for parts.</param>
public sealed record EstimateLine(string Description, string? PartNumber, bool IsLabor, decimal Quantity, long UnitPrice, long Amount);

/// <summary>The lines and total of one recommendation.</summary>
public sealed record RecommendationEstimate(Recommendation Recommendation, IReadOnlyList<EstimateLine> Lines, long Amount);

/// <summary>
/// Cost estimate in integer minor units. Rounding rule (documented here because invoices must reproduce it):
/// <list type="number">
/// <item>each line (labor hours × hourly rate, part quantity × unit price) is multiplied exactly in decimal and rounded
/// once to a whole minor unit, half away from zero (0.5 cent → 1 cent, −0.5 → −1);</item>
/// <item>the subtotal is the exact integer sum of the rounded lines;</item>
/// <item>tax is subtotal × rate ÷ 100, rounded once to a whole minor unit, half away from zero (tax on the subtotal,
/// not per line, so the lines and the tax always add up);</item>
/// <item>total = subtotal + tax.</item>
/// </list>
/// Overflow of a 64-bit amount throws <see cref="OverflowException"/> rather than wrapping.
/// </summary>
public sealed record CostEstimate(
    string Currency,
    IReadOnlyList<RecommendationEstimate> Recommendations,
    long Subtotal,
    decimal TaxRatePercent,
    long Tax,
    long Total)
{
    public static CostEstimate Calculate(IReadOnlyList<Recommendation> recommendations, Money laborRate, decimal taxRatePercent)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentException.ThrowIfNullOrWhiteSpace(laborRate.Currency);
        ArgumentOutOfRangeException.ThrowIfNegative(laborRate.MinorUnits);
        ArgumentOutOfRangeException.ThrowIfNegative(taxRatePercent);

        var estimates = new List<RecommendationEstimate>(recommendations.Count);
        long subtotal = 0;
        foreach (var recommendation in recommendations)
        {
            ArgumentNullException.ThrowIfNull(recommendation);
            ArgumentOutOfRangeException.ThrowIfNegative(recommendation.LaborHours);
            var parts = recommendation.Parts ?? [];
            var lines = new List<EstimateLine>(parts.Count + 1);
            if (recommendation.LaborHours > 0)
            {
                lines.Add(new EstimateLine(string.Empty, null, true, recommendation.LaborHours, laborRate.MinorUnits,
                    RoundToMinor(recommendation.LaborHours * laborRate.MinorUnits)));
            }
            foreach (var part in parts)
            {
                ArgumentNullException.ThrowIfNull(part);
                ArgumentOutOfRangeException.ThrowIfNegative(part.Quantity);
                lines.Add(new EstimateLine(part.Description, part.PartNumber, false, part.Quantity, part.UnitPrice,
                    RoundToMinor(part.Quantity * part.UnitPrice)));
            }
            long amount = 0;
            foreach (var line in lines)
            {
                amount = checked(amount + line.Amount);
            }
            subtotal = checked(subtotal + amount);
            estimates.Add(new RecommendationEstimate(recommendation, lines, amount));
        }
        var tax = RoundToMinor(subtotal * taxRatePercent / 100m);
        return new CostEstimate(laborRate.Currency, estimates, subtotal, taxRatePercent, tax, checked(subtotal + tax));
    }

    /// <summary>Half away from zero, the commercial rounding most tax authorities (e.g. the German UStG practice) expect.</summary>
    public static long RoundToMinor(decimal exactMinorUnits) =>
        decimal.ToInt64(decimal.Round(exactMinorUnits, 0, MidpointRounding.AwayFromZero));
}
