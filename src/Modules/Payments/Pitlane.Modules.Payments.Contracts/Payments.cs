namespace Pitlane.Modules.Payments.Contracts;

/// <summary>
/// What <see cref="IPayments"/> throws when the payment processor is at fault rather than the caller: it refused the
/// request (<see cref="Refused"/>: a conflict, its message is safe to show) or could not be reached or failed (a bad
/// gateway; the message is for logs). Nothing was charged or recorded when it is thrown.
/// </summary>
public class PaymentProcessorException(string message, bool refused, Exception? inner = null) : Exception(message, inner)
{
    public bool Refused { get; } = refused;
}

/// <summary>
/// Taking money for another module (a parking booking, a marketplace order in escrow, a shop invoice): each call acts
/// for the organisation that is paid (the payee) and writes its ledger entry in the same transaction as the intent.
/// Amounts are integer minor units of <c>Currency</c> (ISO 4217, lower case as Stripe writes it).
/// </summary>
public interface IPayments
{
    Task<PaymentResult> CreateIntentAsync(Guid organizationId, NewPaymentIntent intent, CancellationToken ct);

    Task<PaymentResult> ConfirmAsync(Guid organizationId, Guid intentId, string? paymentMethod, CancellationToken ct);

    /// <summary>Captures a manual-capture hold; <paramref name="amount"/> null captures all that is capturable.</summary>
    Task<PaymentResult> CaptureAsync(Guid organizationId, Guid intentId, long? amount, CancellationToken ct);

    Task<PaymentResult> CancelAsync(Guid organizationId, Guid intentId, CancellationToken ct);

    /// <summary>Refunds part (or, with null, the rest) of what was received; the payee's share is reversed in proportion.</summary>
    Task<PaymentResult> RefundAsync(Guid organizationId, Guid intentId, long? amount, string? reason, CancellationToken ct);

    Task<PaymentIntentView?> FindAsync(Guid organizationId, Guid intentId, CancellationToken ct);
}

/// <param name="CaptureMethod">"automatic" or "manual" (a hold: escrow, bookings).</param>
/// <param name="PaymentMethod">A processor token (pm_...), never a card number.</param>
/// <param name="ApplicationFeeAmount">The platform's fee on a destination charge; the rest is the payee's share.</param>
/// <param name="TransferDestination">The organisation paid, when it is not the caller (marketplaces).</param>
/// <param name="CustomerId">The person paying, when known.</param>
/// <param name="Reference">The caller's own key for what is paid ("shop.invoice:{id}", "parking.booking:{id}"), given back
/// on <see cref="PaymentIntentStatusChanged"/> so the caller finds its row; at most 200 characters.</param>
public sealed record NewPaymentIntent(
    long Amount,
    string Currency,
    string CaptureMethod = "automatic",
    string? PaymentMethod = null,
    bool Confirm = false,
    long ApplicationFeeAmount = 0,
    Guid? TransferDestination = null,
    Guid? CustomerId = null,
    string? Description = null,
    string? Reference = null);

/// <summary>A payment intent as other modules see it; <c>Status</c> is Stripe's (requires_payment_method ... succeeded).</summary>
public sealed record PaymentIntentView(
    Guid Id,
    string ProcessorId,
    Guid OrganizationId,
    Guid PayeeOrganizationId,
    Guid? CustomerId,
    long Amount,
    string Currency,
    string CaptureMethod,
    string Status,
    long AmountCapturable,
    long AmountReceived,
    long AmountRefunded,
    long ApplicationFeeAmount,
    string? PaymentMethod,
    string? Description,
    string? LastPaymentError,
    string? NextActionUrl,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? Reference = null);

/// <summary>Either the intent after the call, field errors (400), a rule it breaks (409 / 400), or not found.</summary>
public sealed record PaymentResult(PaymentIntentView? Intent, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false)
{
    public static PaymentResult Missing { get; } = new(null, NotFound: true);
}

/// <summary>
/// Published (through the outbox, in the transaction of the change) whenever an intent's status or the money it moved
/// changes: a customer paid on the hosted page, a webhook confirmed a capture, a refund or a dispute. Modules that take
/// money handle it to move their own rows (an invoice paid, a booking confirmed) by <c>Reference</c>.
/// </summary>
public sealed record PaymentIntentStatusChanged(
    Guid IntentId,
    Guid OrganizationId,
    Guid PayeeOrganizationId,
    Guid? CustomerId,
    string? Reference,
    string Status,
    string PreviousStatus,
    long Amount,
    long AmountCapturable,
    long AmountReceived,
    long AmountRefunded,
    long AmountDisputed,
    string Currency) : Pitlane.Platform.Messaging.IntegrationEvent
{
    /// <summary>Whether this intent is one of the caller's: its <see cref="Reference"/> is "{prefix}{id}" with <paramref name="id"/> a Guid.</summary>
    public bool IsFor(string prefix, out Guid id)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        id = default;
        return Reference is { } reference && reference.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(reference.AsSpan(prefix.Length), out id);
    }
}
