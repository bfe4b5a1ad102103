using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record CreateOrganizationRequest(string? Name, OrganizationKind? Kind);
public sealed record OrganizationResponse(Guid Id, string Name, OrganizationKind Kind, OrganizationRole Role, bool Personal);
public sealed record ChangeRoleRequest(OrganizationRole? Role);
public sealed record MemberResponse(Guid UserId, string Email, string DisplayName, OrganizationRole Role);

/// <summary>Organisations and their members. The route names the organisation; a non-member gets 404 for all of it.</summary>
public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationEndpoints(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireAuthorization();
        orgs.MapPost("/", Create);
        orgs.MapGet("/", ListMine);
        orgs.MapGet("/{organizationId:guid}/members", ListMembers);
        orgs.MapPut("/{organizationId:guid}/members/{userId:guid}", ChangeRole);
        orgs.MapDelete("/{organizationId:guid}/members/{userId:guid}", RemoveMember);
        return routes;
    }

    private const string RoleList = "Role must be one of Owner, Manager, ServiceAdvisor, Technician, Porter, Salesperson.";

    private static async Task<Results<Created<OrganizationResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, HttpContext http, OrganizationMembers members, CancellationToken ct)
    {
        if (http.User.UserId() is not { } userId)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 120, "name", "Name is required (at most 120 characters).")
            .Require(request.Kind is null || (Enum.IsDefined(request.Kind.Value) && request.Kind != OrganizationKind.Personal), "kind", "Kind must be Shop, Dealership, Fleet or Other.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var org = await members.CreateOrganizationAsync(userId, request.Name!, request.Kind ?? OrganizationKind.Shop, ct);
        return TypedResults.Created($"/api/v1/organizations/{org.Id}", new OrganizationResponse(org.Id, org.Name, org.Kind, OrganizationRole.Owner, false));
    }

    private static async Task<Results<Ok<IReadOnlyList<MeOrganization>>, ProblemHttpResult>> ListMine(HttpContext http, AccountsDbContext db, CancellationToken ct)
    {
        if (http.User.UserId() is not { } userId)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        return TypedResults.Ok(await OrganizationQueries.OfUserAsync(db, userId, http.User.PersonalOrganizationId() ?? Guid.Empty, ct));
    }

    private static async Task<Results<Ok<List<MemberResponse>>, ProblemHttpResult>> ListMembers(
        Guid organizationId, HttpContext http, AccountsDbContext db, MembershipCache memberships, OrganizationMembers members, CancellationToken ct)
    {
        if (await RoleOfCallerAsync(http, db, memberships, organizationId, ct) is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        return TypedResults.Ok(await members.ListAsync(organizationId, ct));
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ChangeRole(
        Guid organizationId, Guid userId, ChangeRoleRequest request, HttpContext http, AccountsDbContext db,
        MembershipCache memberships, OrganizationMembers members, CancellationToken ct)
    {
        if (await RoleOfCallerAsync(http, db, memberships, organizationId, ct) is not { } callerRole)
        {
            return Problems.NotFound("No such organisation.");
        }
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            return Problems.Invalid("role", RoleList);
        }
        var change = await members.ChangeRoleAsync(organizationId, callerRole, userId, role, ct);
        return change.Status == MemberChangeStatus.Done ? TypedResults.Ok(change.Member!) : AsProblem(change);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid organizationId, Guid userId, HttpContext http, AccountsDbContext db, MembershipCache memberships,
        OrganizationMembers members, CancellationToken ct)
    {
        if (await RoleOfCallerAsync(http, db, memberships, organizationId, ct) is not { } callerRole)
        {
            return Problems.NotFound("No such organisation.");
        }
        var change = await members.RemoveAsync(organizationId, callerRole, http.User.UserId()!.Value, userId, ct);
        return change.Status == MemberChangeStatus.Done ? TypedResults.NoContent() : AsProblem(change);
    }

    private static ProblemHttpResult AsProblem(MemberChange change) => change.Status switch
    {
        MemberChangeStatus.NotFound => Problems.NotFound(change.Message),
        MemberChangeStatus.Forbidden => Problems.Forbidden(change.Message),
        _ => Problems.Conflict(change.Message),
    };

    private static async Task<OrganizationRole?> RoleOfCallerAsync(HttpContext http, AccountsDbContext db, MembershipCache memberships, Guid organizationId, CancellationToken ct) =>
        http.User.UserId() is { } userId ? await memberships.RoleOfAsync(http.RequestServices.GetRequiredService<IMembershipDirectory>(), organizationId, userId, ct) : null;
}
