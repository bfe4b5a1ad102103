namespace Pitlane.Modules.Payments.Processing;

/// <summary>
/// The payment processor behind Pitlane: the built-in simulator (embedded default) or Stripe. Card data never passes
/// through here, only processor tokens (pm_...). Every call that creates something carries an idempotency key so a
/// retried call never charges twice.
/// </summary>
public interface IPaymentProcessor
{
    /// <summary>"builtin" or "stripe": the webhook route and the reconciliation report name it.</summary>
    string Name { get; }

    Task<ProcessorIntent> CreateIntentAsync(ProcessorIntentRequest request, string idempotencyKey, CancellationToken ct);

    Task<ProcessorIntent> ConfirmAsync(string intentId, string paymentMethod, string idempotencyKey, CancellationToken ct);

    Task<ProcessorIntent> CaptureAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct);

    Task<ProcessorIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct);

    Task<ProcessorIntent> GetIntentAsync(string intentId, CancellationToken ct);

    Task<ProcessorRefund> RefundAsync(string intentId, long amount, string? reason, string idempotencyKey, CancellationToken ct);

    Task<ProcessorPayout> CreatePayoutAsync(Guid payee, long amount, string currency, string idempotencyKey, CancellationToken ct);

    Task<ProcessorPayout> GetPayoutAsync(string payoutId, CancellationToken ct);

    /// <summary>The processor's balance transactions created at or after <paramref name="since"/>, for reconciliation.</summary>
    Task<IReadOnlyList<ProcessorBalanceTransaction>> BalanceTransactionsAsync(DateTime since, CancellationToken ct);
}

public sealed record ProcessorIntentRequest(Guid PitlaneIntentId, long Amount, string Currency, string CaptureMethod, long ApplicationFeeAmount, Guid Destination, string? Description);

/// <summary>A processor's view of an intent. <c>Fee</c> is what the processor kept on the captured amount.</summary>
public sealed record ProcessorIntent(
    string Id,
    string Status,
    long AmountCapturable,
    long AmountReceived,
    long Fee,
    string? PaymentMethod,
    string? ErrorCode,
    string? ErrorMessage,
    string? NextActionUrl,
    string? ClientSecret);

public sealed record ProcessorRefund(string Id, string IntentId, long Amount, string Status);

public sealed record ProcessorPayout(string Id, long Amount, string Currency, string Status, string? FailureCode);

/// <summary>One movement of the processor's balance: type charge, refund, payout, payout_failure or adjustment (dispute).</summary>
public sealed record ProcessorBalanceTransaction(string Id, string Type, long Amount, long Fee, string Currency, string Source, DateTime Created);

/// <summary>The processor could not be reached or answered an error that is not a card decline: a 502 to the caller, nothing changed.</summary>
public sealed class ProcessorUnavailableException(string message, Exception? inner = null) : Contracts.PaymentProcessorException(message, refused: false, inner);

/// <summary>The processor refused the request itself (e.g. capturing more than is capturable): a 409 to the caller.</summary>
public sealed class ProcessorRejectedException(string message) : Contracts.PaymentProcessorException(message, refused: true);
