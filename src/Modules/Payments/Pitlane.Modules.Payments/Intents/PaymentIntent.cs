using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Processing;

namespace Pitlane.Modules.Payments;

/// <summary>Stripe's PaymentIntent statuses (WIRE-FACTS: requires_payment_method ... requires_capture ... succeeded/canceled).</summary>
public static class IntentStatus
{
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string RequiresConfirmation = "requires_confirmation";
    public const string RequiresAction = "requires_action";
    public const string Processing = "processing";
    public const string RequiresCapture = "requires_capture";
    public const string Canceled = "canceled";
    public const string Succeeded = "succeeded";

    /// <summary>How far along an intent is; an event never moves an intent backwards (out-of-order webhooks).</summary>
    public static int Rank(string status) => status switch
    {
        RequiresPaymentMethod => 0,
        RequiresConfirmation => 1,
        RequiresAction => 2,
        Processing => 3,
        RequiresCapture => 4,
        Canceled or Succeeded => 5,
        _ => -1,
    };

    public static bool IsFinal(string status) => status is Canceled or Succeeded;
}

/// <summary>
/// A payment intent: the amount to collect from a customer for a payee organisation, and where the collection is. Its
/// rules live here; <see cref="Apply"/> takes the processor's word for the state and says whether money moved (so the
/// caller writes the ledger entry in the same transaction).
/// </summary>
public sealed class PaymentIntent
{
    private PaymentIntent()
    {
    }

    public Guid Id { get; private set; }

    public string Processor { get; private set; } = "";

    public string ProcessorId { get; private set; } = "";

    public string? ClientSecret { get; private set; }

    /// <summary>The organisation that created the intent (whose API it is).</summary>
    public Guid OrganizationId { get; private set; }

    /// <summary>Who receives the money less the application fee (the destination of a destination charge).</summary>
    public Guid PayeeOrganizationId { get; private set; }

    public Guid? CustomerId { get; private set; }

    public long Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string CaptureMethod { get; private set; } = "";

    public string Status { get; private set; } = IntentStatus.RequiresPaymentMethod;

    public long AmountCapturable { get; private set; }

    public long AmountReceived { get; private set; }

    public long AmountRefunded { get; private set; }

    /// <summary>The part of <see cref="AmountRefunded"/> taken back from the payee (proportional to the payee's share).</summary>
    public long PayeeRefunded { get; private set; }

    public long ApplicationFeeAmount { get; private set; }

    public long ProcessorFee { get; private set; }

    public long AmountDisputed { get; private set; }

    public string? PaymentMethod { get; private set; }

    public string? Description { get; private set; }

    /// <summary>The creating module's key for what is paid (<see cref="NewPaymentIntent.Reference"/>).</summary>
    public string? Reference { get; private set; }

    public string? LastPaymentError { get; private set; }

    public string? NextActionUrl { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>The created time of the newest processor event applied: older ones never overwrite newer state.</summary>
    public DateTime? LastEventAt { get; private set; }

    /// <summary>Optimistic concurrency: two requests capturing the same intent cannot both write.</summary>
    public long Version { get; private set; }

    public static PaymentIntent Create(Guid organizationId, NewPaymentIntent request, string processor, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        Processor = processor,
        OrganizationId = organizationId,
        PayeeOrganizationId = request.TransferDestination ?? organizationId,
        CustomerId = request.CustomerId,
        Amount = request.Amount,
        Currency = request.Currency,
        CaptureMethod = request.CaptureMethod,
        ApplicationFeeAmount = request.ApplicationFeeAmount,
        Description = request.Description,
        Reference = request.Reference,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public long PayeeShare => AmountReceived - Math.Min(ApplicationFeeAmount, AmountReceived);

    public long Refundable => AmountReceived - AmountRefunded;

    public string? CannotConfirm() => Status is IntentStatus.RequiresPaymentMethod or IntentStatus.RequiresConfirmation or IntentStatus.RequiresAction
        ? null : $"A payment intent that is {Status} cannot be confirmed.";

    public string? CannotCapture(long amount) =>
        Status != IntentStatus.RequiresCapture ? $"A payment intent that is {Status} cannot be captured; only requires_capture can."
        : amount > AmountCapturable ? $"amountToCapture ({amount}) is more than amount_capturable ({AmountCapturable})."
        : null;

    public string? CannotCancel() => Status is IntentStatus.Succeeded or IntentStatus.Canceled or IntentStatus.Processing
        ? $"A payment intent that is {Status} cannot be canceled." : null;

    public string? CannotRefund(long amount) =>
        Status != IntentStatus.Succeeded ? $"A payment intent that is {Status} cannot be refunded; only succeeded can."
        : amount > Refundable ? $"amount ({amount}) is more than what is left to refund ({Refundable})."
        : null;

    public void AttachProcessor(string processorId, string? clientSecret)
    {
        ProcessorId = processorId;
        ClientSecret = clientSecret;
    }

    public void SetCustomer(Guid customerId)
    {
        if (CustomerId is null)
        {
            CustomerId = customerId;
            Version++;
        }
    }

    /// <summary>
    /// Takes the processor's state. Returns the amount captured by this change (0 when none), so the caller writes the
    /// capture entry. An older or backwards state (a late or out-of-order webhook) changes nothing.
    /// </summary>
    public long Apply(ProcessorIntent state, DateTime now, DateTime? eventCreated = null)
    {
        if (eventCreated is { } created && LastEventAt is { } last && created < last)
        {
            return 0;
        }
        var forward = IntentStatus.Rank(state.Status) >= IntentStatus.Rank(Status)
            // A decline sends a confirmed intent back to requires_payment_method: allowed only while not final.
            || (!IntentStatus.IsFinal(Status) && state.Status == IntentStatus.RequiresPaymentMethod);
        if (!forward || (IntentStatus.IsFinal(Status) && state.Status != Status))
        {
            return 0;
        }
        var captured = Status != IntentStatus.Succeeded && state.Status == IntentStatus.Succeeded ? state.AmountReceived : 0;
        var error = state.ErrorMessage is null ? null : $"{state.ErrorCode}: {state.ErrorMessage}";
        if (captured == 0 && Status == state.Status && AmountCapturable == state.AmountCapturable && error == LastPaymentError
            && (state.PaymentMethod is null || state.PaymentMethod == PaymentMethod) && NextActionUrl == state.NextActionUrl)
        {
            // Nothing new (a repeated or late event): no write, so no needless concurrency conflict.
            return 0;
        }
        Status = state.Status;
        AmountCapturable = state.AmountCapturable;
        if (captured > 0)
        {
            AmountReceived = state.AmountReceived;
            ProcessorFee = state.Fee;
        }
        PaymentMethod = state.PaymentMethod ?? PaymentMethod;
        LastPaymentError = error;
        NextActionUrl = state.NextActionUrl;
        if (eventCreated is { } at)
        {
            LastEventAt = at;
        }
        Touch(now);
        return captured;
    }

    /// <summary>Records a refund; returns the payee's part of it (the rest is the platform's fee share).</summary>
    public long RecordRefund(long amount, DateTime now)
    {
        var payeeRefundedBefore = PayeeRefunded;
        AmountRefunded += amount;
        // Cumulative rounding, so a refund of everything takes back exactly the payee's share.
        PayeeRefunded = AmountReceived == 0 ? 0 : (long)((Int128)AmountRefunded * PayeeShare / AmountReceived);
        Touch(now);
        return PayeeRefunded - payeeRefundedBefore;
    }

    public void RecordDispute(long amount, DateTime now)
    {
        AmountDisputed += amount;
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }

    public PaymentIntentView View() => new(
        Id, ProcessorId, OrganizationId, PayeeOrganizationId, CustomerId, Amount, Currency, CaptureMethod, Status, AmountCapturable,
        AmountReceived, AmountRefunded, ApplicationFeeAmount, PaymentMethod, Description, LastPaymentError, NextActionUrl, CreatedAt, UpdatedAt, Reference);
}

/// <summary>A refund of (part of) a succeeded intent.</summary>
public sealed class Refund
{
    private Refund()
    {
    }

    public Refund(Guid id, Guid intentId, Guid organizationId, string processorId, long amount, long payeeAmount, string currency, string? reason, string status, DateTime createdAt)
    {
        Id = id;
        IntentId = intentId;
        OrganizationId = organizationId;
        ProcessorId = processorId;
        Amount = amount;
        PayeeAmount = payeeAmount;
        Currency = currency;
        Reason = reason;
        Status = status;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid IntentId { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string ProcessorId { get; private set; } = "";

    public long Amount { get; private set; }

    public long PayeeAmount { get; private set; }

    public string Currency { get; private set; } = "";

    public string? Reason { get; private set; }

    public string Status { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }
}
