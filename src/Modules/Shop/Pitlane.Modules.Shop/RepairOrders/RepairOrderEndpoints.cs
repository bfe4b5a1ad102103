using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.RepairOrders;

public sealed record OpenOrderRequest(Guid? CustomerId, Guid? VehicleId, int? OdometerKm);

public sealed record JobRequest(string? Title, string? Concern, string? Cause, IReadOnlyList<NewShopLaborLine>? Labor, IReadOnlyList<NewShopPartLine>? Parts);

public sealed record DescribeJobRequest(string? Concern, string? Cause, string? Correction);

public sealed record DecisionRequest(IReadOnlyList<Guid>? JobIds);

public sealed record AssignRequest(Guid? TechnicianId, Guid? BayId);

public sealed record WorkRequest(string? State);

public sealed record RecordPaymentRequest(string? Method, long? Amount, string? Reference);

public sealed record CreditNoteRequest(long? Amount, string? Reason);

public sealed record PaymentLinkResponse(Guid PaymentIntentId, long Amount, string Currency, string Status, string PayUrl);

/// <summary>/api/v1/shop/orders: repair orders of the request's organisation; another organisation's RO is a 404.</summary>
public static class RepairOrderEndpoints
{
    private const string NoSuchOrder = "No such repair order.";

    public static IEndpointRouteBuilder MapRepairOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapTenantApi("/api/v1/shop/orders", "Shop");
        orders.MapPost("/", Open).RequirePermission(ShopPermissions.WriteOrders).WithIdempotency();
        orders.MapGet("/", List).RequirePermission(ShopPermissions.View);
        orders.MapGet("/{id:guid}", Get).RequirePermission(ShopPermissions.View);
        orders.MapGet("/{id:guid}/audit", Audit).RequirePermission(ShopPermissions.View);
        orders.MapPost("/{id:guid}/jobs", AddJob).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPost("/{id:guid}/canned-jobs/{cannedId:guid}", AddCannedJob).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPatch("/{id:guid}/jobs/{jobId:guid}", DescribeJob).RequirePermission(ShopPermissions.WorkJobs);
        orders.MapPost("/{id:guid}/jobs/{jobId:guid}/lines", AddLine).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapDelete("/{id:guid}/jobs/{jobId:guid}/lines/{lineId:guid}", RemoveLine).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPost("/{id:guid}/authorise", Authorise).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPost("/{id:guid}/decline", Decline).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPost("/{id:guid}/assign", Assign).RequirePermission(ShopPermissions.WriteOrders);
        orders.MapPost("/{id:guid}/start", Start).RequirePermission(ShopPermissions.WorkJobs);
        orders.MapPost("/{id:guid}/jobs/{jobId:guid}/work", Work).RequirePermission(ShopPermissions.WorkJobs);
        orders.MapPost("/{id:guid}/complete", Complete).RequirePermission(ShopPermissions.WorkJobs);
        orders.MapPost("/{id:guid}/invoice", Invoice).RequirePermission(ShopPermissions.TakePayments);
        orders.MapGet("/{id:guid}/invoice.pdf", InvoicePdf).RequirePermission(ShopPermissions.View);
        orders.MapPost("/{id:guid}/payments", RecordPayment).RequirePermission(ShopPermissions.TakePayments).WithIdempotency();
        orders.MapPost("/{id:guid}/payment-link", PaymentLink).RequirePermission(ShopPermissions.TakePayments).WithIdempotency();
        orders.MapPost("/{id:guid}/payment-link/sync", SyncPayment).RequirePermission(ShopPermissions.TakePayments);
        orders.MapPost("/{id:guid}/credit-notes", CreditNote).RequirePermission(ShopPermissions.IssueCredit).WithIdempotency();
        orders.MapPost("/{id:guid}/close", Close).RequirePermission(ShopPermissions.TakePayments);
        return routes;
    }

    private static async Task<IResult> Open(OpenOrderRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.OpenAsync(scope.OrganizationId, scope.UserId, request.CustomerId, request.VehicleId, request.OdometerKm, ct))
        .Created(RepairOrderResponse.From, o => $"/api/v1/shop/orders/{o.Id}", NoSuchOrder);

    private static async Task<IResult> List(OrganizationScope scope, ShopDbContext db, CancellationToken ct, string? status = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        RepairOrderStatus? wanted = null;
        if (status is not null)
        {
            check.Require(Enum.TryParse<RepairOrderStatus>(status.Replace("_", "", StringComparison.Ordinal), true, out var parsed) && Enum.IsDefined(parsed), "status",
                "status is estimate, authorised, in_progress, completed, invoiced, paid or closed.");
            wanted = parsed;
        }
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var query = db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).Include(r => r.Payments).Include(r => r.CreditNotes).AsSplitQuery()
            .Where(r => r.OrganizationId == scope.OrganizationId && (wanted == null || r.Status == wanted));
        var found = await paging.ApplyAsync(query.OrderByDescending(r => r.Number), ct);
        return TypedResults.Ok(found.Map(RepairOrderResponse.From));
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        await orders.FindAsync(scope.OrganizationId, id, ct) is { } order ? TypedResults.Ok(RepairOrderResponse.From(order)) : Problems.NotFound(NoSuchOrder);

    private static async Task<IResult> Audit(Guid id, OrganizationScope scope, RepairOrders orders, ShopDbContext db, CancellationToken ct) =>
        await db.RepairOrders.AnyAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct)
            ? TypedResults.Ok((await orders.AuditOfAsync(scope.OrganizationId, RepairOrder.EntityType, id, ct)).Select(AuditResponse.From))
            : Problems.NotFound(NoSuchOrder);

    private static async Task<IResult> AddJob(Guid id, JobRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.AddJobAsync(scope.OrganizationId, id, new NewShopJob(request.Title ?? "", request.Concern, request.Cause, request.Labor ?? [], request.Parts ?? []), scope.UserId, ct))
        .Created(JobResponse.From, j => $"/api/v1/shop/orders/{id}", NoSuchOrder);

    private static async Task<IResult> AddCannedJob(Guid id, Guid cannedId, OrganizationScope scope, RepairOrders orders, ShopDbContext db, CancellationToken ct)
    {
        if (await db.CannedJobs.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cannedId && c.OrganizationId == scope.OrganizationId, ct) is not { } canned)
        {
            return Problems.NotFound("No such canned job.");
        }
        var job = JsonSerializer.Deserialize<NewShopJob>(canned.Definition, JsonSerializerOptions.Web)! with { Source = $"canned job {canned.Name}" };
        return (await orders.AddJobAsync(scope.OrganizationId, id, job, scope.UserId, ct)).Created(JobResponse.From, j => $"/api/v1/shop/orders/{id}", NoSuchOrder);
    }

    private static async Task<IResult> DescribeJob(Guid id, Guid jobId, DescribeJobRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Concern is null || request.Concern.Length <= RepairOrders.MaxText, "concern", $"concern is at most {RepairOrders.MaxText} characters.")
            .Require(request.Cause is null || request.Cause.Length <= RepairOrders.MaxText, "cause", $"cause is at most {RepairOrders.MaxText} characters.")
            .Require(request.Correction is null || request.Correction.Length <= RepairOrders.MaxText, "correction", $"correction is at most {RepairOrders.MaxText} characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return await Rule(orders, scope, id, (o, a) => o.Job(jobId) is null ? Missing : o.DescribeJob(jobId, request.Concern, request.Cause, request.Correction, a), ct);
    }

    private static async Task<IResult> AddLine(Guid id, Guid jobId, AddLineRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.AddLineAsync(scope.OrganizationId, id, jobId, request, scope.UserId, ct)).Created(LineResponse.From, l => $"/api/v1/shop/orders/{id}", "No such repair order or job.");

    private static Task<IResult> RemoveLine(Guid id, Guid jobId, Guid lineId, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        Rule(orders, scope, id, (o, a) => o.Job(jobId)?.Lines.Any(l => l.Id == lineId) == true ? o.RemoveLine(jobId, lineId, a) : Missing, ct);

    private static Task<IResult> Authorise(Guid id, DecisionRequest? request, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        Rule(orders, scope, id, (o, a) => o.Authorise(request?.JobIds, a), ct);

    private static async Task<IResult> Decline(Guid id, DecisionRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        request.JobIds is not { Count: > 0 }
            ? Problems.Invalid("jobIds", "Name the jobs the customer declined.")
            : await Rule(orders, scope, id, (o, a) => o.Decline(request.JobIds, a), ct);

    private static async Task<IResult> Assign(Guid id, AssignRequest request, OrganizationScope scope, RepairOrders orders, Bays.Bookings bays, CancellationToken ct)
    {
        if (request.BayId is { } bay && await bays.BayAsync(scope.OrganizationId, bay, ct) is null)
        {
            return Problems.Invalid("bayId", "No such bay in this shop.");
        }
        return await Rule(orders, scope, id, (o, a) => o.Assign(request.TechnicianId, request.BayId, a), ct);
    }

    private static Task<IResult> Start(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) => Rule(orders, scope, id, (o, a) => o.Start(a), ct);

    private static async Task<IResult> Work(Guid id, Guid jobId, WorkRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct)
    {
        var state = request.State switch { "in_progress" => JobStatus.InProgress, "done" => JobStatus.Done, _ => (JobStatus?)null };
        return state is null
            ? Problems.Invalid("state", "state is in_progress or done.")
            : await Rule(orders, scope, id, (o, a) => o.Job(jobId) is null ? Missing : o.SetJobWork(jobId, state.Value, a), ct);
    }

    private static Task<IResult> Complete(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) => Rule(orders, scope, id, (o, a) => o.Complete(a), ct);

    private static async Task<IResult> Invoice(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.InvoiceAsync(scope.OrganizationId, id, scope.UserId, ct)).Ok(RepairOrderResponse.From, NoSuchOrder);

    private static async Task<IResult> InvoicePdf(Guid id, OrganizationScope scope, InvoiceDocuments invoices, CancellationToken ct) =>
        await invoices.PdfAsync(scope.OrganizationId, id, ct) switch
        {
            { NotFound: true } => Problems.NotFound(NoSuchOrder),
            { Conflict: { } conflict } => Problems.Conflict(conflict),
            var pdf => TypedResults.File(pdf.Value!, "application/pdf", $"invoice-{id:N}.pdf"),
        };

    private static async Task<IResult> RecordPayment(Guid id, RecordPaymentRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Method is "cash" or "card", "method", "method is cash or card (the shop's own terminal); for online payment send a payment link.")
            .Require(request.Amount is > 0, "amount", "amount (minor units) must be above 0.")
            .Require(request.Reference is null || request.Reference.Length <= 200, "reference", "reference is at most 200 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return await Rule(orders, scope, id, (o, a) => o.RecordPayment(request.Method!, request.Amount!.Value, request.Reference?.Trim(), null, a).Conflict, ct);
    }

    private static async Task<IResult> PaymentLink(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.CreatePaymentLinkAsync(scope.OrganizationId, id, ct))
        .Created(i => new PaymentLinkResponse(i.Id, i.Amount, i.Currency, i.Status, i.NextActionUrl ?? $"/Payments/Pay/{i.Id}"), _ => $"/api/v1/shop/orders/{id}", NoSuchOrder);

    private static async Task<IResult> SyncPayment(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) =>
        (await orders.SyncOnlinePaymentAsync(scope.OrganizationId, id, ct)).Ok(RepairOrderResponse.From, NoSuchOrder);

    private static async Task<IResult> CreditNote(Guid id, CreditNoteRequest request, OrganizationScope scope, RepairOrders orders, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Amount is > 0, "amount", "amount (minor units) must be above 0.")
            .Require(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Trim().Length <= 500, "reason", "Give the reason for the credit, at most 500 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return await Rule(orders, scope, id, (o, a) => o.IssueCreditNote($"CN-{o.Number:D5}-{o.CreditNotes.Count + 1}", request.Amount!.Value, request.Reason!.Trim(), a).Conflict, ct);
    }

    private static Task<IResult> Close(Guid id, OrganizationScope scope, RepairOrders orders, CancellationToken ct) => Rule(orders, scope, id, (o, a) => o.Close(a), ct);

    /// <summary>The rule's answer for "that job or line is not on this RO": a 404 rather than a 409.</summary>
    private const string Missing = "\u0000missing";

    private static async Task<IResult> Rule(RepairOrders orders, OrganizationScope scope, Guid id, Func<RepairOrder, Actor, string?> rule, CancellationToken ct)
    {
        var outcome = await orders.ChangeAsync(scope.OrganizationId, id, scope.UserId, rule, ct);
        return outcome.Conflict == Missing ? Problems.NotFound("No such job or line on this repair order.") : outcome.Ok(RepairOrderResponse.From, NoSuchOrder);
    }
}
