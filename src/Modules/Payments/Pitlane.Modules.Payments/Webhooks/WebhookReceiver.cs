using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Processing;

namespace Pitlane.Modules.Payments.Webhooks;

public enum WebhookOutcome
{
    Applied,
    Ignored,
    Duplicate,
    Rejected,
}

/// <summary>
/// Verifies a processor's webhook (<see cref="WebhookSignature"/>), applies it once (the event id is the key of
/// payments_received_events, written in the same transaction as the change it causes), and never lets an older event
/// undo a newer state (<see cref="PaymentIntent.Apply"/> compares event times and status ranks).
/// </summary>
public sealed class WebhookReceiver(
    PaymentsDbContext db, PaymentService payments, PayoutService payouts, WebhookSecrets secrets, IPaymentProcessor processor,
    TimeProvider time, ILogger<WebhookReceiver> logger)
{
    public async Task<(WebhookOutcome Outcome, string Detail)> ReceiveAsync(string source, byte[] body, string? signature, CancellationToken ct)
    {
        if (secrets.SecretOf(source) is not { } secret)
        {
            return (WebhookOutcome.Rejected, $"No webhook secret is configured for '{source}'.");
        }
        if (WebhookSignature.Verify(secret, signature, body, time.GetUtcNow(), WebhookSignature.DefaultTolerance) is { } invalid)
        {
            logger.LogWarning("Refused a {Source} webhook: {Reason}", source, invalid);
            return (WebhookOutcome.Rejected, invalid);
        }
        ParsedEvent parsed;
        try
        {
            parsed = ParsedEvent.From(body);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (WebhookOutcome.Rejected, "The body is not a processor event.");
        }
        for (var attempt = 0; ; attempt++)
        {
            if (await db.ReceivedEvents.AnyAsync(e => e.Processor == source && e.Id == parsed.Id, ct))
            {
                return (WebhookOutcome.Duplicate, "Already received.");
            }
            string outcome;
            try
            {
                outcome = parsed.Type switch
                {
                    _ when parsed.Type.StartsWith("payment_intent.", StringComparison.Ordinal) => await IntentEventAsync(source, parsed, ct),
                    "refund.created" or "refund.updated" => await RefundEventAsync(source, parsed, ct),
                    "charge.dispute.created" => await DisputeEventAsync(source, parsed, ct),
                    "payout.paid" or "payout.failed" => await PayoutEventAsync(parsed, ct),
                    _ => "ignored_type",
                };
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A signed event whose object lacks a field or has the wrong type: refused, nothing applied.
                db.ChangeTracker.Clear();
                return (WebhookOutcome.Rejected, $"The {parsed.Type} event's object is not what was expected.");
            }
            db.ReceivedEvents.Add(new ReceivedEvent
            {
                Id = parsed.Id, Processor = source, Type = parsed.Type, Created = parsed.Created, ReceivedAt = time.GetUtcNow().UtcDateTime, Outcome = outcome,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                return (outcome == "applied" ? WebhookOutcome.Applied : WebhookOutcome.Ignored, outcome);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Either the same event delivered twice at once (its id is the key: the check above now says so), or
                // another change to the same object committed first: apply the event again to the fresh state.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<string> IntentEventAsync(string source, ParsedEvent e, CancellationToken ct)
    {
        var o = e.Object;
        var processorId = o.GetProperty("id").GetString()!;
        if (await IntentOfAsync(source, processorId, ct) is not { } intent)
        {
            return "ignored_unknown_object";
        }
        var status = o.GetProperty("status").GetString()!;
        var fee = o.TryGetProperty("x_fee", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : 0;
        if (fee == 0 && status == IntentStatus.Succeeded && intent.Status != IntentStatus.Succeeded)
        {
            fee = (await processor.GetIntentAsync(processorId, ct)).Fee;
        }
        string? code = null, message = null;
        if (o.TryGetProperty("last_payment_error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        var state = new ProcessorIntent(processorId, status, Long(o, "amount_capturable"), Long(o, "amount_received"), fee,
            o.TryGetProperty("payment_method", out var pm) && pm.ValueKind == JsonValueKind.String ? pm.GetString() : null, code, message, intent.NextActionUrl, null);
        var before = (intent.Status, intent.Version);
        await payments.ApplyAsync(intent, state, e.Created, ct);
        return before == (intent.Status, intent.Version) ? "ignored_older" : "applied";
    }

    private async Task<string> RefundEventAsync(string source, ParsedEvent e, CancellationToken ct)
    {
        var o = e.Object;
        var refundId = o.GetProperty("id").GetString()!;
        if (await db.Refunds.AnyAsync(r => r.ProcessorId == refundId, ct))
        {
            return "ignored_known";
        }
        if (o.GetProperty("status").GetString() is not ("succeeded" or "pending")
            || await IntentOfAsync(source, o.GetProperty("payment_intent").GetString()!, ct) is not { } intent
            || intent.CannotRefund(Long(o, "amount")) is not null)
        {
            return "ignored_unknown_object";
        }
        await payments.RecordRefundAsync(intent, new ProcessorRefund(refundId, intent.ProcessorId, Long(o, "amount"), o.GetProperty("status").GetString()!), null, ct);
        return "applied";
    }

    private async Task<string> DisputeEventAsync(string source, ParsedEvent e, CancellationToken ct)
    {
        var o = e.Object;
        var disputeId = o.GetProperty("id").GetString()!;
        if (await db.Disputes.AnyAsync(d => d.ProcessorId == disputeId, ct)
            || await IntentOfAsync(source, o.GetProperty("payment_intent").GetString()!, ct) is not { } intent)
        {
            return "ignored_unknown_object";
        }
        var amount = Math.Min(Long(o, "amount"), intent.AmountReceived - intent.AmountDisputed);
        if (amount <= 0)
        {
            return "ignored_unknown_object";
        }
        var dispute = new Dispute
        {
            Id = Guid.CreateVersion7(), ProcessorId = disputeId, IntentId = intent.Id, OrganizationId = intent.PayeeOrganizationId, Amount = amount,
            Currency = intent.Currency, Status = o.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "", CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Disputes.Add(dispute);
        intent.RecordDispute(amount, time.GetUtcNow().UtcDateTime);
        await payments.Ledger.DisputeAsync(intent, dispute.Id, amount, ct);
        return "applied";
    }

    private async Task<string> PayoutEventAsync(ParsedEvent e, CancellationToken ct)
    {
        var o = e.Object;
        var id = o.GetProperty("id").GetString()!;
        if (await db.Payouts.FirstOrDefaultAsync(p => p.ProcessorId == id, ct) is not { } payout)
        {
            return "ignored_unknown_object";
        }
        var status = e.Type == "payout.paid" ? PayoutStatus.Paid : PayoutStatus.Failed;
        var code = o.TryGetProperty("failure_code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return await payouts.SettleAsync(payout, status, code, ct) ? "applied" : "ignored_older";
    }

    private Task<PaymentIntent?> IntentOfAsync(string source, string processorId, CancellationToken ct) =>
        db.Intents.FirstOrDefaultAsync(i => i.Processor == source && i.ProcessorId == processorId, ct);

    private static long Long(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private sealed record ParsedEvent(string Id, string Type, DateTime Created, JsonElement Object)
    {
        public static ParsedEvent From(byte[] body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.GetProperty("object").GetString() != "event")
            {
                throw new FormatException("not an event");
            }
            return new ParsedEvent(
                root.GetProperty("id").GetString() ?? throw new FormatException("id"),
                root.GetProperty("type").GetString() ?? throw new FormatException("type"),
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("created").GetInt64()).UtcDateTime,
                root.GetProperty("data").GetProperty("object").Clone());
        }
    }
}
