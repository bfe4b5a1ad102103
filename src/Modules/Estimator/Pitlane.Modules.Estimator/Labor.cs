namespace Pitlane.Modules.Estimator;

/// <summary>A part a job needs: a part type and quantity; optional parts are offered, not required.</summary>
public sealed record JobPart(int PartTypeId, int Quantity, bool Optional = false);

/// <summary>A labor operation with its generic book time (tenths of an hour) and labor category.</summary>
public sealed record LaborOperation(string Code, string Name, string Category, int GenericTenths, IReadOnlyList<JobPart> Parts);

/// <summary>
/// The generic operations and book times used when the shop has no time of its own, labelled as such on every
/// quote. Times are typical published flat-rate figures for a passenger car, rounded to tenths; a shop enters its
/// own per operation (optionally per make/model) and those win.
/// </summary>
public static class LaborCatalog
{
    public const string GenericLabel = "generic default";
    public const string ShopLabel = "shop book time";

    public static readonly IReadOnlyList<LaborOperation> Operations =
    [
        new("brakes-front", "Front brake pads and rotors", "mechanical", 18, [new(1001, 1), new(1002, 2), new(1003, 1, Optional: true)]),
        new("brakes-rear", "Rear brake pads and rotors", "mechanical", 16, [new(1001, 1), new(1002, 2)]),
        new("oil-service", "Oil and filter change", "maintenance", 5, [new(1010, 1), new(1011, 5), new(1012, 1, Optional: true), new(1013, 1, Optional: true)]),
        new("spark-plugs", "Spark plugs", "maintenance", 12, [new(1020, 4), new(1021, 4, Optional: true)]),
        new("battery", "Battery replacement", "electrical", 4, [new(1030, 1)]),
        new("alternator", "Alternator replacement", "electrical", 20, [new(1031, 1), new(1040, 1, Optional: true)]),
        new("starter", "Starter replacement", "electrical", 17, [new(1032, 1)]),
        new("water-pump", "Water pump, belt and thermostat", "mechanical", 32, [new(1041, 1), new(1040, 1), new(1042, 1)]),
        new("front-struts", "Front struts (pair)", "mechanical", 26, [new(1060, 2)]),
        new("wheel-bearing", "Front wheel hub bearing", "mechanical", 15, [new(1061, 1)]),
        new("wipers", "Wiper blades", "maintenance", 1, [new(1050, 2)]),
        new("bumper-front", "Front bumper cover replace", "body", 25, [new(2001, 1)]),
        new("headlamp", "Headlamp assembly replace", "body", 8, [new(2002, 1)]),
        new("fender", "Front fender replace", "body", 30, [new(2003, 1)]),
        new("mirror", "Side mirror replace", "body", 6, [new(2004, 1)]),
    ];

    public static LaborOperation? Find(string code) => Operations.FirstOrDefault(o => string.Equals(o.Code, code, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Tier of the markup matrix: parts whose unit cost is at most <see cref="UpToCost"/> (minor units; null = above every tier) sell at cost × (100 + percent) / 100.</summary>
public sealed record MarkupTier(long? UpToCost, int MarkupPercent);

/// <summary>The shop's pricing: labor rate per category, the parts markup matrix, the parts rules the pipeline applies, and parts tax.</summary>
public sealed record PricingSettings(
    string Currency,
    IReadOnlyDictionary<string, long> LaborRates,
    IReadOnlyList<MarkupTier> Markup,
    IReadOnlyList<string> PreferredBrands,
    Pitlane.Sourcing.Suppliers.QualityTier MinimumTier,
    bool AllowUsedParts,
    int MinimumWarrantyMonths,
    long EtaPenaltyPerHour,
    int PartsTaxBasisPoints)
{
    /// <summary>What a shop gets until it sets its own (labelled "default" on the settings page).</summary>
    public static readonly PricingSettings Default = new("USD",
        new Dictionary<string, long> { ["mechanical"] = 14500, ["maintenance"] = 11000, ["electrical"] = 15500, ["body"] = 12500 },
        [new(1000, 150), new(5000, 100), new(10000, 75), new(25000, 55), new(null, 40)],
        [], Pitlane.Sourcing.Suppliers.QualityTier.Used, AllowUsedParts: true, MinimumWarrantyMonths: 0, EtaPenaltyPerHour: 0, PartsTaxBasisPoints: 0);

    public const long FallbackLaborRate = 12500;

    public long RateFor(string category) => LaborRates.TryGetValue(category, out var rate) ? rate : FallbackLaborRate;

    /// <summary>Sell price per unit by the matrix: the first tier whose ceiling is at least the unit cost.</summary>
    public long Sell(long unitCost)
    {
        foreach (var tier in Markup.OrderBy(t => t.UpToCost ?? long.MaxValue))
        {
            if (tier.UpToCost is null || unitCost <= tier.UpToCost) return unitCost * (100 + tier.MarkupPercent) / 100;
        }
        return unitCost;
    }

    public IEnumerable<string> Check()
    {
        if (Currency is not { Length: 3 }) yield return "currency must be a 3-letter code.";
        foreach (var (category, rate) in LaborRates)
        {
            if (rate is < 0 or > 10_000_00) yield return $"laborRates.{category} must be between 0 and 1000000.";
        }
        if (Markup.Count == 0 || Markup.Count > 20) yield return "markup must have between 1 and 20 tiers.";
        if (Markup.Any(t => t.MarkupPercent is < 0 or > 1000)) yield return "markup percent must be between 0 and 1000.";
        if (Markup.Count(t => t.UpToCost is null) != 1) yield return "markup must have exactly one open tier (upToCost null).";
        if (MinimumWarrantyMonths is < 0 or > 120) yield return "minimumWarrantyMonths must be between 0 and 120.";
        if (EtaPenaltyPerHour is < 0 or > 100_000) yield return "etaPenaltyPerHour must be between 0 and 100000.";
        if (PartsTaxBasisPoints is < 0 or > 3000) yield return "partsTaxBasisPoints must be between 0 and 3000.";
        if (PreferredBrands.Count > 30 || PreferredBrands.Any(b => string.IsNullOrWhiteSpace(b) || b.Length > 60)) yield return "preferredBrands: at most 30 names of 1 to 60 characters.";
    }
}
