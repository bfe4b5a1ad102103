namespace Pitlane.Modules.Diagnostics;

/// <summary>A shop's header and prices for estimates (one row per organisation; absent = defaults).</summary>
public sealed class ShopProfile
{
    public Guid OrganizationId { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }

    /// <summary>ISO 4217 code.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Price of one labor hour in minor units of <see cref="Currency"/>.</summary>
    public long LaborRateMinor { get; set; }
    public decimal TaxRatePercent { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The shop's book time for one repair operation, e.g. "ignition.coil.replace" = 0.6 h.</summary>
public sealed class LaborOperation
{
    public Guid OrganizationId { get; set; }
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal Hours { get; set; }
}

/// <summary>A part on the shop's price list, and the operation it is used in (with the quantity one operation needs).</summary>
public sealed class PartPrice
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string PartNumber { get; set; } = "";
    public string Description { get; set; } = "";
    public long UnitPriceMinor { get; set; }
    public string? LaborOperationKey { get; set; }
    public decimal Quantity { get; set; } = 1;
}
