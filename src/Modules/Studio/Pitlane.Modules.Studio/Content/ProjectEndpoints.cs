using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio;

public sealed record EditPieceRequest(string? Text);

public sealed record PublishRequest(bool AcknowledgeFlags);

/// <summary>Content projects of the request's organisation. Another organisation's project is a 404.</summary>
public static class ProjectEndpoints
{
    public static IEndpointRouteBuilder MapProjectEndpoints(this IEndpointRouteBuilder routes)
    {
        var projects = routes.MapTenantApi("/api/v1/studio/projects", "Studio");
        projects.MapPost("/", Create).RequirePermission(StudioPermissions.Edit);
        projects.MapGet("/", List).RequirePermission(StudioPermissions.View);
        projects.MapGet("/{id:guid}", Get).RequirePermission(StudioPermissions.View);
        projects.MapPut("/{id:guid}/pieces/{platform}", Edit).RequirePermission(StudioPermissions.Edit);
        projects.MapPost("/{id:guid}/submit", Submit).RequirePermission(StudioPermissions.Edit);
        projects.MapPost("/{id:guid}/return", Return).RequirePermission(StudioPermissions.Approve);
        projects.MapPost("/{id:guid}/publish", Publish).RequirePermission(StudioPermissions.Approve);
        projects.MapGet("/platforms", (HttpContext _) => TypedResults.Ok(Platforms.All)).RequirePermission(StudioPermissions.View);
        return routes;
    }

    private static async Task<Results<Created<ProjectResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProjectRequest request, OrganizationScope scope, StudioContent content, CancellationToken ct)
    {
        var (outcome, errors) = await content.CreateAsync(scope.OrganizationId, request, ct);
        if (errors is not null)
        {
            return Problems.Invalid(errors);
        }

        return outcome.Project is { } project
            ? TypedResults.Created($"/api/v1/studio/projects/{project.Id}", ProjectResponse.From(project))
            : TypedResults.Problem(outcome.Error, statusCode: outcome.Status);
    }

    private static async Task<Ok<IReadOnlyList<ProjectResponse>>> List(OrganizationScope scope, StudioContent content, CancellationToken ct, Guid? vehicleId = null) =>
        TypedResults.Ok((IReadOnlyList<ProjectResponse>)(await content.ListAsync(scope.OrganizationId, vehicleId, ct)).Select(ProjectResponse.From).ToList());

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, StudioContent content, CancellationToken ct) =>
        await content.FindAsync(scope.OrganizationId, id, ct) is { } project ? TypedResults.Ok(ProjectResponse.From(project)) : Problems.NotFound("No such project.");

    private static async Task<IResult> Edit(Guid id, string platform, EditPieceRequest request, OrganizationScope scope, StudioContent content, CancellationToken ct) =>
        Answer(await content.EditAsync(scope.OrganizationId, id, platform, request.Text, ct));

    private static async Task<IResult> Submit(Guid id, OrganizationScope scope, StudioContent content, CancellationToken ct) =>
        Answer(await content.SubmitAsync(scope.OrganizationId, id, scope.UserId, ct));

    private static async Task<IResult> Return(Guid id, OrganizationScope scope, StudioContent content, CancellationToken ct) =>
        Answer(await content.ReturnAsync(scope.OrganizationId, id, ct));

    private static async Task<IResult> Publish(Guid id, PublishRequest? request, OrganizationScope scope, StudioContent content, CancellationToken ct) =>
        Answer(await content.PublishAsync(scope.OrganizationId, id, scope.UserId, request?.AcknowledgeFlags ?? false, ct));

    private static IResult Answer(ProjectOutcome outcome)
    {
        if (outcome.Project is { } project)
        {
            return TypedResults.Ok(ProjectResponse.From(project));
        }

        if (outcome.Violations is { } violations)
        {
            return TypedResults.Problem(outcome.Error, statusCode: outcome.Status, title: "Advertising rules",
                extensions: new Dictionary<string, object?> { ["violations"] = violations });
        }

        return outcome.Status == 400
            ? Problems.Invalid("text", outcome.Error!)
            : TypedResults.Problem(outcome.Error, statusCode: outcome.Status);
    }
}
