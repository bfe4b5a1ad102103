using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;

namespace Pitlane.Web.Tests.Payments;

/// <summary>Intents, captures, refunds, payouts and who may touch them, over HTTP on SQLite and PostgreSQL.</summary>
public abstract class PaymentIntentTests(PitlaneApp app) : PaymentsTestBase(app)
{
    [Fact]
    public async Task Given_manual_capture_Then_hold_partial_capture_and_the_rest_released()
    {
        var client = await MerchantAsync();
        var hold = await PayAsync(client, new { amount = 10_000, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        Assert.Equal("requires_capture", Status(hold));
        Assert.Equal(10_000, hold.GetProperty("amountCapturable").GetInt64());
        Assert.Equal(0, await BalanceAsync(client, "payee_payable"));

        var over = await client.PostAsJsonAsync($"/api/v1/payments/intents/{Id(hold)}/capture", new { amountToCapture = 10_001 }, Ct);
        await ProblemAsync(over, HttpStatusCode.Conflict);

        var captured = await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/capture", new { amountToCapture = 7_000 });
        Assert.Equal("succeeded", Status(captured));
        Assert.Equal(7_000, captured.GetProperty("amountReceived").GetInt64());
        Assert.Equal(0, captured.GetProperty("amountCapturable").GetInt64());
        Assert.Equal(-7_000, await BalanceAsync(client, "payee_payable"));

        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/payments/intents/{Id(hold)}/capture", new { }, Ct), HttpStatusCode.Conflict);
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_intent_with_reference_Then_each_status_change_is_announced_with_it_through_the_outbox()
    {
        var client = await MerchantAsync();
        var reference = $"test.invoice:{Guid.NewGuid()}";
        var hold = await PayAsync(client, new { amount = 4_000, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true, reference });
        Assert.Equal(reference, hold.GetProperty("reference").GetString());
        await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/capture", new { });
        await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/refunds", new { amount = 1_000 });

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var announced = (await db.Set<Pitlane.Platform.Messaging.OutboxMessage>().AsNoTracking().ToListAsync(Ct))
            .Where(m => m.Type.Contains(nameof(Pitlane.Modules.Payments.Contracts.PaymentIntentStatusChanged), StringComparison.Ordinal) && m.Payload.Contains(reference, StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .ToList();
        var statuses = announced.Select(e => (Status: e.GetProperty("status").GetString(), Received: e.GetProperty("amountReceived").GetInt64(), Refunded: e.GetProperty("amountRefunded").GetInt64())).ToList();
        Assert.Contains(("requires_capture", 0L, 0L), statuses);
        Assert.Contains(("succeeded", 4_000L, 0L), statuses);
        Assert.Contains(("succeeded", 4_000L, 1_000L), statuses);
        Assert.All(announced, e => Assert.Equal(Id(hold), e.GetProperty("intentId").GetGuid()));

        var tooLong = await client.PostAsJsonAsync("/api/v1/payments/intents", new { amount = 4_000, currency = "usd", reference = new string('r', 201) }, Ct);
        Assert.Equal("reference", (await ProblemAsync(tooLong, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task Given_destination_charge_with_fee_Then_refunds_reverse_the_payee_share_proportionally()
    {
        var marketplace = await MerchantAsync("Marketplace");
        var (seller, _) = await App.NewUserAsync("Seller");
        var sellerOrg = (await seller.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid();

        var paid = await PayAsync(marketplace, new
        {
            amount = 10_000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true, applicationFeeAmount = 1_000, transferDestination = sellerOrg,
        });
        Assert.Equal("succeeded", Status(paid));
        Assert.Equal(-9_000, await BalanceAsync(seller, "payee_payable"));
        Assert.Equal(0, await BalanceAsync(marketplace, "payee_payable"));
        // The seller sees the payment it is paid by; only the marketplace (which created it) may change it.
        Assert.Equal(HttpStatusCode.OK, (await seller.GetAsync($"/api/v1/payments/intents/{Id(paid)}", Ct)).StatusCode);
        await ProblemAsync(await seller.PostAsJsonAsync($"/api/v1/payments/intents/{Id(paid)}/refunds", new { amount = 100 }, Ct), HttpStatusCode.NotFound);

        var refunded = await PostAsync(marketplace, $"/api/v1/payments/intents/{Id(paid)}/refunds", new { amount = 2_500, reason = "requested_by_customer" });
        Assert.Equal(2_500, refunded.GetProperty("amountRefunded").GetInt64());
        Assert.Equal(-(9_000 - 2_250), await BalanceAsync(seller, "payee_payable"));

        var rest = await PostAsync(marketplace, $"/api/v1/payments/intents/{Id(paid)}/refunds", new { });
        Assert.Equal(10_000, rest.GetProperty("amountRefunded").GetInt64());
        Assert.Equal(0, await BalanceAsync(seller, "payee_payable"));
        var refunds = await marketplace.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{Id(paid)}/refunds", Ct);
        Assert.Equal([2_250L, 6_750L], refunds.EnumerateArray().Select(r => r.GetProperty("payeeAmount").GetInt64()));
        await ProblemAsync(await marketplace.PostAsJsonAsync($"/api/v1/payments/intents/{Id(paid)}/refunds", new { amount = 1 }, Ct), HttpStatusCode.Conflict);
        await AssertLedgerSumsToZeroAsync();
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "card_declined")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task Given_declining_test_card_Then_requires_payment_method_with_the_reason_and_no_money_moves(string card, string code)
    {
        var client = await MerchantAsync();
        var intent = await PayAsync(client, new { amount = 5_000, currency = "usd", paymentMethod = card, confirm = true });
        Assert.Equal("requires_payment_method", Status(intent));
        Assert.StartsWith(code, intent.GetProperty("lastPaymentError").GetString());
        Assert.Equal(0, await BalanceAsync(client, "payee_payable"));

        var retried = await PostAsync(client, $"/api/v1/payments/intents/{Id(intent)}/confirm", new { paymentMethod = "pm_card_visa" });
        Assert.Equal("succeeded", Status(retried));
        Assert.Equal(-5_000, await BalanceAsync(client, "payee_payable"));
    }

    [Fact]
    public async Task Given_3DS_card_Then_requires_action_until_authenticated_on_the_processor_page()
    {
        var client = await MerchantAsync();
        var intent = await PayAsync(client, new { amount = 5_000, currency = "usd", paymentMethod = "pm_card_threeDSecure2Required", confirm = true });
        Assert.Equal("requires_action", Status(intent));
        var next = intent.GetProperty("nextActionUrl").GetString()!;
        Assert.StartsWith("/simulator/authenticate/", next);

        using var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync(next, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + next).Query)["client_secret"]!;
        var done = await anonymous.PostAsync(next.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["client_secret"] = secret, ["outcome"] = "pass" }), Ct);
        Assert.True(done.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{done.StatusCode}");
        await DeliverWebhooksAsync();

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{Id(intent)}", Ct);
        Assert.Equal("succeeded", Status(after));
        Assert.Equal(-5_000, await BalanceAsync(client, "payee_payable"));
    }

    [Fact]
    public async Task Given_dispute_card_Then_succeeds_and_the_later_dispute_is_charged_to_the_payee()
    {
        var client = await MerchantAsync();
        var intent = await PayAsync(client, new { amount = 5_000, currency = "usd", paymentMethod = "pm_card_createDispute", confirm = true });
        Assert.Equal("succeeded", Status(intent));
        Assert.Equal(-5_000, await BalanceAsync(client, "payee_payable"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await BalanceAsync(client, "payee_payable") != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispute webhook was not applied");
            await Task.Delay(200, Ct);
        }
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_hold_Then_cancel_releases_it_and_it_cannot_be_captured()
    {
        var client = await MerchantAsync();
        var hold = await PayAsync(client, new { amount = 3_000, currency = "eur", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        var canceled = await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/cancel", null);
        Assert.Equal("canceled", Status(canceled));
        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/payments/intents/{Id(hold)}/capture", new { }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/payments/intents/{Id(hold)}/cancel", new { }, Ct), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"amount":49,"currency":"usd"}""", "amount")]
    [InlineData("""{"amount":1000,"currency":"dollars"}""", "currency")]
    [InlineData("""{"amount":1000,"currency":"usd","captureMethod":"later"}""", "captureMethod")]
    [InlineData("""{"amount":1000,"currency":"usd","applicationFeeAmount":1001}""", "applicationFeeAmount")]
    [InlineData("""{"amount":1000,"currency":"usd","paymentMethod":"4242424242424242","confirm":true}""", "paymentMethod")]
    [InlineData("""{"amount":1000,"currency":"usd","transferDestination":"6f9619ff-8b86-d011-b42d-00c04fc964ff"}""", "transferDestination")]
    [InlineData("""{"currency":"usd"}""", "amount")]
    public async Task Given_bad_intent_Then_400_naming_the_field_and_nothing_created(string json, string field)
    {
        var client = await MerchantAsync();
        var response = await client.PostAsync("/api/v1/payments/intents", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_malformed_json_Then_400_problem()
    {
        var client = await MerchantAsync();
        var response = await client.PostAsync("/api/v1/payments/intents", new StringContent("{\"amount\":", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Given_another_account_Then_intents_balance_and_payouts_are_not_theirs()
    {
        var owner = await MerchantAsync("Owner");
        var intent = await PayAsync(owner, new { amount = 5_000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true });
        var stranger = await MerchantAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/payments/intents/{Id(intent)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/payments/intents/{Id(intent)}/refunds", new { }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/payments/intents/{Id(intent)}/capture", new { }, Ct), HttpStatusCode.NotFound);
        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/v1/payments/intents", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(0, await BalanceAsync(stranger, "payee_payable"));
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/payments/payouts", new { currency = "usd" }, Ct), HttpStatusCode.Conflict);

        var ownerOrg = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations")[0].GetProperty("id").GetGuid();
        using var spoof = new HttpRequestMessage(HttpMethod.Get, "/api/v1/payments/balance");
        spoof.Headers.Add("X-Organization-Id", ownerOrg.ToString());
        await ProblemAsync(await stranger.SendAsync(spoof, Ct), HttpStatusCode.NotFound);

        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/payments/intents", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_technician_of_the_demo_shop_Then_payments_are_forbidden()
    {
        RequireServer();
        using var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        using var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: shop);
        var forbidden = await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/payments/intents", new { amount = 1000, currency = "usd" }, Ct), HttpStatusCode.Forbidden);
        Assert.Contains("take payments", forbidden.GetProperty("detail").GetString());
        await ProblemAsync(await tech.GetAsync("/api/v1/payments/balance", Ct), HttpStatusCode.Forbidden);
        using var advisor = await App.SignedInClientAsync("advisor@demo.pitlane.test", organizationId: shop);
        var intent = await PayAsync(advisor, new { amount = 1000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true });
        await ProblemAsync(await advisor.PostAsJsonAsync($"/api/v1/payments/intents/{Id(intent)}/refunds", new { }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await advisor.PostAsJsonAsync("/api/v1/payments/payouts", new { currency = "usd" }, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Given_balance_Then_payout_goes_pending_in_transit_paid_and_cannot_overdraw()
    {
        var client = await MerchantAsync();
        await PayAsync(client, new { amount = 20_000, currency = "usd", paymentMethod = "pm_card_visa", confirm = true });
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/payments/payouts", new { amount = 20_001, currency = "usd" }, Ct), HttpStatusCode.Conflict);
        var payout = await PostAsync(client, "/api/v1/payments/payouts", new { amount = 15_000, currency = "usd" }, HttpStatusCode.Created);
        Assert.Equal("pending", payout.GetProperty("status").GetString());
        Assert.Equal(-5_000, await BalanceAsync(client, "payee_payable"));
        Assert.Equal(-15_000, await BalanceAsync(client, "payouts_in_transit"));

        using (var scope = App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PayoutService>().RunScheduleAsync(automatic: false, Ct);
        }
        var payouts = await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/payouts", Ct);
        Assert.Equal("paid", payouts.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(0, await BalanceAsync(client, "payouts_in_transit"));
        await DeliverWebhooksAsync();
        Assert.Equal(0, await BalanceAsync(client, "payouts_in_transit"));
        await AssertLedgerSumsToZeroAsync();

        var statement = await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/statement?currency=usd", Ct);
        Assert.Contains(statement.GetProperty("items").EnumerateArray(), l => l.GetProperty("kind").GetString() == "payout_paid");
    }
}

public sealed class PaymentIntentTestsOnSqlite(SqliteApp app) : PaymentIntentTests(app), IClassFixture<SqliteApp>;

public sealed class PaymentIntentTestsOnPostgres(PostgresApp app) : PaymentIntentTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
