using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;
using Pitlane.Modules.Payments.Webhooks;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>Processor webhooks: Stripe-Signature verified, applied once, never backwards; over HTTP on SQLite and PostgreSQL.</summary>
public abstract class WebhookTests(PitlaneApp app) : PaymentsTestBase(app)
{
    /// <summary>A manual-capture hold, and the event that would capture all of it, not yet delivered.</summary>
    private async Task<(HttpClient Client, JsonElement Intent, string Event)> HoldAsync()
    {
        var client = await MerchantAsync();
        var hold = await PayAsync(client, new { amount = 4_000, currency = "usd", captureMethod = "manual", paymentMethod = "pm_card_visa", confirm = true });
        await DeliverWebhooksAsync();
        var processorId = hold.GetProperty("processorId").GetString()!;
        var evt = IntentEvent($"evt_test_{Guid.NewGuid():N}", "payment_intent.succeeded", processorId, "succeeded", 4_000, 0, 4_000, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return (client, hold, evt);
    }

    private async Task<string> StatusAsync(HttpClient client, JsonElement intent) =>
        Status(await client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{Id(intent)}", Ct));

    [Fact]
    public async Task Given_valid_webhook_Then_applied_once_even_when_delivered_twice()
    {
        var (client, hold, evt) = await HoldAsync();
        using var http = App.CreateClient();
        var first = await Json(await http.SendAsync(SignedWebhook(evt), Ct), HttpStatusCode.OK);
        Assert.Equal("applied", first.GetProperty("outcome").GetString());
        Assert.Equal("succeeded", await StatusAsync(client, hold));
        Assert.Equal(-4_000, await BalanceAsync(client, "payee_payable"));

        var again = await Json(await http.SendAsync(SignedWebhook(evt), Ct), HttpStatusCode.OK);
        Assert.Equal("duplicate", again.GetProperty("outcome").GetString());
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => http.SendAsync(SignedWebhook(evt), Ct)));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(-4_000, await BalanceAsync(client, "payee_payable"));
        using var scope = App.Services.CreateScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().JournalEntries.CountAsync(e => e.Kind == "capture" && e.ReferenceId == Id(hold), Ct));
    }

    [Fact]
    public async Task Given_tampered_body_Then_400_and_nothing_changes()
    {
        var (client, hold, evt) = await HoldAsync();
        using var request = SignedWebhook(evt);
        var tampered = evt.Replace("\"amount_received\":4000", "\"amount_received\":3999", StringComparison.Ordinal);
        Assert.NotEqual(evt, tampered);
        request.Content = new StringContent(tampered, Encoding.UTF8, "application/json");
        using var http = App.CreateClient();
        await ProblemAsync(await http.SendAsync(request, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("requires_capture", await StatusAsync(client, hold));
        Assert.Equal(0, await BalanceAsync(client, "payee_payable"));
    }

    [Fact]
    public async Task Given_wrong_secret_missing_or_malformed_signature_Then_400_and_nothing_changes()
    {
        var (client, hold, evt) = await HoldAsync();
        using var http = App.CreateClient();
        await ProblemAsync(await http.SendAsync(SignedWebhook(evt, secret: "whsec_wrong"), Ct), HttpStatusCode.BadRequest);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhooks/builtin") { Content = new StringContent(evt, Encoding.UTF8, "application/json") };
        await ProblemAsync(await http.SendAsync(unsigned, Ct), HttpStatusCode.BadRequest);
        using var garbage = SignedWebhook(evt);
        garbage.Headers.Remove("Stripe-Signature");
        garbage.Headers.TryAddWithoutValidation("Stripe-Signature", "t=abc,v1=zz,v0=00");
        await ProblemAsync(await http.SendAsync(garbage, Ct), HttpStatusCode.BadRequest);
        // Stripe is not configured here: its webhook has no secret and is refused.
        await ProblemAsync(await http.SendAsync(SignedWebhook(evt, source: "stripe"), Ct), HttpStatusCode.BadRequest);
        Assert.Equal("requires_capture", await StatusAsync(client, hold));
    }

    [Fact]
    public async Task Given_expired_or_future_timestamp_Then_400_and_nothing_changes()
    {
        var (client, hold, evt) = await HoldAsync();
        using var http = App.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await ProblemAsync(await http.SendAsync(SignedWebhook(evt, timestamp: now - 301), Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await http.SendAsync(SignedWebhook(evt, timestamp: now + 301), Ct), HttpStatusCode.BadRequest);
        Assert.Equal("requires_capture", await StatusAsync(client, hold));
        // Within the 300 s tolerance it is accepted.
        await Json(await http.SendAsync(SignedWebhook(evt, timestamp: now - 290), Ct), HttpStatusCode.OK);
        Assert.Equal("succeeded", await StatusAsync(client, hold));
    }

    [Fact]
    public async Task Given_replayed_signature_header_on_another_body_Then_400()
    {
        var (client, hold, evt) = await HoldAsync();
        using var http = App.CreateClient();
        using var original = SignedWebhook(evt);
        var header = original.Headers.GetValues("Stripe-Signature").Single();
        var other = IntentEvent($"evt_test_{Guid.NewGuid():N}", "payment_intent.succeeded", hold.GetProperty("processorId").GetString()!, "succeeded", 4_000, 0, 4_000, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var replay = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhooks/builtin") { Content = new StringContent(other, Encoding.UTF8, "application/json") };
        replay.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        await ProblemAsync(await http.SendAsync(replay, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("requires_capture", await StatusAsync(client, hold));
    }

    [Fact]
    public async Task Given_several_v1_signatures_Then_one_valid_is_enough()
    {
        var (client, hold, evt) = await HoldAsync();
        using var http = App.CreateClient();
        using var request = SignedWebhook(evt);
        var header = request.Headers.GetValues("Stripe-Signature").Single();
        request.Headers.Remove("Stripe-Signature");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header.Replace(",v1=", $",v1={new string('a', 64)},v0={new string('b', 64)},v1=", StringComparison.Ordinal));
        await Json(await http.SendAsync(request, Ct), HttpStatusCode.OK);
        Assert.Equal("succeeded", await StatusAsync(client, hold));
    }

    [Fact]
    public async Task Given_events_out_of_order_Then_an_older_state_never_overwrites_a_newer_one()
    {
        var (client, hold, succeeded) = await HoldAsync();
        var processorId = hold.GetProperty("processorId").GetString()!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var http = App.CreateClient();
        await Json(await http.SendAsync(SignedWebhook(succeeded), Ct), HttpStatusCode.OK);
        var late = IntentEvent($"evt_test_{Guid.NewGuid():N}", "payment_intent.amount_capturable_updated", processorId, "requires_capture", 4_000, 4_000, 0, now - 60);
        var outcome = await Json(await http.SendAsync(SignedWebhook(late), Ct), HttpStatusCode.OK);
        Assert.Equal("ignored", outcome.GetProperty("outcome").GetString());
        var intent = await client.GetFromJsonAsync<JsonElement>($"/api/v1/payments/intents/{Id(hold)}", Ct);
        Assert.Equal("succeeded", Status(intent));
        Assert.Equal(4_000, intent.GetProperty("amountReceived").GetInt64());
        Assert.Equal(-4_000, await BalanceAsync(client, "payee_payable"));
        await AssertLedgerSumsToZeroAsync();
    }

    [Fact]
    public async Task Given_signed_event_with_a_malformed_object_Then_400_and_nothing_changes()
    {
        var (client, hold, _) = await HoldAsync();
        using var http = App.CreateClient();
        var broken = JsonSerializer.Serialize(new
        {
            id = $"evt_test_{Guid.NewGuid():N}", @object = "event", created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), type = "payment_intent.succeeded",
            data = new { @object = new { id = hold.GetProperty("processorId").GetString(), amount_received = "lots" } },
        });
        await ProblemAsync(await http.SendAsync(SignedWebhook(broken), Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await http.SendAsync(SignedWebhook("[1,2,3]"), Ct), HttpStatusCode.BadRequest);
        Assert.Equal("requires_capture", await StatusAsync(client, hold));
    }

    [Fact]
    public void Signature_matches_Stripe_scheme_and_compares_all_candidates()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\"}");
        var header = WebhookSignature.Sign("whsec_test", 1_700_000_000, body);
        // hex(HMAC-SHA256("whsec_test", "1700000000." + body)), computed independently.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test"), Encoding.UTF8.GetBytes("1700000000.{\"id\":\"evt_1\"}")));
        Assert.Equal($"t=1700000000,v1={expected}", header);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.Null(WebhookSignature.Verify("whsec_test", header, body, at.AddSeconds(300), WebhookSignature.DefaultTolerance));
        Assert.NotNull(WebhookSignature.Verify("whsec_test", header, body, at.AddSeconds(301), WebhookSignature.DefaultTolerance));
        Assert.NotNull(WebhookSignature.Verify("whsec_test", $"t=1700000000,v0={expected}", body, at, WebhookSignature.DefaultTolerance));
    }
}

public sealed class WebhookTestsOnSqlite(SqliteApp app) : WebhookTests(app), IClassFixture<SqliteApp>;

public sealed class WebhookTestsOnPostgres(PostgresApp app) : WebhookTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
