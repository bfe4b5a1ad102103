using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Webhooks;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Payments;

/// <summary>What the payments tests share: a merchant (a new person's own organisation), intents over HTTP, ledger checks.</summary>
public abstract class PaymentsTestBase(PitlaneApp app)
{
    protected PitlaneApp App => app;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    protected async Task<HttpClient> MerchantAsync(string name = "Merchant")
    {
        RequireServer();
        return (await app.NewUserAsync(name)).Client;
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    protected static async Task<JsonElement> PayAsync(HttpClient client, object request) =>
        await Json(await client.PostAsJsonAsync("/api/v1/payments/intents", request, Ct), HttpStatusCode.Created);

    protected static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Json(await client.PostAsJsonAsync(path, body ?? new { }, Ct), expected);

    protected static string Status(JsonElement intent) => intent.GetProperty("status").GetString()!;

    protected static Guid Id(JsonElement o) => o.GetProperty("id").GetGuid();

    protected async Task<IReadOnlyDictionary<string, long>> LedgerTotalsAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerBook>().TotalsByCurrencyAsync(Ct);
    }

    protected async Task AssertLedgerSumsToZeroAsync()
    {
        foreach (var (currency, sum) in await LedgerTotalsAsync())
        {
            Assert.True(sum == 0, $"the ledger sums to {sum} {currency}, not zero");
        }
    }

    /// <summary>The organisation's account balance by code for a currency (debit positive).</summary>
    protected static async Task<long> BalanceAsync(HttpClient client, string code, string currency = "usd")
    {
        var balance = await client.GetFromJsonAsync<JsonElement>("/api/v1/payments/balance", Ct);
        return balance.GetProperty("accounts").EnumerateArray()
            .Where(a => a.GetProperty("code").GetString() == code && a.GetProperty("currency").GetString() == currency)
            .Sum(a => a.GetProperty("balance").GetInt64());
    }

    protected HttpRequestMessage SignedWebhook(string payload, long? timestamp = null, string? secret = null, string source = "builtin")
    {
        secret ??= app.Services.GetRequiredService<WebhookSecrets>().BuiltIn;
        var body = Encoding.UTF8.GetBytes(payload);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/payments/webhooks/{source}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", WebhookSignature.Sign(secret, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        return request;
    }

    protected static string IntentEvent(string eventId, string type, string processorId, string status, long amount, long capturable, long received, long created) =>
        JsonSerializer.Serialize(new
        {
            id = eventId, @object = "event", api_version = "2025-01-27.acacia", created, livemode = false, pending_webhooks = 1, type,
            data = new { @object = new { id = processorId, @object = "payment_intent", amount, amount_capturable = capturable, amount_received = received, currency = "usd", status } },
        });

    /// <summary>Waits until the simulator's webhooks due now were delivered.</summary>
    protected async Task DeliverWebhooksAsync() => await app.Services.GetRequiredService<PaymentsWorker>().DeliverSimulatorEventsAsync(Ct);
}
