using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Web.Tests.Diagnostics;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>
/// Plans, subscriptions, renewals and dunning over HTTP on SQLite and PostgreSQL. The app's clock is moved forward so
/// the renewal and retry jobs come due and the app's own job workers run them, as they would at the end of a month.
/// </summary>
public abstract class SubscriptionTests(PitlaneApp app, ShiftedTime clock) : PaymentsTestBase(app)
{
    /// <summary>A new person whose client takes a new token whenever the clock moved (a 15-minute token expires with it).</summary>
    private async Task<HttpClient> MemberAsync(string name)
    {
        RequireServer();
        var (_, email) = await App.NewUserAsync(name);
        return App.CreateDefaultClient(new ClockAwareBearer(App, email, clock));
    }

    private sealed class ClockAwareBearer(PitlaneApp app, string email, ShiftedTime clock) : DelegatingHandler
    {
        private string? _token;
        private TimeSpan _issuedAt;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_token is null || clock.Offset != _issuedAt)
            {
                _token = (await app.TokensAsync(email, "Correct-horse-9")).AccessToken;
                _issuedAt = clock.Offset;
            }
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<(HttpClient Provider, JsonElement Basic, JsonElement Pro)> ProviderAsync(int trialDays = 0)
    {
        var provider = await MemberAsync("Provider");
        var basic = await Json(await provider.PostAsJsonAsync("/api/v1/payments/plans", new
        {
            code = "seller-basic", name = "Basic seller", currency = "usd", monthlyAmount = 1_000, annualAmount = 10_000, trialDays,
            entitlements = new Dictionary<string, long> { ["marketplace.listings"] = 20 },
        }, Ct), HttpStatusCode.Created);
        var pro = await Json(await provider.PostAsJsonAsync("/api/v1/payments/plans", new
        {
            code = "seller-pro", name = "Pro seller", currency = "usd", monthlyAmount = 3_000, annualAmount = 30_000,
            entitlements = new Dictionary<string, long> { ["marketplace.listings"] = 500, ["marketplace.fee_discount_bps"] = 500 },
        }, Ct), HttpStatusCode.Created);
        return (provider, basic, pro);
    }

    private static async Task<JsonElement> SubscribeAsync(HttpClient subscriber, JsonElement plan, string? paymentMethod, string interval = "month") =>
        await Json(await subscriber.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(plan), interval, paymentMethod }, Ct), HttpStatusCode.Created);

    private static async Task<JsonElement> GetAsync(HttpClient client, JsonElement subscription) =>
        await Json(await client.GetAsync($"/api/v1/payments/subscriptions/{Id(subscription)}", Ct), HttpStatusCode.OK);

    private static async Task<long?> ListingsAsync(HttpClient subscriber)
    {
        var set = await subscriber.GetFromJsonAsync<JsonElement>("/api/v1/payments/entitlements", Ct);
        return set.GetProperty("features").TryGetProperty("marketplace.listings", out var limit) ? limit.GetInt64() : null;
    }

    /// <summary>Moves the clock and waits until the subscription satisfies <paramref name="until"/> (the jobs ran).</summary>
    private async Task<JsonElement> AdvanceAsync(HttpClient subscriber, JsonElement subscription, TimeSpan by, Func<JsonElement, bool> until)
    {
        clock.Offset += by;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var now = await GetAsync(subscriber, subscription);
            if (until(now))
            {
                return now;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the subscription did not move on after {by}: {now}");
            await Task.Delay(200, Ct);
        }
    }

    private static async Task<JsonElement[]> InvoicesAsync(HttpClient client, JsonElement subscription) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/subscriptions/{Id(subscription)}/invoices", Ct)).EnumerateArray().ToArray();

    [Fact]
    public async Task Given_card_Then_first_period_is_charged_to_the_provider_and_the_renewal_job_bills_the_next()
    {
        var (provider, basic, _) = await ProviderAsync();
        var subscriber = await MemberAsync("Subscriber");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        Assert.Equal("paid", subscription.GetProperty("latestInvoice").GetProperty("status").GetString());
        Assert.Equal(20, await ListingsAsync(subscriber));
        Assert.Equal(-1_000, await BalanceAsync(provider, "payee_payable"));
        var firstEnd = subscription.GetProperty("currentPeriodEnd").GetDateTime();

        var renewed = await AdvanceAsync(subscriber, subscription, TimeSpan.FromDays(32),
            s => s.GetProperty("currentPeriodEnd").GetDateTime() > firstEnd && s.GetProperty("latestInvoice").GetProperty("status").GetString() == "paid");
        Assert.Equal("active", renewed.GetProperty("status").GetString());
        Assert.Equal(firstEnd, renewed.GetProperty("currentPeriodStart").GetDateTime());
        var invoices = await InvoicesAsync(subscriber, subscription);
        Assert.Equal(2, invoices.Length);
        Assert.All(invoices, i => Assert.Equal("paid", i.GetProperty("status").GetString()));
        Assert.Equal("subscription_cycle", invoices[0].GetProperty("billingReason").GetString());
        Assert.Equal(-2_000, await BalanceAsync(provider, "payee_payable"));
        Assert.Single((await provider.GetFromJsonAsync<JsonElement>("/api/v1/payments/subscribers", Ct)).EnumerateArray());
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_renewal_declined_Then_past_due_retries_then_unpaid_and_a_new_card_pays_the_open_invoice()
    {
        var (provider, basic, _) = await ProviderAsync();
        var subscriber = await MemberAsync("Dunning");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/payment-method", new { paymentMethod = "pm_card_chargeDeclined" }, Ct), HttpStatusCode.OK);

        var pastDue = await AdvanceAsync(subscriber, subscription, TimeSpan.FromDays(32), s => s.GetProperty("status").GetString() == "past_due");
        var open = pastDue.GetProperty("latestInvoice");
        Assert.Equal("open", open.GetProperty("status").GetString());
        Assert.Equal(1, open.GetProperty("attemptCount").GetInt32());
        Assert.Contains("card_declined", open.GetProperty("lastError").GetString());
        Assert.Equal(20, await ListingsAsync(subscriber)); // past due keeps the plan during the retries

        // Retries after 24, 72 and 120 hours (the default schedule); the last failure makes it unpaid.
        pastDue = await AdvanceAsync(subscriber, subscription, TimeSpan.FromHours(25), s => s.GetProperty("latestInvoice").GetProperty("attemptCount").GetInt32() == 2);
        Assert.Equal("past_due", pastDue.GetProperty("status").GetString());
        await AdvanceAsync(subscriber, subscription, TimeSpan.FromHours(73), s => s.GetProperty("latestInvoice").GetProperty("attemptCount").GetInt32() == 3);
        var unpaid = await AdvanceAsync(subscriber, subscription, TimeSpan.FromHours(121), s => s.GetProperty("status").GetString() == "unpaid");
        Assert.Equal(4, unpaid.GetProperty("latestInvoice").GetProperty("attemptCount").GetInt32());
        Assert.Null(await ListingsAsync(subscriber));
        Assert.Equal(-1_000, await BalanceAsync(provider, "payee_payable"));

        var paid = await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/payment-method", new { paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.OK);
        Assert.Equal("active", paid.GetProperty("status").GetString());
        Assert.Equal("paid", paid.GetProperty("latestInvoice").GetProperty("status").GetString());
        Assert.Equal(20, await ListingsAsync(subscriber));
        Assert.Equal(-2_000, await BalanceAsync(provider, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_trial_Then_no_charge_until_it_ends_and_without_a_card_the_first_invoice_waits_for_the_customer()
    {
        var (provider, basic, _) = await ProviderAsync(trialDays: 14);
        var withCard = await MemberAsync("TrialCard");
        var withoutCard = await MemberAsync("TrialNoCard");
        var paying = await SubscribeAsync(withCard, basic, "pm_card_visa");
        var browsing = await SubscribeAsync(withoutCard, basic, null);
        Assert.Equal("trialing", paying.GetProperty("status").GetString());
        Assert.Equal("trialing", browsing.GetProperty("status").GetString());
        Assert.Equal(20, await ListingsAsync(withoutCard));
        Assert.Equal(0, await BalanceAsync(provider, "payee_payable"));

        var charged = await AdvanceAsync(withCard, paying, TimeSpan.FromDays(15), s => s.GetProperty("status").GetString() == "active");
        Assert.Equal("paid", charged.GetProperty("latestInvoice").GetProperty("status").GetString());
        var waiting = await AdvanceAsync(withoutCard, browsing, TimeSpan.Zero, s => s.GetProperty("status").GetString() == "unpaid");
        var invoice = waiting.GetProperty("latestInvoice");
        Assert.Equal("open", invoice.GetProperty("status").GetString());
        Assert.StartsWith("/Payments/Pay/", invoice.GetProperty("payUrl").GetString());
        Assert.Null(await ListingsAsync(withoutCard));
        Assert.Equal(-1_000, await BalanceAsync(provider, "payee_payable"));

        // The customer pays on the payment page (here through the processor with a card token, as the page does).
        using (var scope = App.Services.CreateScope())
        {
            var payments = scope.ServiceProvider.GetRequiredService<Pitlane.Modules.Payments.PaymentService>();
            var me = await withoutCard.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
            await payments.ConfirmAsCustomerAsync(invoice.GetProperty("paymentIntentId").GetGuid(), me.GetProperty("id").GetGuid(), "pm_card_visa", Ct);
        }
        var active = await AdvanceAsync(withoutCard, browsing, TimeSpan.Zero, s => s.GetProperty("status").GetString() == "active");
        Assert.True(active.GetProperty("hasPaymentMethod").GetBoolean(), "the card paid on the page pays the renewals");
        Assert.Equal(20, await ListingsAsync(withoutCard));
        Assert.Equal(-2_000, await BalanceAsync(provider, "payee_payable"));
    }

    [Fact]
    public async Task Given_cancel_at_period_end_Then_entitled_until_then_resume_undoes_it_and_at_the_end_it_stops_without_charging()
    {
        var (provider, basic, _) = await ProviderAsync();
        var subscriber = await MemberAsync("Leaving");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        var canceling = await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/cancel", new { atPeriodEnd = true }, Ct), HttpStatusCode.OK);
        Assert.True(canceling.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Equal("active", canceling.GetProperty("status").GetString());
        Assert.Equal(20, await ListingsAsync(subscriber));
        var resumed = await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/resume", new { }, Ct), HttpStatusCode.OK);
        Assert.False(resumed.GetProperty("cancelAtPeriodEnd").GetBoolean());
        await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/cancel", new { }, Ct), HttpStatusCode.OK);

        var ended = await AdvanceAsync(subscriber, subscription, TimeSpan.FromDays(32), s => s.GetProperty("status").GetString() == "canceled");
        Assert.Equal(subscription.GetProperty("currentPeriodEnd").GetDateTime(), ended.GetProperty("endedAt").GetDateTime());
        Assert.Single(await InvoicesAsync(subscriber, subscription));
        Assert.Null(await ListingsAsync(subscriber));
        Assert.Equal(-1_000, await BalanceAsync(provider, "payee_payable"));
        await ProblemAsync(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/resume", new { }, Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_upgrade_mid_period_Then_the_prorated_difference_is_charged_and_a_downgrade_credits_the_next_invoice()
    {
        var (provider, basic, pro) = await ProviderAsync();
        var subscriber = await MemberAsync("Upgrader");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        clock.Offset += TimeSpan.FromDays(10);

        var upgraded = await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/change", new { planId = Id(pro) }, Ct), HttpStatusCode.OK);
        Assert.Equal("seller-pro", upgraded.GetProperty("planCode").GetString());
        Assert.Equal(500, await ListingsAsync(subscriber));
        var invoice = upgraded.GetProperty("latestInvoice");
        Assert.Equal("subscription_update", invoice.GetProperty("billingReason").GetString());
        var start = subscription.GetProperty("currentPeriodStart").GetDateTime();
        var end = subscription.GetProperty("currentPeriodEnd").GetDateTime();
        var unused = (decimal)(end - invoice.GetProperty("periodStart").GetDateTime()).Ticks / (end - start).Ticks;
        var expected = (long)Math.Round(3_000 * unused, MidpointRounding.AwayFromZero) - (long)Math.Round(1_000 * unused, MidpointRounding.AwayFromZero);
        Assert.InRange(invoice.GetProperty("amountDue").GetInt64(), expected - 1, expected + 1);
        var lines = invoice.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetInt64()).ToArray();
        Assert.True(lines[0] < 0 && lines[1] > 0, "a credit line for the unused time and a charge line for the rest");
        Assert.Equal(-(1_000 + invoice.GetProperty("amountDue").GetInt64()), await BalanceAsync(provider, "payee_payable"));

        // Back down at once: the unused pro time is worth more than the basic time, so it becomes a credit.
        var downgraded = await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/change", new { planId = Id(basic) }, Ct), HttpStatusCode.OK);
        var credit = downgraded.GetProperty("balance").GetInt64();
        Assert.True(credit < 0, $"a downgrade leaves a credit, got {credit}");
        var renewed = await AdvanceAsync(subscriber, subscription, TimeSpan.FromDays(22), s => s.GetProperty("latestInvoice").GetProperty("billingReason").GetString() == "subscription_cycle"
            && s.GetProperty("latestInvoice").GetProperty("status").GetString() == "paid");
        var cycle = renewed.GetProperty("latestInvoice");
        var applied = Math.Max(credit, -1_000); // a credit pays at most the whole invoice; the rest stays for the next
        Assert.Equal(applied, cycle.GetProperty("balanceApplied").GetInt64());
        Assert.Equal(1_000 + applied, cycle.GetProperty("amountDue").GetInt64());
        Assert.Equal(credit - applied, renewed.GetProperty("balance").GetInt64());
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_declined_card_Then_an_upgrade_changes_nothing()
    {
        var (_, basic, pro) = await ProviderAsync();
        var subscriber = await MemberAsync("Declined");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        await Json(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/payment-method", new { paymentMethod = "pm_card_chargeDeclined" }, Ct), HttpStatusCode.OK);
        var refused = await ProblemAsync(await subscriber.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/change", new { planId = Id(pro) }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("declined", refused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var after = await GetAsync(subscriber, subscription);
        Assert.Equal("seller-basic", after.GetProperty("planCode").GetString());
        Assert.Equal(0, after.GetProperty("balance").GetInt64());
        Assert.Equal(20, await ListingsAsync(subscriber));
    }

    [Fact]
    public async Task Given_3DS_card_Then_incomplete_until_the_cardholder_confirms_and_then_active_through_the_payment_event()
    {
        var (_, basic, _) = await ProviderAsync();
        var subscriber = await MemberAsync("ThreeDS");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_threeDSecure2Required");
        Assert.Equal("incomplete", subscription.GetProperty("status").GetString());
        Assert.Null(await ListingsAsync(subscriber));
        var next = subscription.GetProperty("latestInvoice").GetProperty("payUrl").GetString()!;
        Assert.StartsWith("/simulator/authenticate/", next);

        using var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + next).Query)["client_secret"]!;
        await anonymous.PostAsync(next.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["client_secret"] = secret, ["outcome"] = "pass" }), Ct);
        await DeliverWebhooksAsync();
        var active = await AdvanceAsync(subscriber, subscription, TimeSpan.Zero, s => s.GetProperty("status").GetString() == "active");
        Assert.Equal("paid", active.GetProperty("latestInvoice").GetProperty("status").GetString());
        Assert.Equal(20, await ListingsAsync(subscriber));
    }

    [Fact]
    public async Task Given_wrong_account_role_or_input_Then_404_403_400_409_and_nothing_changes()
    {
        var (provider, basic, pro) = await ProviderAsync();
        var subscriber = await MemberAsync("Owner");
        var subscription = await SubscribeAsync(subscriber, basic, "pm_card_visa");
        var stranger = await MemberAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/payments/subscriptions/{Id(subscription)}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/cancel", new { atPeriodEnd = false }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/change", new { planId = Id(pro) }, Ct), HttpStatusCode.NotFound);
        // The provider sees its subscriber but cannot cancel or change for them.
        await Json(await provider.GetAsync($"/api/v1/payments/subscriptions/{Id(subscription)}", Ct), HttpStatusCode.OK);
        await ProblemAsync(await provider.PostAsJsonAsync($"/api/v1/payments/subscriptions/{Id(subscription)}/cancel", new { atPeriodEnd = false }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/payments/plans/{Id(basic)}/retire", new { }, Ct), HttpStatusCode.NotFound);
        Assert.Equal("active", (await GetAsync(subscriber, subscription)).GetProperty("status").GetString());

        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/payments/plans", new { code = "x", name = "No price", currency = "usd" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/payments/plans", new { code = "Bad Code!", name = "x", currency = "usd", monthlyAmount = 1000 }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await provider.PostAsJsonAsync("/api/v1/payments/plans", new { code = "seller-basic", name = "Again", currency = "usd", monthlyAmount = 1000 }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(basic), interval = "week" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(basic), paymentMethod = "4242424242424242" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await subscriber.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(pro), paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await provider.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(basic), paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Conflict);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/payments/subscriptions", Ct)).EnumerateArray());

        using var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var shop = (await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct)).GetProperty("organizations").EnumerateArray()
            .First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        using var tech = await App.SignedInClientAsync("tech@demo.pitlane.test", organizationId: shop);
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/payments/plans", new { code = "tech", name = "Tech", currency = "usd", monthlyAmount = 1000 }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await tech.PostAsJsonAsync("/api/v1/payments/subscriptions", new { planId = Id(basic), paymentMethod = "pm_card_visa" }, Ct), HttpStatusCode.Forbidden);
    }
}

/// <summary>A test app whose clock the subscription tests move forward; the job workers poll often so due renewals run soon.</summary>
public static class ClockedApp
{
    public static void Configure(IWebHostBuilder builder, ShiftedTime clock) =>
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
}

public sealed class SqliteClockApp : PitlaneApp
{
    public ShiftedTime Clock { get; } = new();

    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Jobs:PollMilliseconds", "200");
        // Moving the clock a month must not pay the balances out under the assertions.
        Set("Pitlane:Payments:AutomaticPayouts", "false");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ClockedApp.Configure(builder, Clock);
    }
}

public sealed class PostgresClockApp(PostgresServer server) : PitlaneApp
{
    public ShiftedTime Clock { get; } = new();

    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Jobs:PollMilliseconds", "200");
        // Moving the clock a month must not pay the balances out under the assertions.
        Set("Pitlane:Payments:AutomaticPayouts", "false");
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        ClockedApp.Configure(builder, Clock);
    }
}

public sealed class SubscriptionTestsOnSqlite(SqliteClockApp app) : SubscriptionTests(app, app.Clock), IClassFixture<SqliteClockApp>;

public sealed class SubscriptionTestsOnPostgres(PostgresClockApp app) : SubscriptionTests(app, app.Clock), IClassFixture<PostgresClockApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
