namespace Pitlane.Sourcing.Suppliers;

/// <summary>The vehicle a quote is for, as decoded (any field may be unknown).</summary>
public sealed record VehicleSpec(int? Year, string? Make, string? Model, string? Engine, string? Vin);

/// <summary>A part type wanted for a job (taxonomy id + name), and how many.</summary>
public sealed record PartTypeRequest(int PartTypeId, string Name, int Quantity);

public sealed record CatalogQuoteRequest(VehicleSpec Vehicle, IReadOnlyList<PartTypeRequest> PartTypes, DateTimeOffset At);

/// <summary>PartsTech's availability statuses.</summary>
public enum StockStatus { InStock, OutOfStock, SpecialOrder, BackOrder }

public enum QualityTier { Used = 0, Economy = 1, Standard = 2, Premium = 3, Oem = 4 }

public enum SupplierKind { OemDealer, Aftermarket, UsedParts, BodyParts, PartsTech }

public sealed record StoreStock(string StoreId, string StoreName, int Quantity);

/// <summary>A way to get the part to the shop: a fee, an order cut-off (local time of the quote) and transit time; orders after the cut-off leave the next day.</summary>
public sealed record DeliveryOption(string Name, long Fee, TimeOnly? CutOff, int TransitMinutes);

/// <summary>Unit cost from a quantity on (quantity breaks).</summary>
public sealed record PriceBreak(int MinQuantity, long UnitCost);

/// <summary>Vehicles an offer fits; null on an offer = the supplier already filtered by vehicle.</summary>
public sealed record Fitment(string? Make, int YearFrom, int YearTo)
{
    public bool Fits(VehicleSpec v) =>
        (Make is null || v.Make is null || string.Equals(Make, v.Make, StringComparison.OrdinalIgnoreCase))
        && (v.Year is not { } y || (y >= YearFrom && y <= YearTo));
}

/// <summary>One catalogue answer: amounts in minor units of the quote's currency.</summary>
public sealed record SupplierOffer(
    int PartTypeId,
    string PartNumber,
    string Brand,
    string Name,
    QualityTier Tier,
    long UnitCost,
    long ListPrice,
    long CoreCharge,
    int WarrantyMonths,
    StockStatus Status,
    IReadOnlyList<StoreStock> Stores,
    IReadOnlyList<DeliveryOption> Deliveries,
    IReadOnlyList<PriceBreak> PriceBreaks,
    Fitment? Fitment = null,
    string? Notes = null)
{
    /// <summary>Unit cost for a quantity, after the best applicable price break.</summary>
    public long CostFor(int quantity)
    {
        var cost = UnitCost;
        foreach (var b in PriceBreaks)
        {
            if (quantity >= b.MinQuantity && b.UnitCost < cost) cost = b.UnitCost;
        }
        return cost;
    }
}

public sealed record ShippingTerms(long ShippingFee, long? FreeShippingThreshold, long OrderMinimum);

public sealed record SupplierQuote(string SupplierId, string Currency, ShippingTerms Terms, IReadOnlyList<SupplierOffer> Offers);

public sealed record SupplierOrderLine(string PartNumber, string StoreId, int Quantity, string Delivery);

public sealed record SupplierOrder(string Reference, IReadOnlyList<SupplierOrderLine> Lines, DateTimeOffset At);

/// <param name="RedirectUrl">Where the advisor finishes the order, for suppliers that take orders in their own site (PartsTech punchout).</param>
public sealed record SupplierOrderReceipt(string SupplierOrderId, string Status, DateTimeOffset? ExpectedAt, string? RedirectUrl = null);

/// <summary>
/// A parts supplier: catalogue quote by vehicle and part types, order placement and order status. The built-in
/// simulated suppliers and the PartsTech adapter both implement it; the estimator sees nothing else.
/// </summary>
public interface IPartsSupplier
{
    string Id { get; }

    string Name { get; }

    SupplierKind Kind { get; }

    Task<SupplierQuote> QuoteAsync(CatalogQuoteRequest request, CancellationToken ct);

    Task<SupplierOrderReceipt> PlaceOrderAsync(SupplierOrder order, CancellationToken ct);

    /// <summary>Status of an order this supplier accepted, at <paramref name="now"/>.</summary>
    Task<string> OrderStatusAsync(string supplierOrderId, DateTimeOffset placedAt, DateTimeOffset? expectedAt, DateTimeOffset now, CancellationToken ct);
}

/// <summary>Arrival time of a delivery option for an order placed at <paramref name="at"/> (the cut-off in the same clock).</summary>
public static class Delivery
{
    public static DateTimeOffset Arrival(DeliveryOption option, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(option);
        var leaves = at;
        if (option.CutOff is { } cut && TimeOnly.FromDateTime(at.DateTime) > cut)
            leaves = new DateTimeOffset(at.Date.AddDays(1), at.Offset).Add(cut.ToTimeSpan());
        return leaves.AddMinutes(option.TransitMinutes);
    }
}
