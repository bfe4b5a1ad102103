using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Payments.Subscriptions;

public sealed record NewPlan(string? Code, string? Name, string? Description, string? Currency, long? MonthlyAmount, long? AnnualAmount, int? TrialDays,
    Dictionary<string, long>? Entitlements);

/// <summary>The answer of a subscription change: the subscription, field errors (400), a rule it breaks (409), or not found.</summary>
public sealed record SubscriptionResult(Subscription? Subscription, SubscriptionInvoice? Invoice = null, Dictionary<string, string[]>? Errors = null,
    string? Conflict = null, bool NotFound = false)
{
    public static SubscriptionResult Missing { get; } = new(null, NotFound: true);

    public static SubscriptionResult Invalid(string field, string message) => new(null, Errors: new() { [field] = [message] });
}

/// <summary>
/// Plans, subscriptions and their invoices. Every invoice is paid through <see cref="PaymentService"/> (a payment intent
/// to the provider, so the ledger entry is the intent's capture entry); renewals and dunning retries are platform jobs
/// due at the end of the period or at the next retry, so they survive restarts and run once across instances.
/// </summary>
public sealed partial class SubscriptionService(PaymentsDbContext db, PaymentService payments, JobQueue jobs, PaymentsOptions options, TimeProvider time)
    : ISubscriptions
{
    public const string ReferencePrefix = "payments.subscription-invoice:";

    // ---- plans -------------------------------------------------------------------------------------------------------

    public async Task<(Plan? Plan, Dictionary<string, string[]>? Errors, string? Conflict)> CreatePlanAsync(Guid providerOrganizationId, NewPlan request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = request.Code?.Trim().ToLowerInvariant() ?? "";
        var currency = request.Currency?.Trim().ToLowerInvariant() ?? "";
        var entitlements = request.Entitlements ?? [];
        var check = new Validation()
            .Require(CodePattern().IsMatch(code), "code", "code is 1 to 40 lower-case letters, digits, dots or dashes, e.g. seller-pro.")
            .Require(request.Name is { Length: > 0 and <= 100 } && !string.IsNullOrWhiteSpace(request.Name), "name", "name is required (at most 100 characters).")
            .Require(request.Description is null || request.Description.Length <= 500, "description", "description is at most 500 characters.")
            .Require(CurrencyPattern().IsMatch(currency), "currency", "currency must be a three-letter ISO 4217 code, e.g. usd.")
            .Require(request.MonthlyAmount is not null || request.AnnualAmount is not null, "monthlyAmount", "Give a monthly or an annual price (or both).")
            .Require(request.MonthlyAmount is null or (>= PaymentService.MinAmount and <= PaymentService.MaxAmount), "monthlyAmount", $"monthlyAmount must be between {PaymentService.MinAmount} and {PaymentService.MaxAmount} minor units.")
            .Require(request.AnnualAmount is null or (>= PaymentService.MinAmount and <= PaymentService.MaxAmount), "annualAmount", $"annualAmount must be between {PaymentService.MinAmount} and {PaymentService.MaxAmount} minor units.")
            .Require(request.TrialDays is null or (>= 0 and <= 730), "trialDays", "trialDays must be between 0 and 730.")
            .Require(entitlements.Count <= 30, "entitlements", "At most 30 entitlements.")
            .Require(entitlements.All(e => FeaturePattern().IsMatch(e.Key) && e.Value >= 0), "entitlements", "Each entitlement is a feature name (lower-case, e.g. marketplace.listings) and a limit of 0 or more.");
        if (!check.IsValid)
        {
            return (null, check.Errors, null);
        }
        if (await db.Plans.AnyAsync(p => p.ProviderOrganizationId == providerOrganizationId && p.Code == code, ct))
        {
            return (null, null, $"A plan with code '{code}' exists already.");
        }
        var plan = Plan.Create(providerOrganizationId, code, request.Name!.Trim(), request.Description, currency, request.MonthlyAmount, request.AnnualAmount,
            request.TrialDays ?? 0, entitlements, Now);
        db.Plans.Add(plan);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, null, $"A plan with code '{code}' exists already.");
        }
        return (plan, null, null);
    }

    public async Task<IReadOnlyList<Plan>> PlansOfAsync(Guid providerOrganizationId, bool activeOnly, CancellationToken ct) =>
        await db.Plans.AsNoTracking().Where(p => p.ProviderOrganizationId == providerOrganizationId && (!activeOnly || p.Active))
            .OrderBy(p => p.MonthlyAmount ?? p.AnnualAmount).ThenBy(p => p.Code).ToListAsync(ct);

    public async Task<Plan?> RetirePlanAsync(Guid providerOrganizationId, Guid planId, CancellationToken ct)
    {
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == planId && p.ProviderOrganizationId == providerOrganizationId, ct);
        if (plan is not null)
        {
            plan.Retire(Now);
            await db.SaveChangesAsync(ct);
        }
        return plan;
    }

    // ---- subscribing -------------------------------------------------------------------------------------------------

    public async Task<SubscriptionResult> SubscribeAsync(Guid subscriberOrganizationId, Guid customerId, Guid? planId, string? interval, string? paymentMethod, CancellationToken ct)
    {
        interval = interval?.Trim().ToLowerInvariant() ?? Interval.Month;
        if (planId is null)
        {
            return SubscriptionResult.Invalid("planId", "planId is required.");
        }
        if (paymentMethod is not null && !PaymentMethodPattern().IsMatch(paymentMethod))
        {
            return SubscriptionResult.Invalid("paymentMethod", "paymentMethod must be a processor token (pm_...); card numbers are never accepted.");
        }
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId && p.Active, ct);
        if (plan is null)
        {
            return SubscriptionResult.Invalid("planId", "No such plan, or it takes no new subscribers.");
        }
        if (plan.AmountFor(interval) is null)
        {
            return SubscriptionResult.Invalid("interval", $"This plan has no {(interval is Interval.Month or Interval.Year ? interval + "ly" : "such")} price; interval is month or year.");
        }
        if (plan.ProviderOrganizationId == subscriberOrganizationId)
        {
            return new SubscriptionResult(null, Conflict: "An organisation cannot subscribe to its own plan.");
        }
        if (await db.Subscriptions.AnyAsync(s => s.SubscriberOrganizationId == subscriberOrganizationId && s.ProviderOrganizationId == plan.ProviderOrganizationId
                && s.Status != SubscriptionStatus.Canceled, ct))
        {
            return new SubscriptionResult(null, Conflict: "This organisation has a subscription with this provider already; change its plan instead.");
        }
        var now = Now;
        var subscription = Subscription.Start(plan, interval, subscriberOrganizationId, customerId, paymentMethod, now);
        db.Subscriptions.Add(subscription);
        Announce(subscription, plan);
        SubscriptionInvoice? invoice = null;
        if (subscription.Status == SubscriptionStatus.Incomplete)
        {
            var subtotal = plan.AmountFor(interval)!.Value;
            invoice = SubscriptionInvoice.Create(subscription, BillingReason.Create, subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd,
                [new InvoiceLine(PeriodLine(plan, interval, subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd), subtotal)], 0, now);
            db.SubscriptionInvoices.Add(invoice);
            subscription.Invoiced(invoice.Id, now);
        }
        ScheduleRenewal(subscription);
        await db.SaveChangesAsync(ct);
        if (invoice is not null)
        {
            var collected = await CollectAsync(subscription, invoice, plan, ct);
            return new SubscriptionResult(collected.Subscription, collected.Invoice);
        }
        return new SubscriptionResult(subscription, invoice);
    }

    /// <summary>Cancels at the end of the period (the default, entitlements kept until then) or at once.</summary>
    public async Task<SubscriptionResult> CancelAsync(Guid subscriberOrganizationId, Guid subscriptionId, bool atPeriodEnd, CancellationToken ct)
    {
        if (await OwnedAsync(subscriberOrganizationId, subscriptionId, ct) is not { } subscription)
        {
            return SubscriptionResult.Missing;
        }
        if (subscription.IsEnded)
        {
            return new SubscriptionResult(null, Conflict: "This subscription has ended already.");
        }
        // A subscription never paid for (incomplete) or in dunning has nothing left to run to: it ends now.
        if (atPeriodEnd && subscription.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing)
        {
            subscription.ScheduleCancel(Now);
        }
        else
        {
            await EndAsync(subscription, "canceled by the subscriber", ct);
        }
        Announce(subscription, await PlanAsync(subscription.PlanId, ct));
        await db.SaveChangesAsync(ct);
        return new SubscriptionResult(subscription);
    }

    public async Task<SubscriptionResult> ResumeAsync(Guid subscriberOrganizationId, Guid subscriptionId, CancellationToken ct)
    {
        if (await OwnedAsync(subscriberOrganizationId, subscriptionId, ct) is not { } subscription)
        {
            return SubscriptionResult.Missing;
        }
        if (subscription.IsEnded || !subscription.CancelAtPeriodEnd)
        {
            return new SubscriptionResult(null, Conflict: subscription.IsEnded ? "This subscription has ended; subscribe again." : "This subscription is not set to cancel.");
        }
        subscription.Resume(Now);
        Announce(subscription, await PlanAsync(subscription.PlanId, ct));
        await db.SaveChangesAsync(ct);
        return new SubscriptionResult(subscription);
    }

    /// <summary>
    /// Saves a new card for renewals and, when an invoice is open (past due, unpaid or a first payment), tries it on that
    /// invoice at once.
    /// </summary>
    public async Task<SubscriptionResult> UpdatePaymentMethodAsync(Guid subscriberOrganizationId, Guid subscriptionId, string? paymentMethod, CancellationToken ct)
    {
        if (paymentMethod is null || !PaymentMethodPattern().IsMatch(paymentMethod))
        {
            return SubscriptionResult.Invalid("paymentMethod", "paymentMethod must be a processor token (pm_...).");
        }
        if (await OwnedAsync(subscriberOrganizationId, subscriptionId, ct) is not { } subscription)
        {
            return SubscriptionResult.Missing;
        }
        if (subscription.IsEnded)
        {
            return new SubscriptionResult(null, Conflict: "This subscription has ended.");
        }
        subscription.UsePaymentMethod(paymentMethod, Now);
        await db.SaveChangesAsync(ct);
        var open = await db.SubscriptionInvoices.Where(i => i.SubscriptionId == subscription.Id && i.Status == "open").OrderBy(i => i.CreatedAt).FirstOrDefaultAsync(ct);
        if (open is not null)
        {
            var collected = await CollectAsync(subscription, open, await PlanAsync(subscription.PlanId, ct), ct);
            return new SubscriptionResult(collected.Subscription, collected.Invoice);
        }
        return new SubscriptionResult(subscription, open);
    }

    /// <summary>
    /// Changes plan or interval with proration by the second, as Stripe does: a credit for the unused time on the old
    /// price and a charge for the rest of the period on the new one (a new interval starts a new period and charges it
    /// in full). Each amount is rounded half away from zero to a minor unit. A net charge is collected at once and, if the
    /// card fails, nothing changes (Stripe's error_if_incomplete); a net credit goes to the balance for the next invoices.
    /// </summary>
    public async Task<SubscriptionResult> ChangePlanAsync(Guid subscriberOrganizationId, Guid subscriptionId, Guid? planId, string? interval, CancellationToken ct)
    {
        if (await OwnedAsync(subscriberOrganizationId, subscriptionId, ct) is not { } subscription)
        {
            return SubscriptionResult.Missing;
        }
        interval = interval?.Trim().ToLowerInvariant() ?? subscription.Interval;
        var newPlan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == (planId ?? subscription.PlanId) && p.ProviderOrganizationId == subscription.ProviderOrganizationId, ct);
        if (newPlan is null || (!newPlan.Active && newPlan.Id != subscription.PlanId))
        {
            return SubscriptionResult.Invalid("planId", "No such plan of this provider, or it takes no new subscribers.");
        }
        if (newPlan.AmountFor(interval) is not { } newAmount)
        {
            return SubscriptionResult.Invalid("interval", "This plan has no price for that interval; interval is month or year.");
        }
        if (newPlan.Id == subscription.PlanId && interval == subscription.Interval)
        {
            return new SubscriptionResult(null, Conflict: "The subscription is on this plan and interval already.");
        }
        if (subscription.CannotChange() is { } reason)
        {
            return new SubscriptionResult(null, Conflict: reason);
        }
        var now = Now;
        var oldPlan = await PlanAsync(subscription.PlanId, ct);
        if (subscription.Status == SubscriptionStatus.Trialing)
        {
            // Nothing was charged during the trial, so there is nothing to prorate.
            subscription.SwitchPlan(newPlan, interval, restartPeriod: false, now);
            Announce(subscription, newPlan);
            await db.SaveChangesAsync(ct);
            return new SubscriptionResult(subscription);
        }

        var restart = interval != subscription.Interval;
        var unused = Fraction(subscription.CurrentPeriodEnd - now, subscription.CurrentPeriodEnd - subscription.CurrentPeriodStart);
        var credit = RoundHalfAway(oldPlan.AmountFor(subscription.Interval)!.Value * unused);
        var periodEnd = restart ? Interval.PeriodEnd(interval, now, 0) : subscription.CurrentPeriodEnd;
        var charge = restart ? newAmount : RoundHalfAway(newAmount * unused);
        var lines = new List<InvoiceLine>
        {
            new($"Unused time on {oldPlan.Name} ({oldPlan.AmountFor(subscription.Interval)} {subscription.Currency.ToUpperInvariant()} per {subscription.Interval})", -credit),
            new(restart ? PeriodLine(newPlan, interval, now, periodEnd) : $"Remaining time on {newPlan.Name} until {periodEnd:yyyy-MM-dd}", charge),
        };
        var net = charge - credit;
        if (net <= 0)
        {
            var creditInvoice = SubscriptionInvoice.Create(subscription, BillingReason.Update, now, periodEnd, lines, -net, now);
            creditInvoice.MarkPaid(now);
            db.SubscriptionInvoices.Add(creditInvoice);
            subscription.AddToBalance(net, now);
            subscription.SwitchPlan(newPlan, interval, restart, now);
            subscription.Invoiced(creditInvoice.Id, now);
            ScheduleRenewal(subscription);
            Announce(subscription, newPlan);
            await db.SaveChangesAsync(ct);
            return new SubscriptionResult(subscription, creditInvoice);
        }

        if (subscription.PaymentMethod is null)
        {
            return new SubscriptionResult(null, Conflict: "Add a card to this subscription before moving to a dearer plan.");
        }
        var applied = subscription.ApplyBalance(net, now);
        var invoice = SubscriptionInvoice.Create(subscription, BillingReason.Update, now, periodEnd, lines, applied, now);
        db.SubscriptionInvoices.Add(invoice);
        await db.SaveChangesAsync(ct);
        var collected = await CollectAsync(subscription, invoice, newPlan, ct, retryOnFailure: false);
        (subscription, invoice) = (collected.Subscription, collected.Invoice);
        if (!collected.Paid)
        {
            // error_if_incomplete: the plan stays, the invoice is voided and the balance restored.
            var error = invoice.LastError;
            invoice.Void();
            subscription.AddToBalance(applied, Now);
            await db.SaveChangesAsync(ct);
            return new SubscriptionResult(null, invoice, Conflict: $"The card was not charged, so the plan did not change: {error ?? "payment needs the customer's action"}.");
        }
        subscription.SwitchPlan(newPlan, interval, restart, Now);
        subscription.Invoiced(invoice.Id, Now);
        ScheduleRenewal(subscription);
        Announce(subscription, newPlan);
        await db.SaveChangesAsync(ct);
        return new SubscriptionResult(subscription, invoice);
    }

    // ---- the clockwork (jobs) ----------------------------------------------------------------------------------------

    /// <summary>
    /// The end of a period (or of the trial): cancels what was set to cancel, ends a trial with no card, else bills the
    /// next period. Does nothing when the period is not over (a job for an older period end, or run early).
    /// </summary>
    public async Task<string> RenewAsync(Guid subscriptionId, CancellationToken ct)
    {
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        var now = Now;
        if (subscription is not null && await db.SubscriptionInvoices.FirstOrDefaultAsync(i => i.SubscriptionId == subscriptionId && i.Status == "open"
                && i.BillingReason == BillingReason.Cycle && i.PaymentIntentId == null && i.AttemptCount == 0, ct) is { } uncollected)
        {
            // A renewal that stopped between billing the period and charging it (the instance died): charge it now.
            var resumed = await CollectAsync(subscription, uncollected, await PlanAsync(subscription.PlanId, ct), ct);
            return resumed.Paid ? "renewed" : $"payment failed ({resumed.Invoice.LastError})";
        }
        if (subscription is null || !subscription.IsDue(now))
        {
            return "not due";
        }
        var plan = await PlanAsync(subscription.PlanId, ct);
        if (subscription.CancelAtPeriodEnd)
        {
            await EndAsync(subscription, "canceled at the end of the period", ct, subscription.CurrentPeriodEnd);
            Announce(subscription, plan);
            await db.SaveChangesAsync(ct);
            return "canceled";
        }
        if (subscription.Status == SubscriptionStatus.Trialing && subscription.PaymentMethod is null && options.Subscriptions.TrialEndWithoutCard == "cancel")
        {
            await EndAsync(subscription, "the trial ended without a card", ct, subscription.CurrentPeriodEnd);
            Announce(subscription, plan);
            await db.SaveChangesAsync(ct);
            return "trial ended";
        }
        if (subscription.Status is SubscriptionStatus.Unpaid or SubscriptionStatus.Incomplete)
        {
            // Nothing more is billed while an invoice is unpaid; paying it resumes the cycle (PaidAsync).
            return "waiting for the open invoice";
        }
        var (start, end) = subscription.Advance(now);
        var subtotal = plan.AmountFor(subscription.Interval)!.Value;
        var applied = subscription.ApplyBalance(subtotal, now);
        var invoice = SubscriptionInvoice.Create(subscription, BillingReason.Cycle, start, end, [new InvoiceLine(PeriodLine(plan, subscription.Interval, start, end), subtotal)], applied, now);
        db.SubscriptionInvoices.Add(invoice);
        subscription.Invoiced(invoice.Id, now);
        ScheduleRenewal(subscription);
        await db.SaveChangesAsync(ct);
        var collected = await CollectAsync(subscription, invoice, plan, ct);
        return collected.Paid ? "renewed" : $"payment failed ({collected.Invoice.LastError})";
    }

    /// <summary>A dunning retry: charges the open invoice again if it is still open and this is the attempt it waits for.</summary>
    public async Task<string> RetryAsync(Guid invoiceId, int attempt, CancellationToken ct)
    {
        var invoice = await db.SubscriptionInvoices.FirstOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null || !invoice.IsOpen || invoice.AttemptCount != attempt)
        {
            return "nothing to retry";
        }
        var subscription = await db.Subscriptions.FirstAsync(s => s.Id == invoice.SubscriptionId, ct);
        if (subscription.IsEnded)
        {
            invoice.Void();
            await db.SaveChangesAsync(ct);
            return "subscription ended";
        }
        var collected = await CollectAsync(subscription, invoice, await PlanAsync(subscription.PlanId, ct), ct);
        return collected.Paid ? "paid" : $"failed again ({collected.Invoice.LastError})";
    }

    /// <summary>An invoice's payment intent succeeded (a hosted payment, 3-D Secure done, or a webhook after the call).</summary>
    public async Task PaidAsync(Guid invoiceId, string? paymentMethod, CancellationToken ct)
    {
        var invoice = await db.SubscriptionInvoices.FirstOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null || !invoice.IsOpen)
        {
            return;
        }
        var subscription = await db.Subscriptions.FirstAsync(s => s.Id == invoice.SubscriptionId, ct);
        MarkPaid(subscription, invoice, paymentMethod);
        Announce(subscription, await PlanAsync(subscription.PlanId, ct));
        await db.SaveChangesAsync(ct);
    }

    // ---- reading -----------------------------------------------------------------------------------------------------

    public async Task<EntitlementSet> EntitlementsAsync(Guid subscriberOrganizationId, Guid? providerOrganizationId, CancellationToken ct)
    {
        var rows = await (from s in db.Subscriptions.AsNoTracking()
                          join p in db.Plans.AsNoTracking() on s.PlanId equals p.Id
                          where s.SubscriberOrganizationId == subscriberOrganizationId
                              && (providerOrganizationId == null || s.ProviderOrganizationId == providerOrganizationId)
                              && (s.Status == SubscriptionStatus.Trialing || s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue)
                          select new { s, p }).ToListAsync(ct);
        var features = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var (feature, limit) in row.p.Entitlements)
            {
                features[feature] = features.TryGetValue(feature, out var known) ? Math.Max(known, limit) : limit;
            }
        }
        return new EntitlementSet(features, rows.Select(r => new EntitledPlan(r.s.Id, r.s.ProviderOrganizationId, r.p.Code, r.p.Name, r.s.Status, r.s.CurrentPeriodEnd)).ToList());
    }

    public async Task<IReadOnlyList<(Subscription Subscription, Plan Plan)>> SubscriptionsOfAsync(Guid subscriberOrganizationId, CancellationToken ct) =>
        (await (from s in db.Subscriptions.AsNoTracking()
                join p in db.Plans.AsNoTracking() on s.PlanId equals p.Id
                where s.SubscriberOrganizationId == subscriberOrganizationId
                orderby s.CreatedAt descending
                select new { s, p }).ToListAsync(ct)).Select(r => (r.s, r.p)).ToList();

    public async Task<IReadOnlyList<(Subscription Subscription, Plan Plan)>> SubscribersOfAsync(Guid providerOrganizationId, CancellationToken ct) =>
        (await (from s in db.Subscriptions.AsNoTracking()
                join p in db.Plans.AsNoTracking() on s.PlanId equals p.Id
                where s.ProviderOrganizationId == providerOrganizationId
                orderby s.CreatedAt descending
                select new { s, p }).Take(500).ToListAsync(ct)).Select(r => (r.s, r.p)).ToList();

    /// <summary>A subscription seen by its subscriber or its provider.</summary>
    public async Task<(Subscription Subscription, Plan Plan)?> FindAsync(Guid organizationId, Guid subscriptionId, CancellationToken ct)
    {
        var row = await (from s in db.Subscriptions.AsNoTracking()
                         join p in db.Plans.AsNoTracking() on s.PlanId equals p.Id
                         where s.Id == subscriptionId && (s.SubscriberOrganizationId == organizationId || s.ProviderOrganizationId == organizationId)
                         select new { s, p }).FirstOrDefaultAsync(ct);
        return row is null ? null : (row.s, row.p);
    }

    public async Task<IReadOnlyList<SubscriptionInvoice>> InvoicesAsync(Guid subscriptionId, CancellationToken ct) =>
        await db.SubscriptionInvoices.AsNoTracking().Where(i => i.SubscriptionId == subscriptionId).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);

    // ---- inside ------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Charges an open invoice to the saved card (a new intent, or the invoice's intent confirmed again) and takes the
    /// outcome: paid, or a failed attempt with the next retry scheduled (dunning) or none left. Without a card the
    /// invoice waits for the customer on the hosted payment page. Returns whether the invoice is paid.
    /// </summary>
    private async Task<Collected> CollectAsync(Subscription subscription, SubscriptionInvoice invoice, Plan plan, CancellationToken ct, bool retryOnFailure = true)
    {
        if (invoice.AmountDue < PaymentService.MinAmount)
        {
            // Stripe's rule for an amount under the minimum charge: the invoice is closed and the amount carried forward.
            if (invoice.AmountDue > 0)
            {
                subscription.AddToBalance(invoice.AmountDue, Now);
            }
            MarkPaid(subscription, invoice, null);
            Announce(subscription, plan);
            await db.SaveChangesAsync(ct);
            return new(true, subscription, invoice);
        }
        PaymentResult result;
        var method = subscription.PaymentMethod;
        if (invoice.PaymentIntentId is { } intentId)
        {
            if (method is null)
            {
                return new(false, subscription, invoice);
            }
            result = await payments.ConfirmAsync(subscription.ProviderOrganizationId, intentId, method, ct);
        }
        else
        {
            result = await payments.CreateIntentAsync(subscription.ProviderOrganizationId, new NewPaymentIntent(
                invoice.AmountDue, invoice.Currency, "automatic", method, Confirm: method is not null, CustomerId: subscription.CustomerId,
                Description: $"{plan.Name}: {invoice.PeriodStart:yyyy-MM-dd} to {invoice.PeriodEnd:yyyy-MM-dd}", Reference: ReferencePrefix + invoice.Id), ct);
        }
        if (db.Entry(invoice).State == EntityState.Detached || db.Entry(subscription).State == EntityState.Detached)
        {
            // The payment service retried past a concurrent write (a webhook) and cleared the change tracker; both rows
            // were saved before the call, so read them again.
            invoice = await db.SubscriptionInvoices.FirstAsync(i => i.Id == invoice.Id, ct);
            subscription = await db.Subscriptions.FirstAsync(s => s.Id == subscription.Id, ct);
        }
        var intent = result.Intent;
        if (intent is not null && invoice.PaymentIntentId is null)
        {
            invoice.AttachIntent(intent.Id);
        }
        var now = Now;
        if (intent?.Status == IntentStatus.Succeeded)
        {
            for (var round = 0; ; round++)
            {
                if (invoice.IsOpen)
                {
                    MarkPaid(subscription, invoice, intent.PaymentMethod);
                    Announce(subscription, plan);
                }
                try
                {
                    await db.SaveChangesAsync(ct);
                    return new(true, subscription, invoice);
                }
                catch (DbUpdateConcurrencyException) when (round < 3)
                {
                    // The intent's PaymentIntentStatusChanged handler marked the invoice paid first: read both again.
                    db.ChangeTracker.Clear();
                    invoice = await db.SubscriptionInvoices.FirstAsync(i => i.Id == invoice.Id, ct);
                    subscription = await db.Subscriptions.FirstAsync(s => s.Id == subscription.Id, ct);
                }
            }
        }
        if (method is null)
        {
            // No card yet (a first payment, or a trial that ended without one: Stripe's missing_payment_method
            // "create_invoice"): the customer pays on the hosted page, and that card then pays the renewals.
            invoice.AwaitCustomer(intent is null ? null : $"/Payments/Pay/{intent.Id}");
            if (invoice.BillingReason == BillingReason.Cycle)
            {
                subscription.PaymentFailed(retriesLeft: false, now);
                Announce(subscription, plan);
            }
            await db.SaveChangesAsync(ct);
            return new(false, subscription, invoice);
        }
        var error = intent?.LastPaymentError ?? result.Conflict
            ?? (intent?.Status == IntentStatus.RequiresAction ? "authentication_required: the bank asks the cardholder to confirm the payment" : "the payment did not go through");
        var payUrl = intent?.NextActionUrl ?? (intent is null ? null : $"/Payments/Pay/{intent.Id}");
        var attempt = invoice.AttemptCount + 1;
        var delays = options.Subscriptions.RetryHours;
        DateTime? next = retryOnFailure && invoice.BillingReason == BillingReason.Cycle && attempt <= delays.Length ? now.AddHours(delays[attempt - 1]) : null;
        invoice.Failed(error, payUrl, next);
        if (retryOnFailure)
        {
            subscription.PaymentFailed(next is not null, now);
            Announce(subscription, plan);
        }
        if (next is { } at)
        {
            jobs.Enqueue(db, subscription.ProviderOrganizationId, new SubscriptionRetryJob(invoice.Id, invoice.AttemptCount), at);
        }
        await db.SaveChangesAsync(ct);
        return new(false, subscription, invoice);
    }

    private sealed record Collected(bool Paid, Subscription Subscription, SubscriptionInvoice Invoice);

    private void MarkPaid(Subscription subscription, SubscriptionInvoice invoice, string? paymentMethod)
    {
        var now = Now;
        invoice.MarkPaid(now);
        subscription.Paid(now);
        if (subscription.PaymentMethod is null && paymentMethod is not null)
        {
            // The card the customer paid the first invoice with on the hosted page is the one renewals use.
            subscription.UsePaymentMethod(paymentMethod, now);
        }
        if (subscription.IsDue(now))
        {
            ScheduleRenewal(subscription);
        }
    }

    private async Task EndAsync(Subscription subscription, string reason, CancellationToken ct, DateTime? at = null)
    {
        subscription.End(reason, at ?? Now);
        foreach (var open in await db.SubscriptionInvoices.Where(i => i.SubscriptionId == subscription.Id && i.Status == "open").ToListAsync(ct))
        {
            open.Void();
            if (open.PaymentIntentId is { } intentId && await payments.FindAsync(subscription.ProviderOrganizationId, intentId, ct) is { } intent
                && intent.Status is IntentStatus.RequiresPaymentMethod or IntentStatus.RequiresConfirmation or IntentStatus.RequiresAction)
            {
                await payments.CancelAsync(subscription.ProviderOrganizationId, intentId, ct);
            }
        }
    }

    private void ScheduleRenewal(Subscription subscription) =>
        jobs.Enqueue(db, subscription.ProviderOrganizationId, new SubscriptionRenewalJob(subscription.Id, subscription.CurrentPeriodEnd), subscription.CurrentPeriodEnd);

    private void Announce(Subscription subscription, Plan plan) =>
        db.AddOutboxEvent(new SubscriptionChanged(subscription.Id, subscription.ProviderOrganizationId, subscription.SubscriberOrganizationId, plan.Code,
            subscription.Status, SubscriptionStatus.Grants(subscription.Status), subscription.CancelAtPeriodEnd, subscription.CurrentPeriodEnd) { OccurredAt = time.GetUtcNow() });

    private async Task<Plan> PlanAsync(Guid planId, CancellationToken ct) => await db.Plans.AsNoTracking().FirstAsync(p => p.Id == planId, ct);

    private Task<Subscription?> OwnedAsync(Guid subscriberOrganizationId, Guid subscriptionId, CancellationToken ct) =>
        db.Subscriptions.FirstOrDefaultAsync(s => s.Id == subscriptionId && s.SubscriberOrganizationId == subscriberOrganizationId, ct);

    private static string PeriodLine(Plan plan, string interval, DateTime start, DateTime end) =>
        $"{plan.Name}, {(interval == Interval.Year ? "annual" : "monthly")}: {start:yyyy-MM-dd} to {end:yyyy-MM-dd}";

    private static decimal Fraction(TimeSpan part, TimeSpan whole) =>
        whole <= TimeSpan.Zero ? 0m : Math.Clamp((decimal)part.Ticks / whole.Ticks, 0m, 1m);

    private static long RoundHalfAway(decimal amount) => (long)Math.Round(amount, MidpointRounding.AwayFromZero);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,39}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,59}$")]
    private static partial Regex FeaturePattern();

    private static Regex CurrencyPattern() => PaymentService.CurrencyPattern();

    private static Regex PaymentMethodPattern() => PaymentService.PaymentMethodPattern();
}
