using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>The app with Pitlane:Payments:Processor=stripe, its Stripe.net client pointed at <see cref="FakeStripe"/>.</summary>
public sealed class StripeApp : PitlaneApp
{
    public const string WebhookSecret = "whsec_test_pitlane";

    public FakeStripe Stripe { get; private set; } = null!;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Stripe = await FakeStripe.StartAsync();
        Set("Pitlane:Payments:Processor", "stripe");
        Set("Pitlane:Payments:Stripe:SecretKey", "sk_test_pitlane");
        Set("Pitlane:Payments:Stripe:WebhookSecret", WebhookSecret);
        Set("Pitlane:Payments:Stripe:ApiBase", Stripe.BaseUrl);
        Set("Pitlane:Payments:Stripe:PublishableKey", "pk_test_pitlane");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>The Stripe adapter on the official Stripe.net SDK against an in-process fake of Stripe's HTTP API.</summary>
public sealed class StripeAdapterTests(StripeApp app) : PaymentsTestBase(app), IClassFixture<StripeApp>
{
    [Fact]
    public async Task Given_Stripe_processor_Then_intent_hold_capture_and_refund_go_through_the_SDK_with_idempotency_keys()
    {
        var client = await MerchantAsync();
        // Only this test's calls: another test of the class captures at the fake directly (as the Dashboard would).
        var earlier = app.Stripe.Requests.Count;
        var hold = await PayAsync(client, new { amount = 10_000, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        Assert.Equal("requires_capture", Status(hold));
        Assert.StartsWith("pi_fake_", hold.GetProperty("processorId").GetString());

        var captured = await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/capture", new { amountToCapture = 8_000 });
        Assert.Equal("succeeded", Status(captured));
        Assert.Equal(-8_000, await BalanceAsync(client, "payee_payable"));
        var refunded = await PostAsync(client, $"/api/v1/payments/intents/{Id(hold)}/refunds", new { amount = 2_000 });
        Assert.Equal(2_000, refunded.GetProperty("amountRefunded").GetInt64());
        await AssertLedgerSumsToZeroAsync();

        var posts = app.Stripe.Requests.Skip(earlier).Where(r => r.Method == "POST").ToList();
        Assert.Equal(["/v1/payment_intents", $"/v1/payment_intents/{hold.GetProperty("processorId").GetString()}/confirm",
            $"/v1/payment_intents/{hold.GetProperty("processorId").GetString()}/capture", "/v1/refunds"], posts.TakeLast(4).Select(p => p.Path));
        Assert.All(posts, p => Assert.False(string.IsNullOrEmpty(p.IdempotencyKey)));
        Assert.All(app.Stripe.Requests.Skip(earlier), r => Assert.Equal("Bearer sk_test_pitlane", r.Authorization));
    }

    [Fact]
    public async Task Given_Stripe_Then_the_pay_page_loads_Stripe_js_allowed_by_its_policy_and_runs_no_inline_script()
    {
        var merchant = await MerchantAsync();
        var intent = await PayAsync(merchant, new { amount = 4_200, currency = "usd", description = "Parking" });
        var (_, payerEmail) = await app.NewUserAsync("Payer");
        var (cookies, browser) = await LiveAccess.CookieSignInAsync(app, payerEmail);
        using var _ = browser;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/Payments/Pay/{Id(intent)}?then=//evil.example/steal");
        request.Headers.Add("Cookie", cookies);
        var page = await browser.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' https://js.stripe.com;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-src https://js.stripe.com https://hooks.stripe.com", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://api.stripe.com", policy, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-stripe-key=\"pk_test_pitlane\"", html, StringComparison.Ordinal);
        // Not a foreign site to return to: Receipts instead.
        Assert.Contains($"data-back=\"/Payments/Receipts?paid={Id(intent)}\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex("<script(?![^>]*\\bsrc=)[^>]*>"), html);
        // Other pages keep the strict policy.
        using var other = new HttpRequestMessage(HttpMethod.Get, "/Payments/Receipts");
        other.Headers.Add("Cookie", cookies);
        Assert.DoesNotContain("stripe", (await browser.SendAsync(other, Ct)).Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_Stripe_declines_with_402_Then_intent_requires_payment_method_with_the_reason()
    {
        var client = await MerchantAsync();
        var intent = await PayAsync(client, new { amount = 5_000, currency = "usd", paymentMethod = "pm_card_chargeDeclined", confirm = true });
        Assert.Equal("requires_payment_method", Status(intent));
        Assert.Contains("card_declined", intent.GetProperty("lastPaymentError").GetString());
        Assert.Equal(0, await BalanceAsync(client, "payee_payable"));
    }

    [Fact]
    public async Task Given_Stripe_webhook_signed_with_whsec_Then_applied_once_and_tampered_refused()
    {
        var client = await MerchantAsync();
        var hold = await PayAsync(client, new { amount = 6_000, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        var processorId = hold.GetProperty("processorId").GetString()!;
        // Captured at Stripe by someone else (the dashboard): Pitlane learns it from the webhook only.
        using var direct = new HttpClient { BaseAddress = new Uri(app.Stripe.BaseUrl) };
        direct.DefaultRequestHeaders.Authorization = new("Bearer", "sk_test_pitlane");
        (await direct.PostAsync($"/v1/payment_intents/{processorId}/capture", new FormUrlEncodedContent([]), Ct)).EnsureSuccessStatusCode();

        var evt = IntentEvent($"evt_{Guid.NewGuid():N}", "payment_intent.succeeded", processorId, "succeeded", 6_000, 0, 6_000, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var http = App.CreateClient();
        await ProblemAsync(await http.SendAsync(SignedWebhook(evt, source: "stripe"), Ct), HttpStatusCode.BadRequest);
        var applied = await Json(await http.SendAsync(SignedWebhook(evt, secret: StripeApp.WebhookSecret, source: "stripe"), Ct), HttpStatusCode.OK);
        Assert.Equal("applied", applied.GetProperty("outcome").GetString());
        var duplicate = await Json(await http.SendAsync(SignedWebhook(evt, secret: StripeApp.WebhookSecret, source: "stripe"), Ct), HttpStatusCode.OK);
        Assert.Equal("duplicate", duplicate.GetProperty("outcome").GetString());
        var intent = await client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{Id(hold)}", Ct);
        Assert.Equal("succeeded", Status(intent));
        // The processor fee came from the charge's balance transaction, fetched through the SDK.
        Assert.Equal(-6_000, await BalanceAsync(client, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();
        // The simulator's pages do not exist when Stripe is the processor.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/simulator/checkout/pi_x?client_secret=y", Ct)).StatusCode);
    }
}
