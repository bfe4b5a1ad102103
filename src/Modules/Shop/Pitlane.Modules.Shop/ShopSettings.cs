using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop;

/// <summary>One labor category's rate per hour, in minor units, and what an hour of it costs the shop (the technician's flat-rate pay; null: not set).</summary>
public sealed record LaborRate(string Category, long RatePerHour, long? CostPerHour = null);

/// <summary>
/// One tier of the parts markup matrix: a part whose unit cost is at most <paramref name="UpToCost"/> (null: any cost)
/// sells at cost × <paramref name="MultiplierBps"/> / 10 000 (20 000 = cost × 2, a 100 % markup).
/// </summary>
public sealed record MarkupTier(long? UpToCost, int MultiplierBps);

/// <summary>A shop's prices: currency, labor rates, the markup matrix, tax rates per line type. Set by managers.</summary>
public sealed class ShopSettings
{
    private ShopSettings()
    {
    }

    public Guid OrganizationId { get; private set; }

    public string Currency { get; private set; } = "usd";

    public int LaborTaxBps { get; private set; }

    public int PartsTaxBps { get; private set; }

    public int FeesTaxBps { get; private set; }

    public List<LaborRate> LaborRates { get; private set; } = [];

    public List<MarkupTier> MarkupMatrix { get; private set; } = [];

    public DateTime UpdatedAt { get; private set; }

    /// <summary>The shop's IANA time zone: days, reports and KPIs are the shop's local days.</summary>
    public string TimeZone { get; private set; } = "UTC";

    public void SetTimeZone(string zone) => TimeZone = zone;

    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>What a shop starts with until a manager sets its own: a typical US independent shop.</summary>
    public static ShopSettings Default(Guid organizationId, DateTime at) => new()
    {
        OrganizationId = organizationId, Currency = "usd", LaborTaxBps = 0, PartsTaxBps = 825, FeesTaxBps = 825, UpdatedAt = at,
        LaborRates = [new("standard", 150_00), new("diagnostic", 180_00)],
        MarkupMatrix = [new(10_00, 25_000), new(50_00, 18_000), new(200_00, 15_000), new(null, 13_000)],
    };

    public TaxRates Taxes => new(LaborTaxBps, PartsTaxBps, FeesTaxBps);

    public void Change(string currency, int laborTaxBps, int partsTaxBps, int feesTaxBps, IEnumerable<LaborRate> rates, IEnumerable<MarkupTier> matrix, DateTime at)
    {
        Currency = currency.ToLowerInvariant();
        (LaborTaxBps, PartsTaxBps, FeesTaxBps) = (laborTaxBps, partsTaxBps, feesTaxBps);
        LaborRates = [.. rates];
        MarkupMatrix = [.. matrix.OrderBy(t => t.UpToCost ?? long.MaxValue)];
        UpdatedAt = at;
    }

    public long? CostFor(string category) => LaborRates.FirstOrDefault(r => string.Equals(r.Category, category, StringComparison.OrdinalIgnoreCase))?.CostPerHour;

    public long? RateFor(string category) => LaborRates.FirstOrDefault(r => string.Equals(r.Category, category, StringComparison.OrdinalIgnoreCase))?.RatePerHour;

    /// <summary>The matrix price of a part: the first tier whose ceiling the cost does not exceed, rounded once (<see cref="ShopMoney"/>).</summary>
    public long PriceFor(long unitCost)
    {
        var tier = MarkupMatrix.OrderBy(t => t.UpToCost ?? long.MaxValue).FirstOrDefault(t => t.UpToCost is null || unitCost <= t.UpToCost)
            ?? new MarkupTier(null, 10_000);
        return ShopMoney.ApplyBasisPoints(unitCost, tier.MultiplierBps);
    }
}
