namespace Pitlane.Modules.Payments.Payouts;

/// <summary>Stripe's payout states: pending → in_transit → paid | failed (| canceled).</summary>
public static class PayoutStatus
{
    public const string Pending = "pending";
    public const string InTransit = "in_transit";
    public const string Paid = "paid";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
}

/// <summary>Money from a payee's payable balance to their bank, through the processor.</summary>
public sealed class Payout
{
    private Payout()
    {
    }

    public Payout(Guid id, Guid organizationId, long amount, string currency, bool automatic, DateTime now)
    {
        Id = id;
        OrganizationId = organizationId;
        Amount = amount;
        Currency = currency;
        Automatic = automatic;
        Status = PayoutStatus.Pending;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public long Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string Status { get; private set; } = "";

    public bool Automatic { get; private set; }

    public string? ProcessorId { get; private set; }

    public string? FailureCode { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public long Version { get; private set; }

    public void Sent(string processorId, DateTime now) => Move(PayoutStatus.InTransit, now, () => ProcessorId = processorId);

    public bool Settle(string status, string? failureCode, DateTime now)
    {
        if (Status is PayoutStatus.Paid or PayoutStatus.Failed or PayoutStatus.Canceled || status is not (PayoutStatus.Paid or PayoutStatus.Failed))
        {
            return false;
        }
        Move(status, now, () => FailureCode = failureCode);
        return true;
    }

    private void Move(string status, DateTime now, Action also)
    {
        Status = status;
        also();
        UpdatedAt = now;
        Version++;
    }
}
