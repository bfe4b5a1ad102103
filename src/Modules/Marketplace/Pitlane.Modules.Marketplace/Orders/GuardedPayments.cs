using Microsoft.Extensions.Logging;
using Pitlane.Modules.Payments.Contracts;

namespace Pitlane.Modules.Marketplace.Orders;

/// <summary>
/// <see cref="IPayments"/> as the marketplace calls it: a processor failure (Stripe unreachable, or a request Stripe or
/// the built-in processor refuses, such as an unknown pm_ token) comes back as a result, never as an exception that
/// would answer 500. The Payments module throws its own processor exception types, which its contracts do not expose;
/// they are recognised here by the namespace they come from, so exceptions of any other origin (bugs) still surface.
/// A refusal becomes a conflict with the processor's words; anything else from the processor a 502 with a fixed text.
/// </summary>
internal sealed class GuardedPayments(IPayments payments, ILogger logger) : IPayments
{
    /// <summary>The conflict text that marks "processor unavailable" (compared by reference).</summary>
    public static readonly string UnavailableText = "The payment processor could not be reached or failed; nothing was charged or ordered. Try again in a moment.";

    private async Task<PaymentResult> Guard(Func<Task<PaymentResult>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not OperationCanceledException && e.GetType().Namespace?.StartsWith("Pitlane.Modules.Payments", StringComparison.Ordinal) == true)
        {
            if (e.GetType().Name == "ProcessorRejectedException")
            {
                logger.LogInformation("The payment processor refused a marketplace {Operation}: {Message}", what, e.Message);
                return new PaymentResult(null, Conflict: e.Message);
            }
            logger.LogWarning(e, "The payment processor failed during a marketplace {Operation}", what);
            return new PaymentResult(null, Conflict: UnavailableText);
        }
    }

    public Task<PaymentResult> CreateIntentAsync(Guid organizationId, NewPaymentIntent intent, CancellationToken ct) =>
        Guard(() => payments.CreateIntentAsync(organizationId, intent, ct), "payment");

    public Task<PaymentResult> ConfirmAsync(Guid organizationId, Guid intentId, string? paymentMethod, CancellationToken ct) =>
        Guard(() => payments.ConfirmAsync(organizationId, intentId, paymentMethod, ct), "confirmation");

    public Task<PaymentResult> CaptureAsync(Guid organizationId, Guid intentId, long? amount, CancellationToken ct) =>
        Guard(() => payments.CaptureAsync(organizationId, intentId, amount, ct), "capture");

    public Task<PaymentResult> CancelAsync(Guid organizationId, Guid intentId, CancellationToken ct) =>
        Guard(() => payments.CancelAsync(organizationId, intentId, ct), "cancellation");

    public Task<PaymentResult> RefundAsync(Guid organizationId, Guid intentId, long? amount, string? reason, CancellationToken ct) =>
        Guard(() => payments.RefundAsync(organizationId, intentId, amount, reason, ct), "refund");

    public Task<PaymentIntentView?> FindAsync(Guid organizationId, Guid intentId, CancellationToken ct) => payments.FindAsync(organizationId, intentId, ct);
}
