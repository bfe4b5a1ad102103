using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record CreateInvitationRequest(OrganizationRole? Role, string? Email);
public sealed record AcceptInvitationRequest(string? Token);
public sealed record JoinedOrganization(Guid OrganizationId, string OrganizationName, OrganizationRole Role);

/// <summary>
/// Invitations: how people join an organisation. The link is returned once, at creation (only its hash is stored);
/// the Owner or Manager copies it to the person, who accepts it signed in to their own account.
/// </summary>
public static class InvitationEndpoints
{
    private const string RoleList = "Role must be one of Owner, Manager, ServiceAdvisor, Technician, Porter, Salesperson.";

    public static IEndpointRouteBuilder MapInvitationEndpoints(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/api/v1/organizations/{organizationId:guid}/invitations").WithTags("Organizations").RequireAuthorization();
        orgs.MapPost("/", Create);
        orgs.MapGet("/", ListPending);
        orgs.MapDelete("/{invitationId:guid}", Revoke);
        routes.MapPost("/api/v1/invitations/accept", Accept).WithTags("Organizations").RequireAuthorization();
        return routes;
    }

    private static async Task<Results<Created<InvitationCreated>, ValidationProblem, ProblemHttpResult>> Create(
        Guid organizationId, CreateInvitationRequest request, HttpContext http, Invitations invitations, IOptions<PitlaneOptions> platform, CancellationToken ct)
    {
        var caller = await ManagerRoleAsync(http, organizationId, ct);
        if (caller.Problem is { } refused)
        {
            return refused;
        }
        var check = new Validation()
            .Require(request.Role is { } r && Enum.IsDefined(r), "role", RoleList)
            .Require(string.IsNullOrWhiteSpace(request.Email) || AuthEndpoints.LooksLikeEmail(request.Email), "email",
                "The email address is not valid; leave it empty to let whoever holds the link join.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var change = await invitations.CreateAsync(organizationId, caller.Role, caller.UserId, request.Role!.Value, request.Email,
            platform.Value.BaseUrlFor(http.Request), ct);
        return change.Created is { } created
            ? TypedResults.Created($"/api/v1/organizations/{organizationId}/invitations/{created.Id}", created)
            : AsProblem(change);
    }

    private static async Task<Results<Ok<List<PendingInvitation>>, ProblemHttpResult>> ListPending(
        Guid organizationId, HttpContext http, Invitations invitations, CancellationToken ct)
    {
        var caller = await ManagerRoleAsync(http, organizationId, ct);
        if (caller.Problem is { } refused)
        {
            return refused;
        }
        return TypedResults.Ok(await invitations.PendingAsync(organizationId, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid organizationId, Guid invitationId, HttpContext http, Invitations invitations, CancellationToken ct)
    {
        var caller = await ManagerRoleAsync(http, organizationId, ct);
        if (caller.Problem is { } refused)
        {
            return refused;
        }
        var change = await invitations.RevokeAsync(organizationId, caller.Role, invitationId, ct);
        return change.Status == MemberChangeStatus.Done ? TypedResults.NoContent() : AsProblem(change);
    }

    private static async Task<Results<Ok<JoinedOrganization>, ValidationProblem, ProblemHttpResult>> Accept(
        AcceptInvitationRequest request, HttpContext http, Invitations invitations, CancellationToken ct)
    {
        if (http.User.UserId() is not { } userId)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        if (string.IsNullOrWhiteSpace(request.Token))
        {
            return Problems.Invalid("token", "Give the invitation's token: the last part of the invitation link.");
        }
        var answer = await invitations.AcceptAsync(request.Token.Trim(), userId, ct);
        return answer.Outcome switch
        {
            InvitationOutcome.Joined => TypedResults.Ok(new JoinedOrganization(answer.OrganizationId, answer.OrganizationName, answer.Role)),
            InvitationOutcome.Used or InvitationOutcome.Revoked or InvitationOutcome.Expired => Problems.Gone(answer.Message),
            InvitationOutcome.AlreadyMember => Problems.Conflict(answer.Message),
            InvitationOutcome.WrongAccount => Problems.Forbidden(answer.Message),
            _ => Problems.NotFound(answer.Message),
        };
    }

    private static ProblemHttpResult AsProblem(InvitationChange change) => change.Status switch
    {
        MemberChangeStatus.NotFound => Problems.NotFound(change.Message),
        MemberChangeStatus.Forbidden => Problems.Forbidden(change.Message),
        _ => Problems.Conflict(change.Message),
    };

    /// <summary>The caller's role when they may manage the team; a non-member gets 404, another role 403 naming the action.</summary>
    private static async Task<Caller> ManagerRoleAsync(HttpContext http, Guid organizationId, CancellationToken ct)
    {
        var services = http.RequestServices;
        if (http.User.UserId() is not { } userId
            || await services.GetRequiredService<MembershipCache>().RoleOfAsync(services.GetRequiredService<IMembershipDirectory>(), organizationId, userId, ct) is not { } role)
        {
            return new(default, default, Problems.NotFound("No such organisation."));
        }
        return AccountsPermissions.ManageMembers.Allows(role)
            ? new(userId, role, null)
            : new(userId, role, Problems.Forbidden($"Your role ({role}) may not {AccountsPermissions.ManageMembers.Action}."));
    }

    private readonly record struct Caller(Guid UserId, OrganizationRole Role, ProblemHttpResult? Problem);
}
