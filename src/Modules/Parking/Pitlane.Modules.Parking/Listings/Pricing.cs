namespace Pitlane.Modules.Parking.Listings;

/// <summary>A price breakdown in minor units: what the host earns, the platform's service fee, tax on both, the total the driver pays.</summary>
public sealed record Quote(long Subtotal, long ServiceFee, long Tax, long Total, string Currency, int Months, int Days, int Hours, string Basis)
{
    /// <summary>The platform's part of a destination charge: its fee and the tax it remits.</summary>
    public long ApplicationFee => ServiceFee + Tax;
}

public static class Pricing
{
    /// <summary>
    /// Whole 30-day months at the monthly rate (when the spot has one and it is cheaper), then whole 24 h days at the
    /// hourly rate capped by the daily cap, then the started hours of the rest, capped by the daily cap too.
    /// Fee and tax are basis points, rounded half up.
    /// </summary>
    public static Quote For(SpotPrices prices, string currency, DateTime start, DateTime end, int serviceFeeBasisPoints, int taxBasisPoints)
    {
        var minutes = (long)Math.Ceiling((end - start).TotalMinutes);
        var hours = (minutes + 59) / 60;
        var dayPrice = prices.DailyCap is { } cap ? Math.Min(cap, 24 * prices.Hourly) : 24 * prices.Hourly;
        long months = 0;
        var basis = "hourly";
        if (prices.Monthly is { } monthly && hours >= 30 * 24)
        {
            months = hours / (30 * 24);
            if (monthly < 30 * dayPrice)
            {
                hours -= months * 30 * 24;
                basis = "monthly";
            }
            else
            {
                months = 0;
            }
        }
        var days = hours / 24;
        var rest = hours % 24;
        var restPrice = Math.Min(rest * prices.Hourly, dayPrice);
        if (days > 0 && basis == "hourly")
        {
            basis = prices.DailyCap is null ? "hourly" : "daily";
        }
        var subtotal = months * (prices.Monthly ?? 0) + days * dayPrice + restPrice;
        var fee = BasisPoints(subtotal, serviceFeeBasisPoints);
        var tax = BasisPoints(subtotal + fee, taxBasisPoints);
        return new Quote(subtotal, fee, tax, subtotal + fee + tax, currency, (int)months, (int)days, (int)rest, basis);
    }

    public static long BasisPoints(long amount, int basisPoints) => (long)(((Int128)amount * basisPoints + 5_000) / 10_000);
}
