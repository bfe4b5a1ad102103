namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>
/// A repair order's money, in minor units, by the rule of <see cref="ShopMoney"/>: declined jobs are out; every other
/// job (pending ones too, so the estimate shows them) is in. Discounts come off the line type they apply to before tax;
/// tax is per line type on the RO's net of that type.
/// </summary>
public sealed record RepairOrderTotals(
    long Labor, long Parts, long Cores, long Fees, long LaborDiscount, long PartsDiscount, long FeesDiscount,
    long LaborTax, long PartsTax, long FeesTax, long PartsCost, double LaborHours)
{
    public long Discounts => LaborDiscount + PartsDiscount + FeesDiscount;

    public long Tax => LaborTax + PartsTax + FeesTax;

    public long Subtotal => Labor + Parts + Cores + Fees - Discounts;

    public long Total => Subtotal + Tax;

    public static RepairOrderTotals Of(RepairOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return Of(order.Jobs.Where(j => j.Status != JobStatus.Declined), order.Taxes);
    }

    public static RepairOrderTotals Of(IEnumerable<RepairOrderJob> jobs, TaxRates taxes)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        long labor = 0, parts = 0, cores = 0, fees = 0, laborDiscount = 0, partsDiscount = 0, feesDiscount = 0, cost = 0;
        var hundredthsOfHours = 0L;
        foreach (var job in jobs)
        {
            var jobLabor = job.Lines.Where(l => l.Kind == LineKind.Labor).Sum(l => l.Extended);
            var jobParts = job.Lines.Where(l => l.Kind == LineKind.Part).Sum(l => l.Extended);
            var jobFees = job.Lines.Where(l => l.Kind == LineKind.Fee).Sum(l => l.Extended);
            labor += jobLabor;
            parts += jobParts;
            cores += job.Lines.Where(l => l.Kind == LineKind.Part).Sum(l => l.ExtendedCore);
            cost += job.Lines.Where(l => l.Kind == LineKind.Part).Sum(l => l.ExtendedCost);
            hundredthsOfHours += job.Lines.Where(l => l.Kind == LineKind.Labor).Sum(l => (long)l.QuantityHundredths);
            fees += jobFees;
            foreach (var discount in job.Lines.Where(l => l.Kind == LineKind.Discount))
            {
                var basis = discount.AppliesTo switch
                {
                    TaxCategory.Labor => jobLabor,
                    TaxCategory.Parts => jobParts,
                    _ => jobFees,
                };
                // Never more than the subtotal it comes off: a discount cannot make a line type negative.
                var amount = Math.Min(basis, discount.DiscountBps > 0 ? ShopMoney.ApplyBasisPoints(basis, discount.DiscountBps) : discount.Extended);
                _ = discount.AppliesTo switch
                {
                    TaxCategory.Labor => laborDiscount += amount,
                    TaxCategory.Parts => partsDiscount += amount,
                    _ => feesDiscount += amount,
                };
            }
        }
        return new RepairOrderTotals(
            labor, parts, cores, fees, laborDiscount, partsDiscount, feesDiscount,
            ShopMoney.ApplyBasisPoints(labor - laborDiscount, taxes.LaborBps),
            ShopMoney.ApplyBasisPoints(parts + cores - partsDiscount, taxes.PartsBps),
            ShopMoney.ApplyBasisPoints(fees - feesDiscount, taxes.FeesBps),
            cost, hundredthsOfHours / 100.0);
    }
}
