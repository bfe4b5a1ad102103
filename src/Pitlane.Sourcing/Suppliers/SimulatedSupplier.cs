using System.Globalization;

namespace Pitlane.Sourcing.Suppliers;

/// <summary>How one simulated supplier behaves: what it sells, its brands and price level, its stores and deliveries.</summary>
public sealed record SimulatedProfile(
    string Id,
    string Name,
    SupplierKind Kind,
    string PartNumberPrefix,
    IReadOnlyList<(string Brand, QualityTier Tier, int CostPercent, int ListPercent, int WarrantyMonths)> Lines,
    IReadOnlyList<string> Stores,
    IReadOnlyList<DeliveryOption> Deliveries,
    ShippingTerms Terms,
    Func<PartType, bool> Sells,
    int MaxStock,
    int QuantityBreak = 0,
    int BreakPercent = 100);

/// <summary>
/// A SIMULATED supplier for the embedded profile and the tests: a deterministic catalogue computed from the
/// supplier, the part type and the vehicle (FNV-1a hashes, so the same question always gets the same answer,
/// across runs and machines), with stock per store, quantity price breaks, delivery options with cut-offs,
/// shipping fee, free-shipping threshold and order minimum. Some offers carry a fitment range that excludes the
/// vehicle, as real catalogues answer by platform, so the estimator's fitment filter has work to do.
/// Orders are accepted when stock allows and follow placed → shipped → delivered by their expected time.
/// </summary>
public sealed class SimulatedSupplier(SimulatedProfile profile) : IPartsSupplier
{
    public string Id => profile.Id;

    public string Name => profile.Name;

    public SupplierKind Kind => profile.Kind;

    public SimulatedProfile Profile => profile;

    public Task<SupplierQuote> QuoteAsync(CatalogQuoteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var offers = new List<SupplierOffer>();
        var vehicleKey = $"{request.Vehicle.Year}|{request.Vehicle.Make}|{request.Vehicle.Model}".ToUpperInvariant();
        foreach (var wanted in request.PartTypes)
        {
            if (PartTypes.Find(wanted.PartTypeId) is not { } type || !profile.Sells(type)) continue;
            for (var i = 0; i < profile.Lines.Count; i++)
            {
                var (brand, tier, costPercent, listPercent, warranty) = profile.Lines[i];
                var h = Hash($"{profile.Id}|{type.Id}|{vehicleKey}|{i}");
                if (h % 7 == 0) continue; // this brand has nothing for this vehicle
                var spread = (int)(h >> 8) % 21 - 10; // ±10 % per vehicle
                var cost = type.TypicalCost * (costPercent + spread) / 100;
                var list = type.TypicalCost * (listPercent + spread / 2) / 100;
                var stores = profile.Stores.Select((name, s) =>
                    new StoreStock($"{profile.Id}-{s + 1}", name, (int)((h >> (12 + 4 * s)) % (ulong)(profile.MaxStock + 1)))).ToList();
                var total = stores.Sum(s => s.Quantity);
                var status = total > 0 ? StockStatus.InStock : tier == QualityTier.Used ? StockStatus.OutOfStock : StockStatus.SpecialOrder;
                var breaks = profile.QuantityBreak > 0 && type.SoldInSets
                    ? new[] { new PriceBreak(profile.QuantityBreak, cost * profile.BreakPercent / 100) }
                    : [];
                Fitment? fitment = null;
                if (request.Vehicle.Year is { } year && (h >> 40) % 5 == 0)
                    fitment = new Fitment(request.Vehicle.Make, year + 1, year + 6); // a later platform's part
                var partNumber = string.Create(CultureInfo.InvariantCulture, $"{profile.PartNumberPrefix}{type.Id}-{(h >> 20) % 90000 + 10000}");
                offers.Add(new SupplierOffer(type.Id, partNumber, brand.Replace("{make}", request.Vehicle.Make ?? "OE", StringComparison.Ordinal),
                    $"{type.Name} ({brand.Replace("{make}", request.Vehicle.Make ?? "OE", StringComparison.Ordinal)})", tier, cost, list,
                    type.HasCore && tier != QualityTier.Used ? type.TypicalCost / 5 : 0, warranty, status, stores,
                    profile.Deliveries, breaks, fitment, tier == QualityTier.Used ? "Recycled part, tested, mileage on tag" : null));
            }
        }
        return Task.FromResult(new SupplierQuote(profile.Id, "USD", profile.Terms, offers));
    }

    public Task<SupplierOrderReceipt> PlaceOrderAsync(SupplierOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var delivery = order.Lines.Select(l => profile.Deliveries.FirstOrDefault(d => d.Name == l.Delivery) ?? profile.Deliveries[0])
            .Select(d => Delivery.Arrival(d, order.At)).DefaultIfEmpty(order.At).Max();
        var id = string.Create(CultureInfo.InvariantCulture, $"{profile.PartNumberPrefix}ORD-{Hash(order.Reference) % 900000 + 100000}");
        return Task.FromResult(new SupplierOrderReceipt(id, "placed", delivery));
    }

    public Task<string> OrderStatusAsync(string supplierOrderId, DateTimeOffset placedAt, DateTimeOffset? expectedAt, DateTimeOffset now, CancellationToken ct)
    {
        if (expectedAt is not { } eta) return Task.FromResult("placed");
        var status = now >= eta ? "delivered" : now >= placedAt + (eta - placedAt) / 2 ? "shipped" : "placed";
        return Task.FromResult(status);
    }

    /// <summary>FNV-1a 64: stable across processes, unlike string.GetHashCode.</summary>
    internal static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in text)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return h;
    }
}

/// <summary>The five built-in simulated suppliers of the embedded profile.</summary>
public static class BuiltInSuppliers
{
    public static IReadOnlyList<SimulatedSupplier> Create() =>
    [
        new(new SimulatedProfile("oem-dealer", "Dealer parts counter (simulated)", SupplierKind.OemDealer, "OE",
            [("{make} Genuine", QualityTier.Oem, 118, 175, 24)],
            ["Dealer warehouse", "Dealer showroom"],
            [new DeliveryOption("Dealer route truck", 0, new TimeOnly(15, 0), 20 * 60), new DeliveryOption("Same-day courier", 2500, new TimeOnly(11, 0), 4 * 60)],
            new ShippingTerms(0, null, 0), _ => true, MaxStock: 3)),
        new(new SimulatedProfile("northside", "Northside Auto Parts (simulated)", SupplierKind.Aftermarket, "NS",
            [("Bosch", QualityTier.Premium, 92, 160, 24), ("Duralast", QualityTier.Standard, 70, 130, 12)],
            ["Northside Main St", "Northside Airport Rd", "Northside DC"],
            [new DeliveryOption("Store delivery", 0, null, 60), new DeliveryOption("Will call", 0, null, 30)],
            new ShippingTerms(800, 7500, 0), t => !t.Body, MaxStock: 5, QuantityBreak: 4, BreakPercent: 92)),
        new(new SimulatedProfile("valuewh", "Value Parts Warehouse (simulated)", SupplierKind.Aftermarket, "VW",
            [("ValueLine", QualityTier.Economy, 52, 115, 6), ("ProStop", QualityTier.Standard, 64, 128, 12)],
            ["Value regional warehouse"],
            [new DeliveryOption("Next-day freight", 0, new TimeOnly(17, 0), 16 * 60)],
            new ShippingTerms(1200, 15000, 2500), t => !t.Body, MaxStock: 12, QuantityBreak: 6, BreakPercent: 88)),
        new(new SimulatedProfile("route9", "Route 9 Auto Recyclers (simulated)", SupplierKind.UsedParts, "R9",
            [("Recycled OEM", QualityTier.Used, 38, 90, 3)],
            ["Route 9 yard"],
            [new DeliveryOption("Yard truck", 1500, new TimeOnly(13, 0), 24 * 60)],
            new ShippingTerms(0, null, 0), t => t.Body || t.HasCore || t.Id is 1060 or 1041, MaxStock: 1)),
        new(new SimulatedProfile("panelco", "Collision Panel Supply (simulated)", SupplierKind.BodyParts, "CP",
            [("CAPA certified", QualityTier.Standard, 60, 120, 12), ("Economy panel", QualityTier.Economy, 45, 100, 6)],
            ["Panel supply East", "Panel supply West"],
            [new DeliveryOption("Body shop route", 0, new TimeOnly(14, 0), 22 * 60)],
            new ShippingTerms(2500, 25000, 0), t => t.Body, MaxStock: 4)),
    ];
}
