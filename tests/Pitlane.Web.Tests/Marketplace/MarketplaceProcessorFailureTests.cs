using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// The marketplace with the Stripe adapter (the real Stripe.net SDK against <see cref="FakeStripe"/>): when Stripe fails
/// on its side, placing an order answers 502 problem+json through Payments' contract exception, and nothing is ordered,
/// reserved or charged.
/// </summary>
public sealed class MarketplaceProcessorFailureTests(StripeApp app) : PaymentsTestBase(app), IClassFixture<StripeApp>
{
    [Fact]
    public async Task Given_Stripe_failing_When_a_buyer_orders_Then_502_problem_and_no_order_and_the_stock_is_untouched()
    {
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        var seller = App.BearerClient((await App.TokensAsync("owner@demo.pitlane.test")).AccessToken, shop);
        var listing = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", new
        {
            title = "Radiator, aluminium", partNumber = "RAD-2231", brand = "Koyo", condition = "new", price = 15_000, currency = "usd", quantity = 2,
            fitment = new object[] { new { yearFrom = 2003, yearTo = 2007, make = "Honda", model = "Accord" } },
            shipping = new object[] { new { name = "Standard", price = 1_500, days = 4 } },
        }, Ct), HttpStatusCode.Created);
        var (buyer, _) = await App.NewUserAsync("Buyer");

        app.Stripe.Failing = true;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders")
            {
                Content = JsonContent.Create(new { listingId = Id(listing), quantity = 1, shippingOption = "Standard", paymentMethod = "pm_card_visa" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var problem = await ProblemAsync(await buyer.SendAsync(request, Ct), HttpStatusCode.BadGateway);
            Assert.Contains("nothing was charged", problem.GetProperty("detail").GetString());
        }
        finally
        {
            app.Stripe.Failing = false;
        }
        var orders = await buyer.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders", Ct);
        Assert.DoesNotContain(Items(orders), o => o.GetProperty("listingId").GetGuid() == Id(listing));
        Assert.Equal(2, (await seller.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct)).GetProperty("quantity").GetInt32());
    }

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("items").EnumerateArray();
}
