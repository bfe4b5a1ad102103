using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Inspections.Approval;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections;

public sealed record StartInspectionRequest(Guid? RepairOrderId, Guid? TemplateId);

public sealed record NarrationRequest(string? Text);

/// <param name="Hours">How long the link works; default Pitlane:Inspections:LinkHours.</param>
/// <param name="Send">Also send it to the customer (Messaging's "approval" template) when messaging is available.</param>
public sealed record ShareRequest(int? Hours, bool? Send, string? Channel);

/// <summary>Inspections of the request's organisation (X-Organization-Id). Another organisation's inspection is a 404.</summary>
public static class InspectionEndpoints
{
    public const string PublicRateLimitPolicy = "inspection-approval";

    public static IEndpointRouteBuilder MapInspectionEndpoints(this IEndpointRouteBuilder routes)
    {
        var limits = routes.ServiceProvider.GetRequiredService<IOptions<InspectionsOptions>>().Value;
        // Uploads take up to the video limit (plus slack, so this module's and the media store's own 413s, which say
        // what the limit is for, answer first) instead of the host's small default body limit.
        var uploadLimit = Math.Max(limits.MaxPhotoBytes, limits.MaxVideoBytes) + 1024 * 1024;
        var templates = routes.MapTenantApi("/api/v1/inspections/templates", "Inspections");
        templates.MapGet("/", ListTemplates).RequirePermission(InspectionsPermissions.View);
        templates.MapPost("/", CreateTemplate).RequirePermission(InspectionsPermissions.ManageTemplates);
        templates.MapPut("/{id:guid}", UpdateTemplate).RequirePermission(InspectionsPermissions.ManageTemplates);
        routes.MapTenantApi("/api/v1/inspections/measurements", "Inspections").MapGet("/", () => TypedResults.Ok(Measurements.All.Select(ResponseMapping.Of).ToList()))
            .RequirePermission(InspectionsPermissions.View);

        var inspections = routes.MapTenantApi("/api/v1/inspections", "Inspections");
        inspections.MapPost("/", Start).RequirePermission(InspectionsPermissions.Inspect);
        inspections.MapGet("/", List).RequirePermission(InspectionsPermissions.View);
        inspections.MapGet("/{id:guid}", Get).RequirePermission(InspectionsPermissions.View);
        inspections.MapPut("/{id:guid}/items/{itemId:guid}", Record).RequirePermission(InspectionsPermissions.Inspect);
        inspections.MapPost("/{id:guid}/items/{itemId:guid}/media", Upload).RequirePermission(InspectionsPermissions.Inspect).AcceptsBodyUpTo(uploadLimit)
            .Accepts<byte[]>("image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime", "video/webm", "application/octet-stream")
            .WithSummary("Adds a photo or a video to an item: the file is the request body (its type is read from its bytes). A video is converted by a job.");
        inspections.MapPost("/{id:guid}/complete", Complete).RequirePermission(InspectionsPermissions.Inspect);
        inspections.MapPost("/{id:guid}/narration", Narrate).RequirePermission(InspectionsPermissions.Send);
        inspections.MapPost("/{id:guid}/share", Share).RequirePermission(InspectionsPermissions.Send);
        inspections.MapPost("/{id:guid}/revoke", Revoke).RequirePermission(InspectionsPermissions.Send);
        inspections.MapGet("/{id:guid}/decisions", Decisions).RequirePermission(InspectionsPermissions.View);
        return routes;
    }

    private static async Task<Ok<List<TemplateResponse>>> ListTemplates(OrganizationScope scope, InspectionService service, CancellationToken ct) =>
        TypedResults.Ok((await service.TemplatesAsync(scope.OrganizationId, ct)).Select(TemplateResponse.From).ToList());

    private static async Task<Results<Created<TemplateResponse>, ValidationProblem, ProblemHttpResult>> CreateTemplate(
        TemplateInput request, OrganizationScope scope, InspectionService service, CancellationToken ct)
    {
        var outcome = await service.SaveTemplateAsync(scope.OrganizationId, null, request, ct);
        return outcome.Value is { } t ? TypedResults.Created($"/api/v1/inspections/templates/{t.Id}", TemplateResponse.From(t)) : Problems.Invalid(outcome.Errors!);
    }

    private static async Task<Results<Ok<TemplateResponse>, ValidationProblem, ProblemHttpResult>> UpdateTemplate(
        Guid id, TemplateInput request, OrganizationScope scope, InspectionService service, CancellationToken ct)
    {
        var outcome = await service.SaveTemplateAsync(scope.OrganizationId, id, request, ct);
        return outcome switch
        {
            { Value: { } t } => TypedResults.Ok(TemplateResponse.From(t)),
            { NotFound: true } => Problems.NotFound("No such template."),
            _ => Problems.Invalid(outcome.Errors!),
        };
    }

    private static async Task<Results<Created<InspectionResponse>, ValidationProblem>> Start(
        StartInspectionRequest request, OrganizationScope scope, InspectionService service, IMediaStore media, CancellationToken ct)
    {
        var outcome = await service.StartAsync(scope.OrganizationId, request.RepairOrderId, request.TemplateId, scope.UserId, ct);
        return outcome.Value is { } i
            ? TypedResults.Created($"/api/v1/inspections/{i.Id}", ResponseMapping.Inspection(media, i))
            : Problems.Invalid(outcome.Errors!);
    }

    private static async Task<Results<Ok<ListPage<InspectionSummaryResponse>>, ValidationProblem>> List(
        OrganizationScope scope, InspectionService service, CancellationToken ct, Guid? repairOrderId = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var found = await service.ListAsync(scope.OrganizationId, repairOrderId, paging.Skip, paging.PageSize, ct);
        var total = await service.CountAsync(scope.OrganizationId, repairOrderId, ct);
        return TypedResults.Ok(new ListPage<InspectionSummaryResponse>(found.Select(i => new InspectionSummaryResponse(
            i.Id, i.RepairOrderId, i.VehicleId, i.TemplateName, i.Status == InspectionStatus.Completed ? "completed" : "in_progress", i.CreatedAt,
            ResponseMapping.Count(i.Items))).ToList(), paging.Number, paging.PageSize, total));
    }

    private static async Task<Results<Ok<InspectionResponse>, ProblemHttpResult>> Get(
        Guid id, OrganizationScope scope, InspectionService service, IMediaStore media, CancellationToken ct) =>
        await service.FindAsync(scope.OrganizationId, id, ct) is { } i ? TypedResults.Ok(ResponseMapping.Inspection(media, i)) : Problems.NotFound("No such inspection.");

    /// <summary>409 when the rating was saved but the RO refused the proposed job (a locked RO): the detail says why.</summary>
    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> Record(
        Guid id, Guid itemId, ItemInput request, OrganizationScope scope, InspectionService service, IMediaStore media, CancellationToken ct)
    {
        var outcome = await service.RecordAsync(scope.OrganizationId, id, itemId, request, ct);
        return outcome switch
        {
            { NotFound: true } => Problems.NotFound("No such inspection item."),
            { Errors: { } errors } => Problems.Invalid(errors),
            { Conflict: { } conflict } => Problems.Conflict($"The rating was saved, but the job could not be added to the repair order: {conflict}"),
            _ => TypedResults.Ok(ResponseMapping.Item(media, outcome.Value!)),
        };
    }

    private static async Task<Results<Created<MediaResponse>, Accepted<MediaResponse>, ProblemHttpResult>> Upload(
        Guid id, Guid itemId, HttpContext http, OrganizationScope scope, InspectionService service, IMediaStore media, IOptions<InspectionsOptions> options,
        CancellationToken ct, string? name = null)
    {
        var max = Math.Max(options.Value.MaxPhotoBytes, options.Value.MaxVideoBytes);
        if (http.Request.ContentLength > max)
        {
            return Problems.TooLarge($"A file is at most {max / (1024 * 1024)} MB.");
        }
        if (name is { Length: > 200 })
        {
            return Problems.BadRequest("name is at most 200 characters.");
        }
        var outcome = await service.UploadAsync(scope.OrganizationId, id, itemId, http.Request.Body, name, scope.UserId, ct);
        return outcome switch
        {
            { NotFound: true } => Problems.NotFound("No such inspection item."),
            { RejectedStatus: { } status } => TypedResults.Problem(outcome.Rejected, statusCode: status, title: status switch
            {
                413 => "Payload too large",
                415 => "Unsupported media type",
                _ => "Bad request",
            }),
            { Value: { IsVideo: true } v } => TypedResults.Accepted($"/api/v1/jobs/{v.JobId}", ResponseMapping.Media(media, v)),
            _ => TypedResults.Created($"/api/v1/inspections/{id}", ResponseMapping.Media(media, outcome.Value!)),
        };
    }

    private static async Task<Results<Ok<InspectionResponse>, ProblemHttpResult>> Complete(
        Guid id, OrganizationScope scope, InspectionService service, IMediaStore media, CancellationToken ct)
    {
        var outcome = await service.CompleteAsync(scope.OrganizationId, id, ct);
        return outcome.Value is { } i ? TypedResults.Ok(ResponseMapping.Inspection(media, i)) : Problems.NotFound("No such inspection.");
    }

    private static async Task<Results<Accepted<InspectionResponse>, ValidationProblem, ProblemHttpResult>> Narrate(
        Guid id, NarrationRequest? request, OrganizationScope scope, InspectionService service, IVehicleDirectory vehicles, IMediaStore media,
        Narration.NarrationWriter writer, CancellationToken ct)
    {
        if (await service.FindAsync(scope.OrganizationId, id, ct) is not { } found)
        {
            return Problems.NotFound("No such inspection.");
        }
        var vehicle = await vehicles.FindAsync(scope.OrganizationId, found.VehicleId, ct);
        var outcome = await service.NarrateAsync(scope.OrganizationId, id, request?.Text, vehicle?.Title ?? "vehicle", writer, ct);
        return outcome switch
        {
            { Value: { } i } => TypedResults.Accepted($"/api/v1/jobs/{i.NarrationJobId}", ResponseMapping.Inspection(media, i)),
            { Errors: { } errors } => Problems.Invalid(errors),
            _ => Problems.NotFound("No such inspection."),
        };
    }

    private static async Task<Results<Ok<ShareLinkResponse>, ValidationProblem, ProblemHttpResult>> Share(
        Guid id, ShareRequest? request, HttpContext http, OrganizationScope scope, ApprovalService approvals, IOptions<PitlaneOptions> platform, CancellationToken ct)
    {
        var outcome = await approvals.ShareAsync(scope.OrganizationId, id, request?.Hours, request?.Send == true, request?.Channel,
            platform.Value.BaseUrlFor(http.Request), scope.UserId, ct);
        return outcome switch
        {
            { Value: { } link } => TypedResults.Ok(link),
            { Errors: { } errors } => Problems.Invalid(errors),
            _ => Problems.NotFound("No such inspection."),
        };
    }

    private static async Task<Results<Ok<InspectionResponse>, ProblemHttpResult>> Revoke(
        Guid id, OrganizationScope scope, ApprovalService approvals, InspectionService service, IMediaStore media, CancellationToken ct)
    {
        if (await approvals.RevokeAsync(scope.OrganizationId, id, ct) is null)
        {
            return Problems.NotFound("No such inspection.");
        }
        return TypedResults.Ok(ResponseMapping.Inspection(media, (await service.FindAsync(scope.OrganizationId, id, ct))!));
    }

    private static async Task<Results<Ok<List<DecisionResponse>>, ProblemHttpResult>> Decisions(
        Guid id, OrganizationScope scope, InspectionService service, CancellationToken ct)
    {
        if (await service.FindAsync(scope.OrganizationId, id, ct) is null)
        {
            return Problems.NotFound("No such inspection.");
        }
        return TypedResults.Ok((await service.DecisionsAsync(scope.OrganizationId, id, ct))
            .Select(d => new DecisionResponse(d.Id, d.JobId, d.Approved, d.SignedName, d.IpAddress, d.DecidedAt, d.Outcome)).ToList());
    }
}
