using System.Net;
using StripePaymentIntent = Stripe.PaymentIntent;
using Stripe;

namespace Pitlane.Modules.Payments.Processing;

/// <summary>
/// Stripe through the official SDK (Stripe.net), configured by Pitlane:Payments:Stripe:*. Every creating call carries
/// an Idempotency-Key, so the SDK's own retries (on 409 and 5xx) never charge twice. Card declines are not errors here:
/// Stripe answers 402 and leaves the intent in requires_payment_method with last_payment_error, which is what is returned.
/// </summary>
public sealed class StripeProcessor(IStripeClient client) : IPaymentProcessor
{
    private static readonly string[] Expand = ["latest_charge.balance_transaction"];

    public string Name => "stripe";

    public Task<ProcessorIntent> CreateIntentAsync(ProcessorIntentRequest request, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () => View(await new PaymentIntentService(client).CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = request.Amount,
            Currency = request.Currency,
            CaptureMethod = request.CaptureMethod,
            Description = request.Description,
            Metadata = new Dictionary<string, string>
            {
                ["pitlane_intent_id"] = request.PitlaneIntentId.ToString(),
                ["pitlane_payee"] = request.Destination.ToString(),
                ["pitlane_application_fee"] = request.ApplicationFeeAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }, Options(idempotencyKey), ct)));

    public Task<ProcessorIntent> ConfirmAsync(string intentId, string paymentMethod, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () =>
        {
            try
            {
                return View(await new PaymentIntentService(client).ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod, Expand = [.. Expand] }, Options(idempotencyKey), ct));
            }
            catch (StripeException e) when (e.StripeError?.Type == "card_error")
            {
                return await GetIntentAsync(intentId, ct);
            }
        });

    public Task<ProcessorIntent> CaptureAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () => View(await new PaymentIntentService(client).CaptureAsync(intentId,
            new PaymentIntentCaptureOptions { AmountToCapture = amount, Expand = [.. Expand] }, Options(idempotencyKey), ct)));

    public Task<ProcessorIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () => View(await new PaymentIntentService(client).CancelAsync(intentId, new PaymentIntentCancelOptions(), Options(idempotencyKey), ct)));

    public Task<ProcessorIntent> GetIntentAsync(string intentId, CancellationToken ct) =>
        CallAsync(async () => View(await new PaymentIntentService(client).GetAsync(intentId, new PaymentIntentGetOptions { Expand = [.. Expand] }, null, ct)));

    public Task<ProcessorRefund> RefundAsync(string intentId, long amount, string? reason, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = intentId, Amount = amount, Reason = reason }, Options(idempotencyKey), ct);
            return new ProcessorRefund(refund.Id, intentId, refund.Amount, refund.Status);
        });

    public Task<ProcessorPayout> CreatePayoutAsync(Guid payee, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var payout = await new PayoutService(client).CreateAsync(new PayoutCreateOptions
            {
                Amount = amount, Currency = currency, Metadata = new Dictionary<string, string> { ["pitlane_payee"] = payee.ToString() },
            }, Options(idempotencyKey), ct);
            return new ProcessorPayout(payout.Id, payout.Amount, payout.Currency, payout.Status, payout.FailureCode);
        });

    public Task<ProcessorPayout> GetPayoutAsync(string payoutId, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var payout = await new PayoutService(client).GetAsync(payoutId, null, null, ct);
            return new ProcessorPayout(payout.Id, payout.Amount, payout.Currency, payout.Status, payout.FailureCode);
        });

    public Task<IReadOnlyList<ProcessorBalanceTransaction>> BalanceTransactionsAsync(DateTime since, CancellationToken ct) =>
        CallAsync<IReadOnlyList<ProcessorBalanceTransaction>>(async () =>
        {
            var list = new List<ProcessorBalanceTransaction>();
            var options = new BalanceTransactionListOptions { Limit = 100, Created = new DateRangeOptions { GreaterThanOrEqual = since } };
            await foreach (var t in new BalanceTransactionService(client).ListAutoPagingAsync(options, null, ct))
            {
                list.Add(new ProcessorBalanceTransaction(t.Id, t.Type, t.Amount, t.Fee, t.Currency, t.SourceId ?? "", t.Created));
            }
            return list;
        });

    private static RequestOptions Options(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    private static ProcessorIntent View(StripePaymentIntent intent) => new(
        intent.Id,
        intent.Status,
        intent.AmountCapturable,
        intent.AmountReceived,
        intent.LatestCharge?.BalanceTransaction?.Fee ?? 0,
        intent.PaymentMethodId,
        intent.LastPaymentError?.Code,
        intent.LastPaymentError?.Message,
        intent.NextAction?.RedirectToUrl?.Url,
        intent.ClientSecret);

    /// <summary>Stripe's own refusals (4xx) are a 409 to the caller; the network and Stripe's 5xx are a 502.</summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException e) when (e.HttpStatusCode is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError)
        {
            throw new ProcessorRejectedException($"Stripe refused the request: {e.StripeError?.Message ?? e.Message}");
        }
        catch (Exception e) when (e is StripeException or HttpRequestException or TaskCanceledException)
        {
            throw new ProcessorUnavailableException("Stripe could not be reached or failed; nothing was changed. Retry with the same Idempotency-Key.", e);
        }
    }
}
