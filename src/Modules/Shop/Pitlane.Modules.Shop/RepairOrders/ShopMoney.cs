namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>
/// The one rounding rule of the shop's money (docs/shop.md, "Rounding"): every amount is an integer of the currency's
/// minor unit; a product or a percentage is rounded to the minor unit exactly once, where it is made, half away from
/// zero; totals are sums of already-rounded amounts and are never rounded again. Concretely:
/// <list type="bullet">
/// <item>a labor line: hours (to 0.01 h) × rate per hour, rounded once per line;</item>
/// <item>a part line: quantity (to 0.01) × unit price, and quantity × core charge, each rounded once per line;</item>
/// <item>a percentage discount: the job's subtotal of the category it applies to × the percentage, rounded once per line;</item>
/// <item>tax: per line type (labor, parts incl. cores, fees), the repair order's net of that type × its rate, rounded
/// once per type, not per line.</item>
/// </list>
/// Integer arithmetic only (Int128 intermediates), so no binary fraction moves a cent.
/// </summary>
public static class ShopMoney
{
    /// <summary>numerator / denominator rounded half away from zero; denominator &gt; 0.</summary>
    public static long RoundDiv(Int128 numerator, long denominator)
    {
        if (denominator <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator));
        }
        var negative = numerator < 0;
        var magnitude = negative ? -numerator : numerator;
        var rounded = (magnitude * 2 + denominator) / (denominator * (Int128)2);
        return (long)(negative ? -rounded : rounded);
    }

    /// <summary>hundredths × unit amount / 100, rounded once (0.01 h × rate per hour; 0.01 units × price per unit).</summary>
    public static long Extend(int hundredths, long perUnit) => RoundDiv((Int128)hundredths * perUnit, 100);

    /// <summary>amount × basis points / 10 000, rounded once (discount percentages, tax rates, markup multipliers).</summary>
    public static long ApplyBasisPoints(long amount, int basisPoints) => RoundDiv((Int128)amount * basisPoints, 10_000);

    /// <summary>A decimal with at most two places as hundredths, or null when it has more places or is out of range.</summary>
    public static int? ToHundredths(decimal value)
    {
        var scaled = value * 100m;
        if (scaled != decimal.Truncate(scaled) || scaled < int.MinValue || scaled > int.MaxValue)
        {
            return null;
        }
        return (int)scaled;
    }
}
