using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Payments.Subscriptions;

/// <summary>Due at the end of a subscription's period (or trial).</summary>
public sealed record SubscriptionRenewalJob(Guid SubscriptionId, DateTime PeriodEnd);

/// <summary>A dunning retry of an open invoice, due at its next attempt; <c>Attempt</c> is the failed attempts so far.</summary>
public sealed record SubscriptionRetryJob(Guid InvoiceId, int Attempt);

public sealed class SubscriptionRenewalJobHandler(SubscriptionService subscriptions) : IJobHandler<SubscriptionRenewalJob>
{
    public async Task<object?> RunAsync(JobContext<SubscriptionRenewalJob> job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        return await subscriptions.RenewAsync(job.Payload.SubscriptionId, ct);
    }
}

public sealed class SubscriptionRetryJobHandler(SubscriptionService subscriptions) : IJobHandler<SubscriptionRetryJob>
{
    public async Task<object?> RunAsync(JobContext<SubscriptionRetryJob> job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        return await subscriptions.RetryAsync(job.Payload.InvoiceId, job.Payload.Attempt, ct);
    }
}

/// <summary>A subscription invoice's intent succeeded after the call that created it (hosted page, 3-D Secure, webhook).</summary>
public sealed class SubscriptionPaymentHandler(SubscriptionService subscriptions, PaymentService payments) : IIntegrationEventHandler<PaymentIntentStatusChanged>
{
    public async Task HandleAsync(PaymentIntentStatusChanged integrationEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent.Status != IntentStatus.Succeeded || integrationEvent.Reference is not { } reference
            || !reference.StartsWith(SubscriptionService.ReferencePrefix, StringComparison.Ordinal)
            || !Guid.TryParse(reference.AsSpan(SubscriptionService.ReferencePrefix.Length), out var invoiceId))
        {
            return;
        }
        var intent = await payments.FindAsync(integrationEvent.OrganizationId, integrationEvent.IntentId, ct);
        await subscriptions.PaidAsync(invoiceId, intent?.PaymentMethod, ct);
    }
}
