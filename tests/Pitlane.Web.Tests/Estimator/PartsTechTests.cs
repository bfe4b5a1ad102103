using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Estimator;

/// <summary>The app with the PartsTech adapter pointed at <see cref="FakePartsTech"/>, and a short supplier time-out.</summary>
public sealed class PartsTechApp : PitlaneApp
{
    public const string CallbackSecret = "callback-secret-0123456789";

    public FakePartsTech PartsTech { get; private set; } = null!;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        PartsTech = await FakePartsTech.StartAsync();
        Set("Pitlane:Estimator:SupplierTimeoutMs", "1500");
        Set("Pitlane:Estimator:PartsTech:BaseUrl", PartsTech.BaseUrl);
        Set("Pitlane:Estimator:PartsTech:PartnerId", FakePartsTech.PartnerId);
        Set("Pitlane:Estimator:PartsTech:PartnerKey", FakePartsTech.PartnerKey);
        Set("Pitlane:Estimator:PartsTech:UserId", FakePartsTech.UserId);
        Set("Pitlane:Estimator:PartsTech:UserKey", FakePartsTech.UserKey);
        Set("Pitlane:Estimator:PartsTech:CallbackSecret", CallbackSecret);
        Set("Pitlane:Estimator:PartsTech:PublicBaseUrl", "https://shop.example.test");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await PartsTech.DisposeAsync();
    }
}

/// <summary>
/// The PartsTech adapter (typed HttpClient) against an in-process fake of its API: OAuth access once per hour,
/// catalogue quotes in dollars turned into cents, punchout order and its callback; and a PartsTech that answers
/// garbage, fails or hangs is skipped with a warning while the estimate goes on with the built-in suppliers.
/// Runs in sequence because the tests switch the fake's mode.
/// </summary>
[Collection("partstech")]
public sealed class PartsTechTests(PartsTechApp app) : IClassFixture<PartsTechApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpClient Advisor, Guid Vehicle)> AdvisorAsync()
    {
        var advisor = await EstimatorTests.ShopClientAsync(app, "advisor@demo.pitlane.test");
        return (advisor, await EstimatorTests.VehicleAsync(advisor));
    }

    [Fact]
    public async Task Given_PartsTech_Then_its_offers_compete_and_punchout_order_is_confirmed_by_callback()
    {
        app.PartsTech.Mode = FakePartsTechMode.Normal;
        var (advisor, vehicle) = await AdvisorAsync();
        var quote = await EstimatorTests.QuoteAsync(advisor, new { vehicleId = vehicle, jobs = new[] { "battery", "wipers" } });
        var doc = quote.GetProperty("document");
        Assert.DoesNotContain(doc.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("PartsTech", StringComparison.Ordinal));
        var pt = doc.GetProperty("lines").EnumerateArray().SelectMany(l => l.GetProperty("offers").EnumerateArray())
            .Where(o => o.GetProperty("supplierId").GetString() == "partstech").ToList();
        Assert.NotEmpty(pt);
        Assert.All(pt, o => Assert.Equal(1234, o.GetProperty("unitCost").GetInt64()));
        Assert.All(pt, o => Assert.Equal(9999, o.GetProperty("listPrice").GetInt64()));
        Assert.Contains(pt, o => o.GetProperty("storeName").GetString() == "PT Store 8123");
        Assert.All(app.PartsTech.Requests.Where(r => r.Path != "/oauth/access"), r => Assert.StartsWith("Bearer eyJfake.", r.Authorization));

        // Cost $12.34 against $100+ elsewhere: PartsTech wins the wiper line under the markup matrix; order it.
        var id = quote.GetProperty("id").GetGuid();
        var wiper = doc.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("partTypeId").GetInt32() == 1050);
        var ptOffer = wiper.GetProperty("offers").EnumerateArray().First(o => o.GetProperty("supplierId").GetString() == "partstech").GetProperty("candidateId").GetString();
        await EstimatorTests.Json(await advisor.PostAsJsonAsync($"/api/v1/estimator/quotes/{id}/choices", new { lineId = wiper.GetProperty("lineId").GetString(), offerId = ptOffer }, Ct), HttpStatusCode.OK);
        var orders = await EstimatorTests.Json(await advisor.PostAsync($"/api/v1/estimator/quotes/{id}/orders", null, Ct), HttpStatusCode.Created);
        var order = orders.EnumerateArray().Single(o => o.GetProperty("supplierId").GetString() == "partstech");
        Assert.Equal("awaiting purchase in PartsTech", order.GetProperty("status").GetString());
        Assert.StartsWith(app.PartsTech.BaseUrl, order.GetProperty("redirectUrl").GetString());
        var session = order.GetProperty("supplierOrderId").GetString();
        var punchout = app.PartsTech.Requests.Last(r => r.Path == "/punchout/quote/create");
        Assert.Contains("https://shop.example.test/api/v1/estimator/partstech/callback?secret=", punchout.Body);

        using var anonymous = app.CreateClient();
        var callback = new { sessionId = session, action = "PURCHASE", orders = new[] { new { supplier = "PT", store = "8123", tax = 1.0, totalPrice = 26.18, coreCharge = 0.0, shippingPrice = 0.0, parts = Array.Empty<object>() } } };
        await EstimatorTests.Problem(await anonymous.PostAsJsonAsync("/api/v1/estimator/partstech/callback?secret=wrong", callback, Ct), HttpStatusCode.Unauthorized);
        await EstimatorTests.Problem(await anonymous.PostAsJsonAsync($"/api/v1/estimator/partstech/callback?secret={PartsTechApp.CallbackSecret}", new { sessionId = session, action = "EXPLODE" }, Ct), HttpStatusCode.BadRequest);
        await EstimatorTests.Problem(await anonymous.PostAsJsonAsync($"/api/v1/estimator/partstech/callback?secret={PartsTechApp.CallbackSecret}", new { sessionId = "sess-unknown", action = "PURCHASE" }, Ct), HttpStatusCode.NotFound);
        await EstimatorTests.Json(await anonymous.PostAsJsonAsync($"/api/v1/estimator/partstech/callback?secret={PartsTechApp.CallbackSecret}", callback, Ct), HttpStatusCode.OK);
        var after = await EstimatorTests.Json(await advisor.GetAsync($"/api/v1/estimator/quotes/{id}/orders", Ct), HttpStatusCode.OK);
        var confirmed = after.EnumerateArray().Single(o => o.GetProperty("supplierId").GetString() == "partstech");
        Assert.Equal("ordered in PartsTech", confirmed.GetProperty("status").GetString());
        Assert.Equal(2618, confirmed.GetProperty("totalCost").GetInt64());
        Assert.Equal(1, app.PartsTech.TokensIssued);
    }

    [Theory]
    [InlineData(FakePartsTechMode.Garbage, "not a valid quote")]
    [InlineData(FakePartsTechMode.Error, "PartsTech answered 500: Catalog unavailable")]
    [InlineData(FakePartsTechMode.Slow, "no answer within 1500 ms")]
    public async Task Given_PartsTech_misbehaves_Then_it_is_skipped_with_a_warning_and_the_estimate_stands(FakePartsTechMode mode, string warning)
    {
        app.PartsTech.Mode = mode;
        try
        {
            var (advisor, vehicle) = await AdvisorAsync();
            var quote = await EstimatorTests.QuoteAsync(advisor, new { vehicleId = vehicle, jobs = new[] { "battery" } });
            var doc = quote.GetProperty("document");
            Assert.Contains(doc.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("PartsTech skipped", StringComparison.Ordinal) && w.GetString()!.Contains(warning, StringComparison.Ordinal));
            Assert.Equal("warning", doc.GetProperty("steps")[3].GetProperty("outcome").GetString());
            Assert.Equal("Optimal", doc.GetProperty("totals").GetProperty("optimiserStatus").GetString());
            Assert.All(doc.GetProperty("lines").EnumerateArray().SelectMany(l => l.GetProperty("offers").EnumerateArray()),
                o => Assert.NotEqual("partstech", o.GetProperty("supplierId").GetString()));
            Assert.True(doc.GetProperty("lines")[0].GetProperty("offers").GetArrayLength() > 0);
        }
        finally
        {
            app.PartsTech.Mode = FakePartsTechMode.Normal;
        }
    }
}
