using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pitlane.Web.Tests.Payments;

/// <summary>
/// An in-process fake of the part of Stripe's HTTP API Pitlane uses (payment intents, refunds, payouts), speaking its
/// wire format: form-encoded requests with Bearer sk_ keys, JSON objects, 402 card_error on declines, Idempotency-Key
/// replays. The real Stripe.net SDK is pointed at it through Pitlane:Payments:Stripe:ApiBase.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _intents = new();
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _idempotent = new();
    private int _next;

    public ConcurrentQueue<(string Method, string Path, string? IdempotencyKey, string? Authorization)> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Set: every request answers 500 api_error, as Stripe does when it fails on its side.</summary>
    public bool Failing { get; set; }

    private FakeStripe()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
            Requests.Enqueue((context.Request.Method, context.Request.Path.Value!, key, context.Request.Headers.Authorization.FirstOrDefault()));
            if (Failing)
            {
                await Write(context, 500, Error("api_error", null, "An unknown error occurred."));
                return;
            }
            if (context.Request.Headers.Authorization.FirstOrDefault() is not { } auth || !auth.StartsWith("Bearer sk_test_", StringComparison.Ordinal))
            {
                await Write(context, 401, Error("invalid_request_error", null, "Invalid API Key provided."));
                return;
            }
            if (key is not null && _idempotent.TryGetValue($"{context.Request.Path}|{key}", out var saved))
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
                context.Response.StatusCode = saved.Status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(saved.Body);
                return;
            }
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            await next(context);
            context.Response.Body = original;
            var body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            if (key is not null)
            {
                _idempotent[$"{context.Request.Path}|{key}"] = (context.Response.StatusCode, body);
            }
            await context.Response.WriteAsync(body);
        });
        _app.MapPost("/v1/payment_intents", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var id = $"pi_fake_{Interlocked.Increment(ref _next)}";
            var intent = new JsonObject
            {
                ["id"] = id, ["object"] = "payment_intent", ["amount"] = long.Parse(form["amount"]!), ["amount_capturable"] = 0, ["amount_received"] = 0,
                ["capture_method"] = form["capture_method"].ToString(), ["client_secret"] = $"{id}_secret_x", ["currency"] = form["currency"].ToString(),
                ["status"] = "requires_payment_method", ["livemode"] = false, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["metadata"] = new JsonObject(form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)).Select(f => KeyValuePair.Create<string, JsonNode?>(f.Key[9..^1], f.Value.ToString()))),
            };
            _intents[id] = intent;
            await Write(c, 200, intent);
        });
        _app.MapGet("/v1/payment_intents/{id}", async (string id, HttpContext c) =>
            await (_intents.TryGetValue(id, out var i) ? Write(c, 200, i) : Write(c, 404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'"))));
        _app.MapPost("/v1/payment_intents/{id}/confirm", async (string id, HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            if (!_intents.TryGetValue(id, out var intent))
            {
                await Write(c, 404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'"));
                return;
            }
            var method = form["payment_method"].ToString();
            intent["payment_method"] = method;
            if (method == "pm_card_chargeDeclined")
            {
                intent["status"] = "requires_payment_method";
                intent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["message"] = "Your card was declined." };
                var error = Error("card_error", "card_declined", "Your card was declined.");
                error["error"]!["payment_intent"] = intent.DeepClone();
                await Write(c, 402, error);
                return;
            }
            intent["last_payment_error"] = null;
            var amount = intent["amount"]!.GetValue<long>();
            if (intent["capture_method"]!.GetValue<string>() == "manual")
            {
                intent["status"] = "requires_capture";
                intent["amount_capturable"] = amount;
            }
            else
            {
                Capture(intent, amount);
            }
            await Write(c, 200, intent);
        });
        _app.MapPost("/v1/payment_intents/{id}/capture", async (string id, HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var intent = _intents[id];
            var amount = form.ContainsKey("amount_to_capture") ? long.Parse(form["amount_to_capture"]!) : intent["amount_capturable"]!.GetValue<long>();
            if (intent["status"]!.GetValue<string>() != "requires_capture" || amount > intent["amount_capturable"]!.GetValue<long>())
            {
                await Write(c, 400, Error("invalid_request_error", "payment_intent_unexpected_state", "This PaymentIntent could not be captured."));
                return;
            }
            Capture(intent, amount);
            await Write(c, 200, intent);
        });
        _app.MapPost("/v1/payment_intents/{id}/cancel", async (string id, HttpContext c) =>
        {
            var intent = _intents[id];
            intent["status"] = "canceled";
            intent["amount_capturable"] = 0;
            await Write(c, 200, intent);
        });
        _app.MapPost("/v1/refunds", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var refund = new JsonObject
            {
                ["id"] = $"re_fake_{Interlocked.Increment(ref _next)}", ["object"] = "refund", ["amount"] = long.Parse(form["amount"]!),
                ["payment_intent"] = form["payment_intent"].ToString(), ["status"] = "succeeded", ["currency"] = "usd",
            };
            await Write(c, 200, refund);
        });
    }

    public static async Task<FakeStripe> StartAsync()
    {
        var fake = new FakeStripe();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private void Capture(JsonObject intent, long amount)
    {
        intent["status"] = "succeeded";
        intent["amount_received"] = amount;
        intent["amount_capturable"] = 0;
        var charge = $"ch_fake_{Interlocked.Increment(ref _next)}";
        intent["latest_charge"] = new JsonObject
        {
            ["id"] = charge, ["object"] = "charge", ["amount"] = intent["amount"]!.GetValue<long>(), ["amount_captured"] = amount,
            ["balance_transaction"] = new JsonObject { ["id"] = $"txn_fake_{_next}", ["object"] = "balance_transaction", ["amount"] = amount, ["fee"] = ((amount * 29) + 500) / 1000 + 30, ["currency"] = intent["currency"]!.GetValue<string>() },
        };
    }

    private static JsonObject Error(string type, string? code, string message) =>
        new() { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } };

    private static async Task Write(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
