using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Sourcing.Tests;

public sealed class SimulatedSupplierTests
{
    private static readonly CatalogQuoteRequest Request = new(
        new VehicleSpec(2016, "HONDA", "Civic", null, null),
        PartTypes.All.Select(t => new PartTypeRequest(t.Id, t.Name, 1)).ToList(),
        new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Given_same_question_Then_same_catalogue()
    {
        foreach (var supplier in BuiltInSuppliers.Create())
        {
            var a = await supplier.QuoteAsync(Request, TestContext.Current.CancellationToken);
            var b = await BuiltInSuppliers.Create().Single(s => s.Id == supplier.Id).QuoteAsync(Request, TestContext.Current.CancellationToken);
            Assert.NotEmpty(a.Offers);
            Assert.Equal(a.Offers.Select(o => (o.PartNumber, o.UnitCost, o.Stores.Sum(s => s.Quantity))),
                b.Offers.Select(o => (o.PartNumber, o.UnitCost, o.Stores.Sum(s => s.Quantity))));
        }
    }

    [Fact]
    public async Task Given_five_suppliers_Then_kinds_cover_oem_aftermarket_used_body_and_catalogues_differ()
    {
        var suppliers = BuiltInSuppliers.Create();
        Assert.Equal(5, suppliers.Count);
        Assert.Equal(2, suppliers.Count(s => s.Kind == SupplierKind.Aftermarket));
        var quotes = await Task.WhenAll(suppliers.Select(s => s.QuoteAsync(Request, TestContext.Current.CancellationToken)));
        Assert.DoesNotContain(quotes.Single(q => q.SupplierId == "panelco").Offers, o => PartTypes.Find(o.PartTypeId)!.Body == false);
        Assert.All(quotes.Single(q => q.SupplierId == "route9").Offers, o => Assert.Equal(QualityTier.Used, o.Tier));
        var all = quotes.SelectMany(q => q.Offers).ToList();
        Assert.Contains(all, o => o.Fitment is { } f && !f.Fits(Request.Vehicle));
        Assert.Contains(all, o => o.PriceBreaks.Count > 0 && o.CostFor(8) < o.CostFor(1));
        Assert.Contains(quotes, q => q.Terms.FreeShippingThreshold is not null);
        Assert.Contains(quotes, q => q.Terms.OrderMinimum > 0);
    }

    [Fact]
    public void Given_order_after_cut_off_Then_leaves_next_day()
    {
        var option = new DeliveryOption("Truck", 0, new TimeOnly(15, 0), 120);
        var before = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);
        var after = new DateTimeOffset(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);
        Assert.Equal(before.AddMinutes(120), Delivery.Arrival(option, before));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 17, 0, 0, TimeSpan.Zero), Delivery.Arrival(option, after));
    }

    [Fact]
    public async Task Given_order_Then_status_moves_from_placed_to_delivered()
    {
        var supplier = BuiltInSuppliers.Create()[1];
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var receipt = await supplier.PlaceOrderAsync(new SupplierOrder("Q-1", [new SupplierOrderLine("NS1001-1", "northside-1", 1, "Store delivery")], at), TestContext.Current.CancellationToken);
        Assert.Equal("placed", await supplier.OrderStatusAsync(receipt.SupplierOrderId, at, receipt.ExpectedAt, at, TestContext.Current.CancellationToken));
        Assert.Equal("delivered", await supplier.OrderStatusAsync(receipt.SupplierOrderId, at, receipt.ExpectedAt, receipt.ExpectedAt!.Value, TestContext.Current.CancellationToken));
    }
}
