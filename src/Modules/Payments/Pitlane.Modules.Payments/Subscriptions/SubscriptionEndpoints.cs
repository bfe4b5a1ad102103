using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Subscriptions;

public sealed record SubscribeRequest(Guid? PlanId, string? Interval, string? PaymentMethod);
public sealed record CancelSubscriptionRequest(bool? AtPeriodEnd);
public sealed record ChangePlanRequest(Guid? PlanId, string? Interval);
public sealed record PaymentMethodRequest(string? PaymentMethod);

public sealed record PlanResponse(Guid Id, Guid ProviderOrganizationId, string Code, string Name, string? Description, string Currency, long? MonthlyAmount,
    long? AnnualAmount, int TrialDays, IReadOnlyDictionary<string, long> Entitlements, bool Active, DateTime CreatedAt)
{
    public static PlanResponse Of(Plan p) => new(p.Id, p.ProviderOrganizationId, p.Code, p.Name, p.Description, p.Currency, p.MonthlyAmount, p.AnnualAmount,
        p.TrialDays, p.Entitlements, p.Active, p.CreatedAt);
}

public sealed record InvoiceResponse(Guid Id, Guid SubscriptionId, string BillingReason, DateTime PeriodStart, DateTime PeriodEnd, IReadOnlyList<InvoiceLine> Lines,
    long Subtotal, long BalanceApplied, long AmountDue, string Currency, string Status, int AttemptCount, DateTime? NextAttemptAt, Guid? PaymentIntentId,
    string? LastError, string? PayUrl, DateTime CreatedAt, DateTime? PaidAt)
{
    public static InvoiceResponse Of(SubscriptionInvoice i) => new(i.Id, i.SubscriptionId, i.BillingReason, i.PeriodStart, i.PeriodEnd, i.Lines, i.Subtotal,
        i.BalanceApplied, i.AmountDue, i.Currency, i.Status, i.AttemptCount, i.NextAttemptAt, i.PaymentIntentId, i.LastError, i.PayUrl, i.CreatedAt, i.PaidAt);
}

public sealed record SubscriptionResponse(Guid Id, Guid ProviderOrganizationId, Guid SubscriberOrganizationId, Guid PlanId, string PlanCode, string PlanName,
    string Interval, long Price, string Currency, string Status, bool GrantsEntitlements, DateTime CurrentPeriodStart, DateTime CurrentPeriodEnd, DateTime? TrialEnd,
    bool CancelAtPeriodEnd, DateTime? CanceledAt, DateTime? EndedAt, string? EndReason, long Balance, bool HasPaymentMethod, InvoiceResponse? LatestInvoice,
    DateTime CreatedAt)
{
    public static SubscriptionResponse Of(Subscription s, Plan p, SubscriptionInvoice? latest = null) => new(s.Id, s.ProviderOrganizationId, s.SubscriberOrganizationId,
        s.PlanId, p.Code, p.Name, s.Interval, p.AmountFor(s.Interval) ?? 0, s.Currency, s.Status, SubscriptionStatus.Grants(s.Status), s.CurrentPeriodStart,
        s.CurrentPeriodEnd, s.TrialEnd, s.CancelAtPeriodEnd, s.CanceledAt, s.EndedAt, s.EndReason, s.Balance, s.PaymentMethod is not null,
        latest is null ? null : InvoiceResponse.Of(latest), s.CreatedAt);
}

/// <summary>
/// /api/v1/payments: plans (the provider's), subscriptions (the subscriber's), their invoices, and entitlements. The
/// organisation in X-Organization-Id is the provider for plans and subscribers, the subscriber for the rest.
/// </summary>
public static class SubscriptionEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapTenantApi("/api/v1/payments", "Subscriptions").WithIdempotency();
        api.MapPost("/plans", CreatePlan).RequirePermission(PaymentsPermissions.ManagePlans);
        api.MapGet("/plans", Plans).RequirePermission(PaymentsPermissions.View);
        api.MapPost("/plans/{id:guid}/retire", Retire).RequirePermission(PaymentsPermissions.ManagePlans);
        api.MapGet("/providers/{providerId:guid}/plans", Offered);
        api.MapGet("/subscribers", Subscribers).RequirePermission(PaymentsPermissions.View);
        api.MapPost("/subscriptions", Subscribe).RequirePermission(PaymentsPermissions.Subscribe);
        api.MapGet("/subscriptions", Mine).RequirePermission(PaymentsPermissions.View);
        api.MapGet("/subscriptions/{id:guid}", Get).RequirePermission(PaymentsPermissions.View);
        api.MapGet("/subscriptions/{id:guid}/invoices", Invoices).RequirePermission(PaymentsPermissions.View);
        api.MapPost("/subscriptions/{id:guid}/cancel", Cancel).RequirePermission(PaymentsPermissions.Subscribe);
        api.MapPost("/subscriptions/{id:guid}/resume", Resume).RequirePermission(PaymentsPermissions.Subscribe);
        api.MapPost("/subscriptions/{id:guid}/change", Change).RequirePermission(PaymentsPermissions.Subscribe);
        api.MapPost("/subscriptions/{id:guid}/payment-method", UsePaymentMethod).RequirePermission(PaymentsPermissions.Subscribe);
        api.MapGet("/entitlements", Entitlements);
        return routes;
    }

    private static async Task<IResult> CreatePlan(NewPlan request, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct)
    {
        var (plan, errors, conflict) = await subscriptions.CreatePlanAsync(scope.OrganizationId, request, ct);
        return plan is not null ? TypedResults.Created($"/api/v1/payments/plans/{plan.Id}", PlanResponse.Of(plan))
            : errors is not null ? Problems.Invalid(errors) : Problems.Conflict(conflict!);
    }

    private static async Task<IResult> Plans(OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.PlansOfAsync(scope.OrganizationId, activeOnly: false, ct)).Select(PlanResponse.Of));

    /// <summary>A provider's plans open to subscribers: the price list any signed-in organisation may read.</summary>
    private static async Task<IResult> Offered(Guid providerId, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.PlansOfAsync(providerId, activeOnly: true, ct)).Select(PlanResponse.Of));

    private static async Task<IResult> Retire(Guid id, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        await subscriptions.RetirePlanAsync(scope.OrganizationId, id, ct) is { } plan ? TypedResults.Ok(PlanResponse.Of(plan)) : Problems.NotFound("No such plan.");

    private static async Task<IResult> Subscribers(OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.SubscribersOfAsync(scope.OrganizationId, ct)).Select(r => SubscriptionResponse.Of(r.Subscription, r.Plan)));

    private static async Task<IResult> Subscribe(SubscribeRequest request, OrganizationScope scope, HttpContext http, SubscriptionService subscriptions, CancellationToken ct)
    {
        if (http.User.UserId() is not { } user)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        return await Answer(() => subscriptions.SubscribeAsync(scope.OrganizationId, user, request.PlanId, request.Interval, request.PaymentMethod, ct),
            scope, subscriptions, created: true, ct);
    }

    private static async Task<IResult> Mine(OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.SubscriptionsOfAsync(scope.OrganizationId, ct)).Select(r => SubscriptionResponse.Of(r.Subscription, r.Plan)));

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct)
    {
        if (await subscriptions.FindAsync(scope.OrganizationId, id, ct) is not { } found)
        {
            return Problems.NotFound("No such subscription.");
        }
        var latest = (await subscriptions.InvoicesAsync(id, ct)).FirstOrDefault();
        return TypedResults.Ok(SubscriptionResponse.Of(found.Subscription, found.Plan, latest));
    }

    private static async Task<IResult> Invoices(Guid id, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        await subscriptions.FindAsync(scope.OrganizationId, id, ct) is null
            ? Problems.NotFound("No such subscription.")
            : TypedResults.Ok((await subscriptions.InvoicesAsync(id, ct)).Select(InvoiceResponse.Of));

    private static Task<IResult> Cancel(Guid id, CancelSubscriptionRequest? request, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        Answer(() => subscriptions.CancelAsync(scope.OrganizationId, id, request?.AtPeriodEnd ?? true, ct), scope, subscriptions, created: false, ct);

    private static Task<IResult> Resume(Guid id, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        Answer(() => subscriptions.ResumeAsync(scope.OrganizationId, id, ct), scope, subscriptions, created: false, ct);

    private static Task<IResult> Change(Guid id, ChangePlanRequest request, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        Answer(() => subscriptions.ChangePlanAsync(scope.OrganizationId, id, request.PlanId, request.Interval, ct), scope, subscriptions, created: false, ct);

    private static Task<IResult> UsePaymentMethod(Guid id, PaymentMethodRequest request, OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct) =>
        Answer(() => subscriptions.UpdatePaymentMethodAsync(scope.OrganizationId, id, request.PaymentMethod, ct), scope, subscriptions, created: false, ct);

    private static async Task<IResult> Entitlements(OrganizationScope scope, SubscriptionService subscriptions, CancellationToken ct, Guid? provider = null) =>
        TypedResults.Ok(await subscriptions.EntitlementsAsync(scope.OrganizationId, provider, ct));

    /// <summary>
    /// The subscription as it is after the change (read again: a payment may have moved it on), or the problem. A
    /// processor that cannot be reached is a 502 and one that refuses the request a 409, as for intents.
    /// </summary>
    private static async Task<IResult> Answer(Func<Task<SubscriptionResult>> change, OrganizationScope scope, SubscriptionService subscriptions, bool created, CancellationToken ct)
    {
        SubscriptionResult result;
        try
        {
            result = await change();
        }
        catch (ProcessorUnavailableException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Payment processor unavailable");
        }
        catch (ProcessorRejectedException e)
        {
            return Problems.Conflict(e.Message);
        }
        if (result.Errors is { } errors)
        {
            return Problems.Invalid(errors);
        }
        if (result.NotFound)
        {
            return Problems.NotFound("No such subscription.");
        }
        if (result.Subscription is not { } subscription)
        {
            return Problems.Conflict(result.Conflict ?? "The subscription cannot change that way.");
        }
        var found = await subscriptions.FindAsync(scope.OrganizationId, subscription.Id, ct);
        var latest = (await subscriptions.InvoicesAsync(subscription.Id, ct)).FirstOrDefault();
        var body = SubscriptionResponse.Of(found!.Value.Subscription, found.Value.Plan, latest);
        return created ? TypedResults.Created($"/api/v1/payments/subscriptions/{subscription.Id}", body) : TypedResults.Ok(body);
    }
}
