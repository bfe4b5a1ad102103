using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Marketplace;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Provenance;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// Issue 17 over HTTP: a buyer finds a part that fits their VIN, pays into escrow, confirms delivery, and the ledger
/// shows the seller's payout and the platform fee; a dispute refunds; the provenance log's proofs verify, and an altered
/// stored entry no longer does. On SQLite and PostgreSQL.
/// </summary>
public abstract class MarketplaceTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private const string AccordVin = "1HGCM82633A004352"; // 2003 Honda (49 CFR 565 check digit valid)

    private async Task<(HttpClient Owner, Guid Shop)> SellerAsync()
    {
        RequireServer();
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        return (App.BearerClient((await App.TokensAsync("owner@demo.pitlane.test")).AccessToken, shop), shop);
    }

    private static object Listing(string title, string serial, long price, object[] fitment, int quantity = 1) => new
    {
        title, partNumber = "BP-" + serial[^4..], brand = "Akebono", condition = "new", serialNumber = serial, description = "Ceramic front brake pads",
        price, currency = "usd", quantity, fitment, shipping = new object[] { new { name = "Standard", price = 1_000, days = 5 }, new { name = "Express", price = 2_500, days = 1 } },
    };

    private static string Serial() => "PAD-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private async Task<(HttpClient Buyer, Guid VehicleId)> BuyerWithAccordAsync()
    {
        var (buyer, _) = await App.NewUserAsync("Buyer");
        var vehicle = await Json(await buyer.PostAsJsonAsync("/api/v1/vehicles", new { vin = AccordVin, odometerKm = 150_000 }, Ct), HttpStatusCode.Created);
        return (buyer, Id(vehicle));
    }

    private async Task<long> PlatformRevenueAsync()
    {
        using var scope = App.Services.CreateScope();
        var balances = await scope.ServiceProvider.GetRequiredService<LedgerBook>().BalancesAsync(AccountOwner.Platform, Guid.Empty, Ct);
        return balances.Where(b => b.Code == AccountCode.PlatformRevenue && b.Currency == "usd").Sum(b => b.Balance);
    }

    private async Task<JsonElement> OrderAsync(HttpClient buyer, Guid listing, string? key = null, string card = "pm_card_visa", HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = JsonContent.Create(new { listingId = listing, quantity = 1, shippingOption = "Standard", paymentMethod = card }) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await Json(await buyer.SendAsync(request, Ct), expected);
    }

    [Fact]
    public async Task Given_buyer_with_VIN_When_fitting_part_is_paid_into_escrow_and_delivered_Then_seller_payout_and_platform_fee_balance_in_the_ledger()
    {
        var (seller, shop) = await SellerAsync();
        var serial = Serial();
        var fits = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Front brake pads Accord", serial, 8_000,
            [new { yearFrom = 2003, yearTo = 2007, make = "Honda", model = "Accord" }]), Ct), HttpStatusCode.Created);
        var wrongCar = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Front brake pads F-150", Serial(), 9_000,
            [new { yearFrom = 2010, yearTo = 2014, make = "Ford", model = "F-150" }]), Ct), HttpStatusCode.Created);

        var (buyer, vehicleId) = await BuyerWithAccordAsync();
        var found = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/search?q=brake%20pads&vehicleId={vehicleId}&pageSize=100", Ct);
        var ids = found.GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Contains(Id(fits), ids);
        Assert.DoesNotContain(Id(wrongCar), ids);
        Assert.Equal(2003, found.GetProperty("vehicle").GetProperty("modelYear").GetInt32());
        Assert.Contains(found.GetProperty("facets").GetProperty("condition").EnumerateArray(), f => f.GetProperty("value").GetString() == "new");
        var byYear = await buyer.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/search?make=honda&model=accord&year=2005&pageSize=100", Ct);
        Assert.Contains(Id(fits), byYear.GetProperty("items").EnumerateArray().Select(Id));
        // Offline VIN decoding knows year and make, not the model: the match is "likely", not "exact".
        Assert.Equal("likely", found.GetProperty("items").EnumerateArray().First(i => Id(i) == Id(fits)).GetProperty("fit").GetString());

        var revenueBefore = await PlatformRevenueAsync();
        var sellerBefore = await BalanceAsync(seller, "payee_payable");
        var key = Guid.NewGuid().ToString();
        var order = await OrderAsync(buyer, Id(fits), key);
        Assert.Equal("in_escrow", order.GetProperty("status").GetString());
        Assert.Equal(9_000, order.GetProperty("total").GetInt64());
        Assert.Equal(450, order.GetProperty("platformFee").GetInt64());
        var replay = await OrderAsync(buyer, Id(fits), key);
        Assert.Equal(Id(order), Id(replay));

        var intentId = order.GetProperty("paymentIntentId").GetGuid();
        var intent = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{intentId}", Ct);
        Assert.Equal("requires_capture", Status(intent));
        Assert.Equal(sellerBefore, await BalanceAsync(seller, "payee_payable"));

        await ProblemAsync(await buyer.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/confirm-delivery", new { }, Ct), HttpStatusCode.Conflict);
        var shipped = await PostAsync(seller, $"/api/v1/marketplace/orders/{Id(order)}/ship", new { tracking = "1Z999AA10123456784" });
        Assert.Equal("shipped", shipped.GetProperty("status").GetString());
        var delivered = await PostAsync(buyer, $"/api/v1/marketplace/orders/{Id(order)}/confirm-delivery", new { });
        Assert.Equal("completed", delivered.GetProperty("status").GetString());

        intent = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{intentId}", Ct);
        Assert.Equal("succeeded", Status(intent));
        Assert.Equal(9_000, intent.GetProperty("amountReceived").GetInt64());
        Assert.Equal(sellerBefore - 8_550, await BalanceAsync(seller, "payee_payable"));
        Assert.Equal(revenueBefore - 450, await PlatformRevenueAsync());
        await AssertLedgerSumsToZeroAsync();

        // The part's history: listed, sold, shipped; each entry proven against the signed checkpoint with the public key only.
        using var anonymous = App.CreateClient();
        var history = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/parts/{serial}", Ct);
        Assert.Equal(["listed", "sold", "shipped"], history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("event").GetProperty("event").GetString()));
        var vkey = NoteVerifier.Parse((await anonymous.GetStringAsync("/api/v1/provenance/key", Ct)).Trim());
        Assert.True(Check(history, vkey).AllValid);
    }

    internal static HistoryCheck Check(JsonElement history, NoteVerifier key) => HistoryVerifier.Verify(
        history.GetProperty("checkpoint").GetString()!, key, key.Name,
        history.GetProperty("entries").EnumerateArray().Select(e => new ProvenEntryInput(
            e.GetProperty("index").GetInt64(), Convert.FromBase64String(e.GetProperty("entry").GetString()!),
            [.. e.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!))])));

    [Fact]
    public async Task Given_dispute_Then_the_hold_is_released_or_the_capture_refunded_and_the_seller_keeps_nothing()
    {
        var (seller, _) = await SellerAsync();
        var (buyer, _) = await BuyerWithAccordAsync();
        var listing = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Used alternator", Serial(), 12_000,
            [new { yearFrom = 2003, yearTo = 2003, make = "Honda", model = "Accord" }], quantity: 1) , Ct), HttpStatusCode.Created);
        var sellerBefore = await BalanceAsync(seller, "payee_payable");

        var held = await OrderAsync(buyer, Id(listing));
        await ProblemAsync(await buyer.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(held)}/dispute", new { reason = "no" }, Ct), HttpStatusCode.BadRequest);
        var disputed = await PostAsync(buyer, $"/api/v1/marketplace/orders/{Id(held)}/dispute", new { reason = "Seller never shipped and stopped answering." });
        Assert.Equal("refunded", disputed.GetProperty("status").GetString());
        var intent = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{held.GetProperty("paymentIntentId").GetGuid()}", Ct);
        Assert.Equal("canceled", Status(intent));
        Assert.Equal(1, (await seller.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct)).GetProperty("quantity").GetInt32());

        // After delivery the money was captured: a dispute refunds it, and the seller's share is taken back.
        var second = await OrderAsync(buyer, Id(listing));
        await PostAsync(seller, $"/api/v1/marketplace/orders/{Id(second)}/ship", new { });
        await PostAsync(buyer, $"/api/v1/marketplace/orders/{Id(second)}/confirm-delivery", new { });
        Assert.Equal(sellerBefore - (13_000 - 650), await BalanceAsync(seller, "payee_payable"));
        var refunded = await PostAsync(buyer, $"/api/v1/marketplace/orders/{Id(second)}/dispute", new { reason = "Alternator arrived cracked; photos sent." });
        Assert.Equal("refunded", refunded.GetProperty("status").GetString());
        intent = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{second.GetProperty("paymentIntentId").GetGuid()}", Ct);
        Assert.Equal(13_000, intent.GetProperty("amountRefunded").GetInt64());
        Assert.Equal(sellerBefore, await BalanceAsync(seller, "payee_payable"));
        await ProblemAsync(await buyer.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(second)}/dispute", new { reason = "Again, please." }, Ct), HttpStatusCode.Conflict);
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_shipped_order_past_its_escrow_period_Then_the_release_job_captures_and_pays_the_seller()
    {
        var (seller, _) = await SellerAsync();
        var (buyer, _) = await BuyerWithAccordAsync();
        var listing = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Radiator", Serial(), 20_000,
            [new { yearFrom = 2003, yearTo = 2004, make = "Honda", model = "Accord" }]), Ct), HttpStatusCode.Created);
        var order = await OrderAsync(buyer, Id(listing));
        var shipped = await PostAsync(seller, $"/api/v1/marketplace/orders/{Id(order)}/ship", new { });
        Assert.True(shipped.GetProperty("releaseDueAt").GetDateTime() > DateTime.UtcNow.AddDays(13));
        var sellerBefore = await BalanceAsync(seller, "payee_payable");
        var worker = App.Services.GetRequiredService<Pitlane.Modules.Marketplace.Orders.EscrowReleaseWorker>();
        Assert.Equal(0, await worker.RunOnceAsync(Ct));

        // The escrow period ends (the buyer never confirmed, never disputed).
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
            await db.Orders.Where(o => o.Id == Id(order)).ExecuteUpdateAsync(s => s.SetProperty(o => o.ReleaseDueAt, DateTime.UtcNow.AddMinutes(-1)), Ct);
        }
        Assert.Equal(1, await worker.RunOnceAsync(Ct));
        var released = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/orders/{Id(order)}", Ct);
        Assert.Equal("completed", released.GetProperty("status").GetString());
        Assert.Equal(sellerBefore - (21_000 - 1_050), await BalanceAsync(seller, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_wrong_organisation_or_role_Then_404_or_403_and_nothing_changes()
    {
        var (seller, shop) = await SellerAsync();
        var (buyer, _) = await BuyerWithAccordAsync();
        var (stranger, _) = await App.NewUserAsync("Stranger");
        var listing = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Oil filter", Serial(), 900,
            [new { yearFrom = 2000, yearTo = 2010, make = "Honda", model = "Accord" }]), Ct), HttpStatusCode.Created);
        var order = await OrderAsync(buyer, Id(listing));

        await ProblemAsync(await stranger.GetAsync($"/api/v1/marketplace/orders/{Id(order)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/ship", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/dispute", new { reason = "Not my order at all" }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await seller.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/confirm-delivery", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await buyer.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/ship", new { }, Ct), HttpStatusCode.NotFound);
        var intruder = App.BearerClient((await App.TokensAsync((await App.NewUserAsync("Intruder")).Email, "Correct-horse-9")).AccessToken, shop);
        await ProblemAsync(await intruder.GetAsync("/api/v1/marketplace/orders", Ct), HttpStatusCode.NotFound);

        var porter = App.BearerClient((await App.TokensAsync("porter@demo.pitlane.test")).AccessToken, shop);
        await ProblemAsync(await porter.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Porter's listing", Serial(), 900, []), Ct), HttpStatusCode.Forbidden);
        var tech = App.BearerClient((await App.TokensAsync("tech@demo.pitlane.test")).AccessToken, shop);
        await ProblemAsync(await tech.PostAsJsonAsync($"/api/v1/marketplace/orders/{Id(order)}/ship", new { }, Ct), HttpStatusCode.Forbidden);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = JsonContent.Create(new { listingId = Id(listing), paymentMethod = "pm_card_visa" }) })
        {
            await ProblemAsync(await tech.SendAsync(request, Ct), HttpStatusCode.Forbidden);
        }
        var unchanged = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/orders/{Id(order)}", Ct);
        Assert.Equal("in_escrow", unchanged.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_bad_input_or_declined_card_Then_4xx_problem_and_nothing_is_listed_or_held()
    {
        var (seller, _) = await SellerAsync();
        var (buyer, vehicleId) = await BuyerWithAccordAsync();
        var mine = (await seller.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/listings?pageSize=200", Ct)).GetProperty("total").GetInt32();
        var bad = await ProblemAsync(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", new
        {
            title = "x", partNumber = "", brand = "B", condition = "like new", price = 10, quantity = 0, fitment = new[] { new { yearFrom = 2010, yearTo = 2001, make = "", model = "M" } },
        }, Ct), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("shipping", out _));
        Assert.Equal(mine, (await seller.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/listings?pageSize=200", Ct)).GetProperty("total").GetInt32());

        var listing = await Json(await seller.PostAsJsonAsync("/api/v1/marketplace/listings", Listing("Spark plugs", Serial(), 3_000,
            [new { yearFrom = 2003, yearTo = 2003, make = "Honda", model = "Accord" }]), Ct), HttpStatusCode.Created);
        await ProblemAsync(await buyer.GetAsync("/api/v1/marketplace/search?condition=mint", Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await buyer.GetAsync($"/api/v1/marketplace/search?vehicleId={Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await buyer.GetAsync($"/api/v1/marketplace/search?vehicleId={vehicleId}&make=ford", Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await buyer.PostAsJsonAsync("/api/v1/marketplace/orders", new { listingId = Id(listing), paymentMethod = "4242424242424242" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await buyer.PostAsJsonAsync("/api/v1/marketplace/orders", new { listingId = Id(listing), paymentMethod = "pm_card_visa", shippingOption = "Drone" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await seller.PostAsJsonAsync("/api/v1/marketplace/orders", new { listingId = Id(listing), paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await buyer.PostAsJsonAsync("/api/v1/marketplace/orders", new { listingId = Id(listing), paymentMethod = "pm_card_chargeDeclined" }, Ct), (HttpStatusCode)402);
        Assert.Equal(1, (await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/marketplace/listings/{Id(listing)}", Ct)).GetProperty("quantity").GetInt32());
        Assert.Equal(0, (await buyer.GetFromJsonAsync<JsonElement>("/api/v1/marketplace/orders", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_part_events_Then_checkpoints_are_consistent_tiles_match_and_an_altered_stored_entry_fails_verification()
    {
        var (seller, _) = await SellerAsync();
        using var anonymous = App.CreateClient();
        var keyText = (await anonymous.GetStringAsync("/api/v1/provenance/key", Ct)).Trim();
        var vkey = NoteVerifier.Parse(keyText);
        var before = Checkpoint.Open(await anonymous.GetStringAsync("/api/v1/provenance/checkpoint", Ct), vkey, vkey.Name)!;
        Assert.NotNull(before);

        var serial = Serial();
        await Json(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "manufactured", partNumber = "BP-1", brand = "Akebono" }, Ct), HttpStatusCode.Created);
        await ProblemAsync(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "installed", vin = "SHORT" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "sold" }, Ct), HttpStatusCode.BadRequest);
        var installed = await Json(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "installed", vin = AccordVin }, Ct), HttpStatusCode.Created);
        Assert.Equal(2, installed.GetProperty("entries").GetArrayLength());
        Assert.True(Check(installed, vkey).AllValid);

        var after = Checkpoint.Open(await anonymous.GetStringAsync("/api/v1/provenance/checkpoint", Ct), vkey, vkey.Name)!;
        Assert.True(after.Size >= before.Size + 2);
        if (before.Size > 0)
        {
            var consistency = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/proof/consistency?first={before.Size}&second={after.Size}", Ct);
            var proof = consistency.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
            Assert.True(ProofVerifier.VerifyConsistency(before.Size, after.Size, before.RootHash, after.RootHash, proof));
        }
        await ProblemAsync(await anonymous.GetAsync($"/api/v1/provenance/proof/consistency?first={after.Size + 1}", Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await anonymous.GetAsync("/api/v1/provenance/proof/inclusion?index=-1", Ct), HttpStatusCode.BadRequest);

        // Level-0 tile of the latest entries: its hashes are the leaf hashes of the entry bundle.
        var last = after.Size - 1;
        var width = (int)(last % 256) + 1;
        var path = TileLayout.TilePath(0, last / 256, width);
        var tile = await anonymous.GetByteArrayAsync($"/api/v1/provenance/{path}", Ct);
        var bundle = TileLayout.ParseEntryBundle(await anonymous.GetByteArrayAsync($"/api/v1/provenance/{TileLayout.EntriesPath(last / 256, width)}", Ct));
        Assert.Equal(width * 32, tile.Length);
        Assert.Equal(MerkleHash.Leaf(bundle[^1]), tile[^32..]);
        await ProblemAsync(await anonymous.GetAsync($"/api/v1/provenance/{TileLayout.TilePath(0, last / 256 + 5, 256)}", Ct), HttpStatusCode.NotFound);

        // Someone rewrites the stored entry (the VIN it was installed on): the log's own proof no longer verifies it.
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
            var entry = await db.LogEntries.Where(e => e.Serial == serial).OrderByDescending(e => e.Index).FirstAsync(Ct);
            var forged = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(entry.Data).Replace(AccordVin, "WVWZZZ1KZAW000001", StringComparison.Ordinal));
            await db.LogEntries.Where(e => e.Index == entry.Index).ExecuteUpdateAsync(s => s.SetProperty(e => e.Data, forged), Ct);
        }
        var tamperedJson = await anonymous.GetStringAsync($"/api/v1/provenance/parts/{serial}", Ct);
        var tampered = JsonDocument.Parse(tamperedJson).RootElement;
        var check = Check(tampered, vkey);
        Assert.True(check.CheckpointValid);
        Assert.True(check.Entries[0].Included);
        Assert.False(check.Entries[1].Included);
        Assert.False(check.AllValid);

        // The offline checker says the same: the genuine bundle (fetched before) verifies, the tampered one does not.
        var cli = CliExecutable.Require();
        var folder = Directory.CreateTempSubdirectory("pitlane-provenance-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "genuine.json"), installed.GetRawText(), Ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "tampered.json"), tamperedJson, Ct);
            var (genuineExit, genuineOut) = await VerifyOfflineAsync(cli, Path.Combine(folder, "genuine.json"), keyText);
            Assert.True(genuineExit == 0, genuineOut);
            Assert.Contains("2 events verified", genuineOut, StringComparison.Ordinal);
            var (tamperedExit, tamperedOut) = await VerifyOfflineAsync(cli, Path.Combine(folder, "tampered.json"), keyText);
            Assert.True(tamperedExit == 1, tamperedOut);
            Assert.Contains("does NOT verify", tamperedOut, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> VerifyOfflineAsync(string cli, string bundle, string key)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[cli, "provenance", "verify", "--bundle", bundle, "--key", key])
        {
            start.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }
}

public sealed class MarketplaceTestsOnSqlite(SqliteApp app) : MarketplaceTests(app), IClassFixture<SqliteApp>;

public sealed class MarketplaceTestsOnPostgres(PostgresApp app) : MarketplaceTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
