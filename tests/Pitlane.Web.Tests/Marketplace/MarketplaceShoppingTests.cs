using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Marketplace;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Media;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// Issue 17, the shopping side over HTTP on SQLite and PostgreSQL: a cart over several sellers checked out into one
/// escrow order per line; seller plans from Payments raising the listing allowance and lowering the fee; ratings,
/// dispute evidence and listing photos through the Media store; full-text search; processor refusals as problems.
/// </summary>
public abstract class MarketplaceShoppingTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private sealed record Party(HttpClient Client, Guid Org);

    private async Task<Party> PartyAsync(string name)
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync(name);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var org = me.GetProperty("organizations").EnumerateArray().First(o => o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return new Party(client, org);
    }

    private static object Listing(string title, long price, int quantity = 3, string brand = "Bosch", string? serial = null) => new
    {
        title, partNumber = "PN-" + Guid.NewGuid().ToString("N")[..6], brand, condition = "new", serialNumber = serial, description = "Test part",
        price, currency = "usd", quantity, fitment = new[] { new { yearFrom = 2003, yearTo = 2007, make = "Honda", model = "Accord" } },
        shipping = new object[] { new { name = "Standard", price = 1_000, days = 5 }, new { name = "Express", price = 2_500, days = 1 } },
    };

    private static async Task<JsonElement> ListAsync(Party seller, object listing) =>
        await Json(await seller.Client.PostAsJsonAsync("/api/v1/marketplace/listings", listing, Ct), HttpStatusCode.Created);

    private static async Task<JsonElement> AddAsync(Party buyer, JsonElement listing, int quantity = 1, string? shipping = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Json(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(listing), quantity, shippingOption = shipping }, Ct), expected);

    private static async Task<HttpResponseMessage> CheckoutAsync(Party buyer, string card = "pm_card_visa", string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/cart/checkout") { Content = JsonContent.Create(new { paymentMethod = card }) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await buyer.Client.SendAsync(request, Ct);
    }

    private static MultipartFormDataContent Photo(byte[] bytes, string type = "image/png")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new(type);
        form.Add(part, "photo", "part.png");
        return form;
    }

    [Fact]
    public async Task Given_cart_over_two_sellers_When_checked_out_Then_each_line_is_its_own_escrow_order_and_the_cart_empties()
    {
        var (alpha, beta, buyer) = (await PartyAsync("Alpha"), await PartyAsync("Beta"), await PartyAsync("CartBuyer"));
        var pads = await ListAsync(alpha, Listing("Ceramic brake pads", 5_000));
        var rotor = await ListAsync(alpha, Listing("Vented brake rotor", 7_000, quantity: 1));
        var filter = await ListAsync(beta, Listing("Cabin air filter", 1_500));

        // Bad input is refused and nothing is added.
        await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(pads), quantity = 0 }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(pads), shippingOption = "Drone" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Guid.NewGuid() }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(rotor), quantity = 2 }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await alpha.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(pads) }, Ct), HttpStatusCode.Conflict);
        Assert.Equal(0, (await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/cart", Ct)).GetProperty("count").GetInt32());
        await ProblemAsync(await CheckoutAsync(buyer), HttpStatusCode.Conflict);

        await AddAsync(buyer, pads, quantity: 2);
        await AddAsync(buyer, rotor, shipping: "Express");
        var cart = await AddAsync(buyer, filter);
        Assert.Equal(3, cart.GetProperty("count").GetInt32());
        Assert.Equal(2, cart.GetProperty("sellers").GetArrayLength());
        // 2 x 5,000 + 1,000; 7,000 + 2,500; 1,500 + 1,000.
        Assert.Equal(11_000 + 9_500 + 2_500, cart.GetProperty("totals").GetProperty("usd").GetInt64());

        // Another person cannot touch this cart's lines.
        var line = cart.GetProperty("sellers")[0].GetProperty("lines")[0].GetProperty("id").GetGuid();
        var stranger = await PartyAsync("CartStranger");
        await ProblemAsync(await stranger.Client.DeleteAsync($"/api/v1/marketplace/cart/items/{line}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/cart/checkout", new { paymentMethod = "4242424242424242" }, Ct), HttpStatusCode.BadRequest);
        // A technician of a shop may browse but not buy.
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        var tech = App.BearerClient((await App.TokensAsync("tech@demo.pitlane.test")).AccessToken, shop);
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(pads) }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/marketplace/cart/checkout", new { paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Forbidden);

        var key = Guid.NewGuid().ToString();
        var result = await Json(await CheckoutAsync(buyer, key: key), HttpStatusCode.OK);
        var lines = result.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("in_escrow", l.GetProperty("order").GetProperty("status").GetString()));
        var checkout = result.GetProperty("checkoutId").GetGuid();
        Assert.All(lines, l => Assert.Equal(checkout, l.GetProperty("order").GetProperty("checkoutId").GetGuid()));
        Assert.Equal([11_000L, 9_500L, 2_500L], lines.Select(l => l.GetProperty("order").GetProperty("total").GetInt64()).Order().Reverse());
        var intents = lines.Select(l => l.GetProperty("order").GetProperty("paymentIntentId").GetGuid()).Distinct().ToList();
        Assert.Equal(3, intents.Count);
        foreach (var intent in intents)
        {
            Assert.Equal("requires_capture", Status(await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{intent}", Ct)));
        }
        Assert.Equal(0, (await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/cart", Ct)).GetProperty("count").GetInt32());
        // The same key replays the answer; nothing is ordered twice.
        var replay = await Json(await CheckoutAsync(buyer, key: key), HttpStatusCode.OK);
        Assert.Equal(checkout, replay.GetProperty("checkoutId").GetGuid());
        Assert.Equal(3, (await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders?role=buyer", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(2, (await alpha.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders?role=seller", Ct)).GetProperty("total").GetInt32());

        // The rotor is sold out: a second buyer's line stays in the cart with the reason, the other line is placed.
        var late = await PartyAsync("LateBuyer");
        await ProblemAsync(await late.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(rotor) }, Ct), HttpStatusCode.Conflict);
        await AddAsync(late, filter);
        var lateResult = await Json(await CheckoutAsync(late), HttpStatusCode.OK);
        Assert.Equal(1, lateResult.GetProperty("lines").EnumerateArray().Count(l => l.GetProperty("order").ValueKind == JsonValueKind.Object));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_checkout_without_a_card_Then_parts_are_held_until_each_order_is_paid_on_the_processors_page_and_unpaid_ones_are_let_go()
    {
        var (alpha, beta, buyer, rival) = (await PartyAsync("HoldAlpha"), await PartyAsync("HoldBeta"), await PartyAsync("HoldBuyer"), await PartyAsync("HoldRival"));
        var pads = await ListAsync(alpha, Listing("Last brake pads", 5_000, quantity: 1));
        var filter = await ListAsync(beta, Listing("Oil filter", 900, quantity: 3));
        await AddAsync(buyer, pads);
        await AddAsync(buyer, filter, quantity: 2);
        async Task<HttpResponseMessage> CheckoutWithoutCardAsync(Party party)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/cart/checkout") { Content = JsonContent.Create(new { }) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return await party.Client.SendAsync(request, Ct);
        }
        async Task<JsonElement> OrderOf(Party party, Guid id) => await party.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/orders/{id}", Ct);
        async Task<int> QuantityOf(JsonElement listing) =>
            (await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct)).GetProperty("quantity").GetInt32();

        var result = await Json(await CheckoutWithoutCardAsync(buyer), HttpStatusCode.OK);
        var orders = result.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("order")).ToList();
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal("awaiting_payment", o.GetProperty("status").GetString()));
        var padsOrder = orders.Single(o => o.GetProperty("listingId").GetGuid() == Id(pads));
        var filterOrder = orders.Single(o => o.GetProperty("listingId").GetGuid() == Id(filter));
        var padsIntent = padsOrder.GetProperty("paymentIntentId").GetGuid();
        Assert.Equal($"/Payments/Pay/{padsIntent}?then={Uri.EscapeDataString($"/Marketplace/Orders?paying={Id(padsOrder)}")}", padsOrder.GetProperty("payUrl").GetString());
        Assert.Equal(orders[0].GetProperty("payUrl").GetString(), result.GetProperty("payUrl").GetString());
        Assert.Equal("requires_payment_method", Status(await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{padsIntent}", Ct)));
        Assert.Equal(0, (await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/cart", Ct)).GetProperty("count").GetInt32());

        // Held: the last pads cannot go to anyone else meanwhile; the sellers see nothing until the money is held.
        Assert.Equal(0, await QuantityOf(pads));
        await ProblemAsync(await rival.Client.PostAsJsonAsync("/api/v1/marketplace/cart/items", new { listingId = Id(pads) }, Ct), HttpStatusCode.Conflict);
        Assert.Equal(0, (await alpha.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders?role=seller", Ct)).GetProperty("total").GetInt32());
        await ProblemAsync(await alpha.Client.GetAsync($"/api/v1/marketplace/orders/{Id(padsOrder)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await alpha.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(padsOrder)}/ship", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(padsOrder)}/dispute", new { reason = "Never mind" }, Ct), HttpStatusCode.Conflict);

        // The buyer pays the pads on the processor's page (a test card's confirm stands in for it); the news reaches the
        // order through the outbox and puts it into escrow without anyone asking.
        await Json(await buyer.Client.PostAsJsonAsync($"/api/v1/payments/intents/{padsIntent}/confirm", new { paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.OK);
        var paid = padsOrder;
        for (var wait = 0; wait < 100 && paid.GetProperty("status").GetString() != "in_escrow"; wait++)
        {
            await Task.Delay(200, Ct);
            paid = await OrderOf(buyer, Id(padsOrder));
        }
        Assert.Equal("in_escrow", paid.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, paid.GetProperty("payUrl").ValueKind);
        Assert.Equal("requires_capture", Status(await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{padsIntent}", Ct)));
        Assert.Equal("in_escrow", (await OrderOf(alpha, Id(padsOrder))).GetProperty("status").GetString());
        await ProblemAsync(await buyer.Client.PostAsync($"/api/v1/marketplace/orders/{Id(padsOrder)}/cancel", null, Ct), HttpStatusCode.Conflict);

        // The filters: a stranger cannot cancel them; the buyer can, and the stock goes back.
        await ProblemAsync(await rival.Client.PostAsync($"/api/v1/marketplace/orders/{Id(filterOrder)}/cancel", null, Ct), HttpStatusCode.NotFound);
        Assert.Equal(1, await QuantityOf(filter));
        var cancelled = await Json(await buyer.Client.PostAsync($"/api/v1/marketplace/orders/{Id(filterOrder)}/cancel", null, Ct), HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("canceled", Status(await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{filterOrder.GetProperty("paymentIntentId").GetGuid()}", Ct)));
        Assert.Equal(3, await QuantityOf(filter));
        await ProblemAsync(await buyer.Client.PostAsync($"/api/v1/marketplace/orders/{Id(filterOrder)}/cancel", null, Ct), HttpStatusCode.Conflict);
        Assert.Equal(0, (await beta.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders?role=seller", Ct)).GetProperty("total").GetInt32());

        // An order nobody pays for is let go after the hold time (zero here): payment cancelled, stock back on sale.
        await AddAsync(rival, filter, quantity: 3);
        var abandoned = (await Json(await CheckoutWithoutCardAsync(rival), HttpStatusCode.OK)).GetProperty("lines")[0].GetProperty("order");
        Assert.Equal(0, await QuantityOf(filter));
        var options = App.Services.GetRequiredService<MarketplaceOptions>();
        try
        {
            options.UnpaidHoldMinutes = 0;
            using var scope = App.Services.CreateScope();
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Modules.Marketplace.Orders.OrderService>().ExpireUnpaidAsync(Ct));
        }
        finally
        {
            options.UnpaidHoldMinutes = 15;
        }
        Assert.Equal("cancelled", (await OrderOf(rival, Id(abandoned))).GetProperty("status").GetString());
        Assert.Equal("canceled", Status(await rival.Client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{abandoned.GetProperty("paymentIntentId").GetGuid()}", Ct)));
        Assert.Equal(3, await QuantityOf(filter));
        Assert.Equal("in_escrow", (await OrderOf(buyer, Id(padsOrder))).GetProperty("status").GetString());
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_unknown_payment_method_or_declined_card_Then_checkout_answers_a_problem_and_nothing_is_held()
    {
        var (seller, buyer) = (await PartyAsync("PmSeller"), await PartyAsync("PmBuyer"));
        var listing = await ListAsync(seller, Listing("Wiper blades", 2_000));
        // The processor refuses the token (an exception inside Payments): a 409 problem, not a 500.
        var refused = await ProblemAsync(await buyer.Client.PostAsJsonAsync("/api/v1/marketplace/orders",
            new { listingId = Id(listing), paymentMethod = "pm_does_not_exist" }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("pm_does_not_exist", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AddAsync(buyer, listing);
        await ProblemAsync(await CheckoutAsync(buyer, card: "pm_card_chargeDeclined"), (HttpStatusCode)402);
        var stillThere = await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/cart", Ct);
        Assert.Equal(1, stillThere.GetProperty("count").GetInt32());
        var unknown = await Json(await CheckoutAsync(buyer, card: "pm_does_not_exist"), HttpStatusCode.OK);
        Assert.Equal(409, unknown.GetProperty("lines")[0].GetProperty("status").GetInt32());
        Assert.Equal(0, (await buyer.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(3, (await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct)).GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Given_seller_plan_from_the_platform_Then_more_listings_are_allowed_and_the_fee_is_lower()
    {
        var options = App.Services.GetRequiredService<MarketplaceOptions>();
        var (platform, seller, buyer, rogue) = (await PartyAsync("Platform"), await PartyAsync("PlanSeller"), await PartyAsync("PlanBuyer"), await PartyAsync("Rogue"));
        var (freeBefore, providerBefore) = (options.FreeListingLimit, options.PlanProviderOrganizationId);
        options.FreeListingLimit = 1;
        options.PlanProviderOrganizationId = platform.Org;
        try
        {
            await ListAsync(seller, Listing("Spark plug set", 4_000));
            var over = await ProblemAsync(await seller.Client.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Ignition coil", 9_000), Ct), HttpStatusCode.Forbidden);
            Assert.Equal("https://pitlane.dev/problems/listing-limit", over.GetProperty("type").GetString());

            // A plan the seller's own organisation (or anyone but the platform) publishes does not count.
            var selfPlan = await Json(await rogue.Client.PostAsJsonAsync("/api/v1/payments/plans", new
            {
                code = "rogue", name = "Rogue", currency = "usd", monthlyAmount = 100, annualAmount = 1_000,
                entitlements = new Dictionary<string, long> { ["marketplace.listings"] = 1_000, ["marketplace.fee_discount_bps"] = 500 },
            }, Ct), HttpStatusCode.Created);
            await Json(await seller.Client.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(selfPlan), interval = "month", paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Created);
            await ProblemAsync(await seller.Client.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Ignition coil", 9_000), Ct), HttpStatusCode.Forbidden);

            var pro = await Json(await platform.Client.PostAsJsonAsync("/api/v1/payments/plans", new
            {
                code = "seller-pro", name = "Pro seller", currency = "usd", monthlyAmount = 3_000, annualAmount = 30_000,
                entitlements = new Dictionary<string, long> { ["marketplace.listings"] = 10, ["marketplace.fee_discount_bps"] = 300 },
            }, Ct), HttpStatusCode.Created);
            await Json(await seller.Client.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(pro), interval = "month", paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Created);
            var account = await seller.Client.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/sellers/me", Ct);
            Assert.Equal(10, account.GetProperty("listingLimit").GetInt64());
            Assert.Equal(200, account.GetProperty("feeBasisPoints").GetInt32());
            Assert.Equal("Pro seller", account.GetProperty("planName").GetString());

            var coil = await ListAsync(seller, Listing("Ignition coil", 9_000));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders")
            {
                Content = JsonContent.Create(new { listingId = Id(coil), paymentMethod = "pm_card_visa" }),
            };
            var order = await Json(await buyer.Client.SendAsync(request, Ct), HttpStatusCode.Created);
            Assert.Equal(10_000, order.GetProperty("total").GetInt64());
            Assert.Equal(200, order.GetProperty("platformFee").GetInt64());
            Assert.Equal(200, order.GetProperty("feeBasisPoints").GetInt32());
        }
        finally
        {
            options.FreeListingLimit = freeBefore;
            options.PlanProviderOrganizationId = providerBefore;
        }
    }

    [Fact]
    public async Task Given_photos_ratings_and_dispute_evidence_Then_they_are_stored_in_media_and_bound_to_their_organisations()
    {
        var (seller, buyer, stranger) = (await PartyAsync("PhotoSeller"), await PartyAsync("PhotoBuyer"), await PartyAsync("PhotoStranger"));
        var listing = await ListAsync(seller, Listing("Headlight assembly", 15_000));
        using (var photo = Photo(MediaTests.Png()))
        {
            var withPhoto = await Json(await seller.Client.PostAsync($"/api/v1/marketplace/listings/{Id(listing)}/photos", photo, Ct), HttpStatusCode.OK);
            var link = withPhoto.GetProperty("photos")[0].GetString()!;
            using var anonymous = App.CreateClient();
            var image = await anonymous.GetAsync(link, Ct);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal(MediaTests.Png(), await image.Content.ReadAsByteArrayAsync(Ct));
        }
        using (var text = Photo("not an image at all"u8.ToArray(), "image/png"))
        {
            var status = (await seller.Client.PostAsync($"/api/v1/marketplace/listings/{Id(listing)}/photos", text, Ct)).StatusCode;
            Assert.True(status is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest, $"got {status}");
        }
        using (var photo = Photo(MediaTests.Png()))
        {
            await ProblemAsync(await stranger.Client.PostAsync($"/api/v1/marketplace/listings/{Id(listing)}/photos", photo, Ct), HttpStatusCode.NotFound);
        }
        // Another organisation cannot edit or withdraw the listing either, and the listing is unchanged.
        await ProblemAsync(await stranger.Client.PutAsJsonAsync($"/api/v1/marketplace/listings/{Id(listing)}", Listing("Taken over", 1_000), Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.Client.DeleteAsync($"/api/v1/marketplace/listings/{Id(listing)}", Ct), HttpStatusCode.NotFound);
        var detail = await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct);
        Assert.Equal(1, detail.GetProperty("photos").GetArrayLength());
        Assert.NotEqual("Taken over", detail.GetProperty("title").GetString());
        Assert.True(detail.GetProperty("active").GetBoolean());

        // Rated after delivery only, once, 1 to 5 stars; the seller's average follows.
        using var first = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = JsonContent.Create(new { listingId = Id(listing), paymentMethod = "pm_card_visa" }) };
        var order = await Json(await buyer.Client.SendAsync(first, Ct), HttpStatusCode.Created);
        await ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/rating", new { stars = 5 }, Ct), HttpStatusCode.Conflict);
        await PostAsync(seller.Client, $"/api/v1/marketplace/orders/{Id(order)}/ship", new { tracking = "TRK1" });
        await PostAsync(buyer.Client, $"/api/v1/marketplace/orders/{Id(order)}/confirm-delivery", new { });
        await ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/rating", new { stars = 9 }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await seller.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/rating", new { stars = 1 }, Ct), HttpStatusCode.NotFound);
        var rated = await PostAsync(buyer.Client, $"/api/v1/marketplace/orders/{Id(order)}/rating", new { stars = 4, comment = "Fast, well packed." });
        Assert.Equal(4, rated.GetProperty("rating").GetInt32());
        await ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/rating", new { stars = 5 }, Ct), HttpStatusCode.Conflict);
        var rating = await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/sellers/{seller.Org}/rating", Ct);
        Assert.Equal(4.0, rating.GetProperty("average").GetDouble());
        Assert.Equal(1, rating.GetProperty("count").GetInt32());

        // A dispute with photos: only the buyer organisation's own images count as evidence.
        using var second = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = JsonContent.Create(new { listingId = Id(listing), paymentMethod = "pm_card_visa" }) };
        var disputed = await Json(await buyer.Client.SendAsync(second, Ct), HttpStatusCode.Created);
        Guid evidence, foreign;
        using (var photo = Photo(MediaTests.Png()))
        {
            evidence = (await Json(await buyer.Client.PostAsync("/api/v1/marketplace/orders/evidence", photo, Ct), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        }
        using (var photo = Photo(MediaTests.Png()))
        {
            foreign = (await Json(await stranger.Client.PostAsync("/api/v1/marketplace/orders/evidence", photo, Ct), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        }
        await ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(disputed)}/dispute",
            new { reason = "Lens cracked on arrival.", evidencePhotoIds = new[] { foreign } }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("in_escrow", (await buyer.Client.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/orders/{Id(disputed)}", Ct)).GetProperty("status").GetString());
        var refunded = await PostAsync(buyer.Client, $"/api/v1/marketplace/orders/{Id(disputed)}/dispute", new { reason = "Lens cracked on arrival.", evidencePhotoIds = new[] { evidence } });
        Assert.Equal("refunded", refunded.GetProperty("status").GetString());
        Assert.Equal([evidence], refunded.GetProperty("evidencePhotoIds").EnumerateArray().Select(e => e.GetGuid()));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_full_text_query_Then_stemmed_prefix_words_match_and_hostile_input_is_harmless()
    {
        var seller = await PartyAsync("FtsSeller");
        var buyer = await PartyAsync("FtsBuyer");
        var marker = "zq" + Guid.NewGuid().ToString("N")[..8];
        var pads = await ListAsync(seller, Listing($"Ceramic brake pads {marker}", 5_000, brand: "Akebono"));
        var hose = await ListAsync(seller, Listing($"Braided brake hose {marker}", 3_000, brand: "Goodridge"));
        var wiper = await ListAsync(seller, Listing($"Wiper blade {marker}", 1_000));

        async Task<List<Guid>> FindAsync(string q, string extra = "") =>
            [.. (await Json(await buyer.Client.GetAsync($"/api/v1/marketplace/search?q={Uri.EscapeDataString(q)}&pageSize=100{extra}", Ct), HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Select(Id)];

        Assert.Equal([Id(pads)], await FindAsync($"{marker} pad"));           // "pads" stemmed, "pad" as a prefix
        Assert.Equal(2, (await FindAsync($"{marker} brak")).Count);         // prefix of "brake"
        Assert.Equal([Id(hose)], await FindAsync($"{marker} brake", "&brand=goodridge"));
        Assert.Empty(await FindAsync($"{marker} alternator"));
        // Query-language syntax of FTS5 and tsquery is only punctuation here: every word is required, nothing is an operator.
        Assert.Contains(Id(wiper), await FindAsync($"\"{marker}\"* ( ' -- ; : & | !"));
        Assert.Empty(await FindAsync($"{marker} OR NEAR DROP"));
        var facets = (await Json(await buyer.Client.GetAsync($"/api/v1/marketplace/search?q={marker}", Ct), HttpStatusCode.OK)).GetProperty("facets");
        Assert.Equal(3, facets.GetProperty("brand").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));

        // A withdrawn listing leaves the results; an edited title is found by its new words.
        Assert.Equal(HttpStatusCode.NoContent, (await seller.Client.DeleteAsync($"/api/v1/marketplace/listings/{Id(wiper)}", Ct)).StatusCode);
        Assert.DoesNotContain(Id(wiper), await FindAsync(marker));
        await Json(await seller.Client.PutAsJsonAsync($"/api/v1/marketplace/listings/{Id(hose)}", Listing($"Stainless clutch line {marker}", 3_000, brand: "Goodridge"), Ct), HttpStatusCode.OK);
        Assert.Equal([Id(hose)], await FindAsync($"{marker} clutch"));
        Assert.Equal([Id(pads)], await FindAsync($"{marker} brake"));
        await ProblemAsync(await buyer.Client.GetAsync($"/api/v1/marketplace/search?q={new string('a', 201)}", Ct), HttpStatusCode.BadRequest);
    }
}

public sealed class MarketplaceShoppingTestsOnSqlite(SqliteApp app) : MarketplaceShoppingTests(app), IClassFixture<SqliteApp>;

public sealed class MarketplaceShoppingTestsOnPostgres(PostgresApp app) : MarketplaceShoppingTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
