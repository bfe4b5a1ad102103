namespace Pitlane.Modules.Payments.Subscriptions;

/// <summary>Stripe's subscription statuses (the ones Pitlane uses).</summary>
public static class SubscriptionStatus
{
    public const string Trialing = "trialing";
    public const string Active = "active";
    /// <summary>The first payment has not succeeded yet.</summary>
    public const string Incomplete = "incomplete";
    /// <summary>A renewal failed; retries are scheduled (dunning). Entitlements stay on meanwhile (a grace period).</summary>
    public const string PastDue = "past_due";
    /// <summary>Every retry failed: entitlements are off until the open invoice is paid.</summary>
    public const string Unpaid = "unpaid";
    public const string Canceled = "canceled";

    /// <summary>Which statuses grant the plan's entitlements.</summary>
    public static bool Grants(string status) => status is Trialing or Active or PastDue;
}

/// <summary>
/// An organisation's subscription to a provider's plan. Periods are counted from <see cref="BillingAnchor"/>; the
/// customer <see cref="Balance"/> carries what a downgrade credited or a too-small charge deferred, in Stripe's sign
/// (negative is a credit), into the next invoice. State changes go through the methods below.
/// </summary>
public sealed class Subscription
{
    private Subscription()
    {
    }

    public Guid Id { get; private set; }

    public Guid ProviderOrganizationId { get; private set; }

    public Guid SubscriberOrganizationId { get; private set; }

    /// <summary>The person who subscribed and pays (the receipts are theirs).</summary>
    public Guid CustomerId { get; private set; }

    public Guid PlanId { get; private set; }

    public string Interval { get; private set; } = "";

    public string Currency { get; private set; } = "";

    public string Status { get; private set; } = SubscriptionStatus.Incomplete;

    /// <summary>The saved processor token (pm_...) renewals are charged to.</summary>
    public string? PaymentMethod { get; private set; }

    public DateTime BillingAnchor { get; private set; }

    /// <summary>How many paid periods since the anchor (the current period is number <c>PeriodIndex</c>).</summary>
    public int PeriodIndex { get; private set; }

    public DateTime CurrentPeriodStart { get; private set; }

    public DateTime CurrentPeriodEnd { get; private set; }

    public DateTime? TrialEnd { get; private set; }

    public bool CancelAtPeriodEnd { get; private set; }

    public DateTime? CanceledAt { get; private set; }

    public DateTime? EndedAt { get; private set; }

    public string? EndReason { get; private set; }

    public long Balance { get; private set; }

    public Guid? LatestInvoiceId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public long Version { get; private set; }

    /// <summary>Starts on a trial when the plan has one (no charge until it ends), else incomplete until the first invoice is paid.</summary>
    public static Subscription Start(Plan plan, string interval, Guid subscriberOrganizationId, Guid customerId, string? paymentMethod, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var trial = plan.TrialDays > 0;
        var subscription = new Subscription
        {
            Id = Guid.CreateVersion7(),
            ProviderOrganizationId = plan.ProviderOrganizationId,
            SubscriberOrganizationId = subscriberOrganizationId,
            CustomerId = customerId,
            PlanId = plan.Id,
            Interval = interval,
            Currency = plan.Currency,
            PaymentMethod = paymentMethod,
            Status = trial ? SubscriptionStatus.Trialing : SubscriptionStatus.Incomplete,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (trial)
        {
            subscription.TrialEnd = now.AddDays(plan.TrialDays);
            subscription.CurrentPeriodStart = now;
            subscription.CurrentPeriodEnd = subscription.TrialEnd.Value;
            subscription.BillingAnchor = subscription.TrialEnd.Value;
            subscription.PeriodIndex = -1;
        }
        else
        {
            subscription.BillingAnchor = now;
            subscription.PeriodIndex = 0;
            subscription.CurrentPeriodStart = now;
            subscription.CurrentPeriodEnd = Subscriptions.Interval.PeriodEnd(interval, now, 0);
        }
        return subscription;
    }

    public bool IsEnded => Status == SubscriptionStatus.Canceled;

    public bool IsDue(DateTime now) => !IsEnded && now >= CurrentPeriodEnd;

    /// <summary>
    /// Moves to the next period (at the end of the current one or of the trial) and answers its bounds; the caller
    /// invoices it. A renewal never skips: a server that was down for two periods bills them one after the other.
    /// </summary>
    public (DateTime Start, DateTime End) Advance(DateTime now)
    {
        PeriodIndex++;
        CurrentPeriodStart = CurrentPeriodEnd;
        CurrentPeriodEnd = Subscriptions.Interval.PeriodEnd(Interval, BillingAnchor, PeriodIndex);
        Touch(now);
        return (CurrentPeriodStart, CurrentPeriodEnd);
    }

    /// <summary>Takes what is owed or credited into an invoice: returns the part of the balance applied (signed).</summary>
    public long ApplyBalance(long subtotal, DateTime now)
    {
        // A credit (negative balance) pays at most the whole subtotal; what is owed (positive) is all added.
        var applied = Balance < 0 ? Math.Max(Balance, -subtotal) : Balance;
        Balance -= applied;
        if (applied != 0)
        {
            Touch(now);
        }
        return applied;
    }

    public void AddToBalance(long amount, DateTime now)
    {
        Balance += amount;
        Touch(now);
    }

    public void Invoiced(Guid invoiceId, DateTime now)
    {
        LatestInvoiceId = invoiceId;
        Touch(now);
    }

    public void Paid(DateTime now)
    {
        if (Status is SubscriptionStatus.Incomplete or SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid or SubscriptionStatus.Trialing)
        {
            Status = SubscriptionStatus.Active;
            Touch(now);
        }
    }

    /// <summary>A renewal attempt failed: past due while retries remain, unpaid after the last (Stripe's dunning).</summary>
    public void PaymentFailed(bool retriesLeft, DateTime now)
    {
        if (Status == SubscriptionStatus.Incomplete)
        {
            return; // the first payment: nothing was ever granted, the subscriber pays or cancels
        }
        Status = retriesLeft ? SubscriptionStatus.PastDue : SubscriptionStatus.Unpaid;
        Touch(now);
    }

    public void UsePaymentMethod(string paymentMethod, DateTime now)
    {
        PaymentMethod = paymentMethod;
        Touch(now);
    }

    public string? CannotChange() => Status switch
    {
        SubscriptionStatus.Canceled => "This subscription has ended.",
        SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid or SubscriptionStatus.Incomplete => "Pay the open invoice before changing the plan.",
        _ => null,
    };

    public void ScheduleCancel(DateTime now)
    {
        CancelAtPeriodEnd = true;
        CanceledAt = now;
        Touch(now);
    }

    public void Resume(DateTime now)
    {
        CancelAtPeriodEnd = false;
        CanceledAt = null;
        Touch(now);
    }

    public void End(string reason, DateTime now)
    {
        Status = SubscriptionStatus.Canceled;
        EndedAt = now;
        EndReason = reason;
        CanceledAt ??= now;
        CancelAtPeriodEnd = false;
        Touch(now);
    }

    /// <summary>Switches plan. A new interval starts a new period now (the anchor moves), as Stripe does.</summary>
    public void SwitchPlan(Plan plan, string interval, bool restartPeriod, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        PlanId = plan.Id;
        Interval = interval;
        if (restartPeriod)
        {
            BillingAnchor = now;
            PeriodIndex = 0;
            CurrentPeriodStart = now;
            CurrentPeriodEnd = Subscriptions.Interval.PeriodEnd(interval, now, 0);
        }
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>Stripe's billing_reason of an invoice.</summary>
public static class BillingReason
{
    public const string Create = "subscription_create";
    public const string Cycle = "subscription_cycle";
    public const string Update = "subscription_update";
}

/// <summary>An invoice of a subscription: one period (or a plan change's proration), paid by one payment intent.</summary>
public sealed class SubscriptionInvoice
{
    private SubscriptionInvoice()
    {
    }

    public Guid Id { get; private set; }

    public Guid SubscriptionId { get; private set; }

    public Guid ProviderOrganizationId { get; private set; }

    public Guid SubscriberOrganizationId { get; private set; }

    public string BillingReason { get; private set; } = "";

    public DateTime PeriodStart { get; private set; }

    public DateTime PeriodEnd { get; private set; }

    /// <summary>The lines as the customer reads them ("Pro, monthly, 1 Mar – 1 Apr": 2900), JSON.</summary>
    public string LinesJson { get; private set; } = "[]";

    public long Subtotal { get; private set; }

    /// <summary>The customer balance applied (negative: a credit used).</summary>
    public long BalanceApplied { get; private set; }

    public long AmountDue { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary>open, paid, void or uncollectible (Stripe's).</summary>
    public string Status { get; private set; } = "open";

    public int AttemptCount { get; private set; }

    public DateTime? NextAttemptAt { get; private set; }

    public Guid? PaymentIntentId { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Where the customer completes the payment (3-D Secure, or a first payment without a saved card).</summary>
    public string? PayUrl { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? PaidAt { get; private set; }

    public long Version { get; private set; }

    public static SubscriptionInvoice Create(Subscription subscription, string billingReason, DateTime periodStart, DateTime periodEnd,
        IReadOnlyList<InvoiceLine> lines, long balanceApplied, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(lines);
        var subtotal = lines.Sum(l => l.Amount);
        return new SubscriptionInvoice
        {
            Id = Guid.CreateVersion7(),
            SubscriptionId = subscription.Id,
            ProviderOrganizationId = subscription.ProviderOrganizationId,
            SubscriberOrganizationId = subscription.SubscriberOrganizationId,
            BillingReason = billingReason,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            LinesJson = System.Text.Json.JsonSerializer.Serialize(lines),
            Subtotal = subtotal,
            BalanceApplied = balanceApplied,
            AmountDue = subtotal + balanceApplied,
            Currency = subscription.Currency,
            CreatedAt = now,
        };
    }

    public IReadOnlyList<InvoiceLine> Lines => System.Text.Json.JsonSerializer.Deserialize<List<InvoiceLine>>(LinesJson) ?? [];

    public bool IsOpen => Status == "open";

    public void AttachIntent(Guid intentId)
    {
        PaymentIntentId = intentId;
        Version++;
    }

    /// <summary>Records a failed attempt and when the next one is (null: none left).</summary>
    public void Failed(string? error, string? payUrl, DateTime? nextAttemptAt)
    {
        AttemptCount++;
        LastError = error;
        PayUrl = payUrl;
        NextAttemptAt = nextAttemptAt;
        Version++;
    }

    /// <summary>No card to charge: the customer pays on the hosted page.</summary>
    public void AwaitCustomer(string? payUrl)
    {
        PayUrl = payUrl;
        Version++;
    }

    public void MarkPaid(DateTime now)
    {
        Status = "paid";
        PaidAt = now;
        NextAttemptAt = null;
        LastError = null;
        PayUrl = null;
        Version++;
    }

    /// <summary>An invoice nobody will pay any more (the subscription ended): void, so it is no longer due.</summary>
    public void Void()
    {
        Status = "void";
        NextAttemptAt = null;
        Version++;
    }
}

public sealed record InvoiceLine(string Description, long Amount);
