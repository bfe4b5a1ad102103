using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Modules.Payments.Webhooks;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments;

public sealed record CreateIntentRequest(
    long? Amount, string? Currency, string? CaptureMethod, string? PaymentMethod, bool? Confirm, long? ApplicationFeeAmount,
    Guid? TransferDestination, Guid? CustomerId, string? Description, string? Reference = null);
public sealed record ConfirmIntentRequest(string? PaymentMethod);
public sealed record CaptureIntentRequest(long? AmountToCapture);
public sealed record RefundIntentRequest(long? Amount, string? Reason);
public sealed record CreatePayoutRequest(long? Amount, string? Currency);
public sealed record ReconcileRequest(DateTime? Since);
public sealed record PayoutResponse(Guid Id, long Amount, string Currency, string Status, bool Automatic, string? ProcessorId, string? FailureCode, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static PayoutResponse From(Payout p) => new(p.Id, p.Amount, p.Currency, p.Status, p.Automatic, p.ProcessorId, p.FailureCode, p.CreatedAt, p.UpdatedAt);
}
public sealed record RefundResponse(Guid Id, Guid IntentId, string ProcessorId, long Amount, long PayeeAmount, string Currency, string? Reason, string Status, DateTime CreatedAt)
{
    public static RefundResponse From(Refund r) => new(r.Id, r.IntentId, r.ProcessorId, r.Amount, r.PayeeAmount, r.Currency, r.Reason, r.Status, r.CreatedAt);
}
public sealed record BalanceResponse(Guid OrganizationId, IReadOnlyList<AccountBalance> Accounts);

/// <summary>
/// /api/v1/payments: intents (create, confirm, capture, cancel, refund), the organisation's balance and statement,
/// payouts, and the processors' webhooks. Every POST of the organisation API accepts Idempotency-Key.
/// </summary>
public static class PaymentEndpoints
{
    public static IEndpointRouteBuilder MapPaymentEndpoints(this IEndpointRouteBuilder routes)
    {
        var payments = routes.MapTenantApi("/api/v1/payments", "Payments").WithIdempotency();
        payments.MapPost("/intents", Create).RequirePermission(PaymentsPermissions.Charge);
        payments.MapGet("/intents", List).RequirePermission(PaymentsPermissions.View);
        payments.MapGet("/intents/{id:guid}", Get).RequirePermission(PaymentsPermissions.View);
        payments.MapPost("/intents/{id:guid}/confirm", Confirm).RequirePermission(PaymentsPermissions.Charge);
        payments.MapPost("/intents/{id:guid}/capture", Capture).RequirePermission(PaymentsPermissions.Charge);
        payments.MapPost("/intents/{id:guid}/cancel", Cancel).RequirePermission(PaymentsPermissions.Charge);
        payments.MapPost("/intents/{id:guid}/refunds", RefundIntent).RequirePermission(PaymentsPermissions.Refund);
        payments.MapGet("/intents/{id:guid}/refunds", Refunds).RequirePermission(PaymentsPermissions.View);
        payments.MapGet("/balance", Balance).RequirePermission(PaymentsPermissions.View);
        payments.MapGet("/statement", Statement).RequirePermission(PaymentsPermissions.View);
        payments.MapPost("/payouts", CreatePayout).RequirePermission(PaymentsPermissions.Payout);
        payments.MapGet("/payouts", Payouts).RequirePermission(PaymentsPermissions.View);
        payments.MapPost("/reconciliations", Reconcile).RequirePermission(PaymentsPermissions.Refund);

        routes.MapPost("/api/v1/payments/webhooks/{source}", Webhook).WithTags("Payments").AllowAnonymous().DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> Create(CreateIntentRequest request, OrganizationScope scope, PaymentService payments, CancellationToken ct)
    {
        if (request.Amount is null || request.Currency is null)
        {
            var check = new Validation().Require(request.Amount is not null, "amount", "amount is required (minor units).").Require(request.Currency is not null, "currency", "currency is required.");
            return Problems.Invalid(check.Errors);
        }
        var result = await Processor(() => payments.CreateIntentAsync(scope.OrganizationId, new NewPaymentIntent(
            request.Amount.Value, request.Currency, request.CaptureMethod ?? "automatic", request.PaymentMethod, request.Confirm ?? false,
            request.ApplicationFeeAmount ?? 0, request.TransferDestination, request.CustomerId, request.Description, request.Reference), ct));
        return result is PaymentResult { Intent: { } intent } ? TypedResults.Created($"/api/v1/payments/intents/{intent.Id}", intent) : ToResult(result);
    }

    private static async Task<IResult> List(OrganizationScope scope, PaymentService payments, CancellationToken ct, int? page = null, int? pageSize = null, string? status = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        check.Require(status is null || IntentStatus.Rank(status) >= 0, "status", "status must be one of Stripe's PaymentIntent statuses.");
        return check.IsValid ? TypedResults.Ok(await payments.ListAsync(scope.OrganizationId, paging, status, ct)) : Problems.Invalid(check.Errors);
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        await payments.FindAsync(scope.OrganizationId, id, ct) is { } intent ? TypedResults.Ok(intent) : Problems.NotFound("No such payment intent.");

    private static async Task<IResult> Confirm(Guid id, [FromBody] ConfirmIntentRequest? request, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        ToResult(await Processor(() => payments.ConfirmAsync(scope.OrganizationId, id, request?.PaymentMethod, ct)));

    private static async Task<IResult> Capture(Guid id, [FromBody] CaptureIntentRequest? request, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        ToResult(await Processor(() => payments.CaptureAsync(scope.OrganizationId, id, request?.AmountToCapture, ct)));

    private static async Task<IResult> Cancel(Guid id, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        ToResult(await Processor(() => payments.CancelAsync(scope.OrganizationId, id, ct)));

    private static async Task<IResult> RefundIntent(Guid id, [FromBody] RefundIntentRequest? request, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        ToResult(await Processor(() => payments.RefundAsync(scope.OrganizationId, id, request?.Amount, request?.Reason, ct)));

    private static async Task<IResult> Refunds(Guid id, OrganizationScope scope, PaymentService payments, CancellationToken ct) =>
        await payments.FindAsync(scope.OrganizationId, id, ct) is null
            ? Problems.NotFound("No such payment intent.")
            : TypedResults.Ok((await payments.RefundsOfAsync(id, ct)).Select(RefundResponse.From).ToList());

    private static async Task<IResult> Balance(OrganizationScope scope, LedgerBook ledger, CancellationToken ct) =>
        TypedResults.Ok(new BalanceResponse(scope.OrganizationId, await ledger.BalancesAsync(AccountOwner.Organization, scope.OrganizationId, ct)));

    private static async Task<IResult> Statement(OrganizationScope scope, Statements statements, CancellationToken ct, string? currency = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        currency = currency?.Trim().ToLowerInvariant();
        check.Require(currency is null || (currency.Length == 3 && currency.All(char.IsAsciiLetterLower)), "currency", "currency must be a three-letter ISO 4217 code.");
        return check.IsValid ? TypedResults.Ok(await statements.OfAsync(AccountOwner.Organization, scope.OrganizationId, currency, paging, ct)) : Problems.Invalid(check.Errors);
    }

    private static async Task<IResult> CreatePayout(CreatePayoutRequest request, OrganizationScope scope, PayoutService payouts, CancellationToken ct)
    {
        var (payout, errors, conflict) = await payouts.CreateAsync(scope.OrganizationId, request.Amount, request.Currency, automatic: false, ct);
        return payout is not null ? TypedResults.Created($"/api/v1/payments/payouts/{payout.Id}", PayoutResponse.From(payout))
            : errors is not null ? Problems.Invalid(errors) : Problems.Conflict(conflict!);
    }

    private static async Task<IResult> Payouts(OrganizationScope scope, PayoutService payouts, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        return check.IsValid ? TypedResults.Ok((await payouts.ListAsync(scope.OrganizationId, paging, ct)).Map(PayoutResponse.From)) : Problems.Invalid(check.Errors);
    }

    /// <summary>Starts a reconciliation of the organisation's payments since a time (default: 30 days); the report is the job's result.</summary>
    private static async Task<IResult> Reconcile([FromBody] ReconcileRequest? request, OrganizationScope scope, PaymentsDbContext db, JobQueue jobs, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = request?.Since?.ToUniversalTime() ?? now.AddDays(-30);
        if (since > now || since < now.AddYears(-2))
        {
            return Problems.Invalid("since", "since must be within the last two years.");
        }
        var id = jobs.Enqueue(db, scope.OrganizationId, new Reconciliation.ReconcileJob(since));
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(id);
        return TypedResults.Accepted($"/api/v1/jobs/{id}", new { jobId = id });
    }

    /// <summary>Webhooks of the processors: the body is read raw (the signature covers its exact bytes).</summary>
    private static async Task<IResult> Webhook(string source, HttpRequest request, WebhookReceiver receiver, CancellationToken ct)
    {
        if (source is not ("builtin" or "stripe"))
        {
            return Problems.NotFound("No such webhook source.");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > 256 * 1024)
            {
                return Problems.TooLarge("A webhook event is at most 256 KiB.");
            }
        }
        var (outcome, detail) = await receiver.ReceiveAsync(source, buffer.ToArray(), request.Headers[WebhookSignature.Header].ToString(), ct);
        return outcome == WebhookOutcome.Rejected
            ? Problems.BadRequest(detail)
            : TypedResults.Ok(new { received = true, outcome = outcome.ToString().ToLowerInvariant(), detail });
    }

    private static IResult ToResult(object result) => result switch
    {
        IResult problem => problem,
        PaymentResult { Intent: { } intent } => TypedResults.Ok(intent),
        PaymentResult { Errors: { } errors } => Problems.Invalid(errors),
        PaymentResult { NotFound: true } => Problems.NotFound("No such payment intent."),
        PaymentResult { Conflict: { } conflict } => Problems.Conflict(conflict),
        _ => throw new InvalidOperationException("Unexpected payment result."),
    };

    /// <summary>A processor that cannot be reached is a 502 and a request it refuses a 409; either way nothing changed here.</summary>
    private static async Task<object> Processor(Func<Task<PaymentResult>> call)
    {
        try
        {
            return await call();
        }
        catch (ProcessorUnavailableException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Payment processor unavailable");
        }
        catch (ProcessorRejectedException e)
        {
            return Problems.Conflict(e.Message);
        }
    }
}
