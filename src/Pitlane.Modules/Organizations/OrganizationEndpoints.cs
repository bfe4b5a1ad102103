using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Identity;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Organizations;

public sealed record CreateOrganizationRequest(string? Name, OrganizationKind? Kind);
public sealed record OrganizationResponse(Guid Id, string Name, OrganizationKind Kind, OrganizationRole Role, bool Personal);
public sealed record AddMemberRequest(string? Email, OrganizationRole? Role);
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
        orgs.MapPost("/{organizationId:guid}/members", AddMember);
        orgs.MapPut("/{organizationId:guid}/members/{userId:guid}", ChangeRole);
        orgs.MapDelete("/{organizationId:guid}/members/{userId:guid}", RemoveMember);
        return routes;
    }

    private static async Task<Results<Created<OrganizationResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, HttpContext http, PitlaneDbContext db, TimeProvider time, CancellationToken ct)
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
        var now = time.GetUtcNow().UtcDateTime;
        var org = Organization.Create(request.Name!, request.Kind ?? OrganizationKind.Shop, now);
        db.Organizations.Add(org);
        db.Memberships.Add(Membership.Create(org.Id, userId, OrganizationRole.Owner, now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organizations/{org.Id}", new OrganizationResponse(org.Id, org.Name, org.Kind, OrganizationRole.Owner, false));
    }

    private static async Task<Results<Ok<IReadOnlyList<MeOrganization>>, ProblemHttpResult>> ListMine(HttpContext http, PitlaneDbContext db, CancellationToken ct)
    {
        if (http.User.UserId() is not { } userId)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        return TypedResults.Ok(await OrganizationQueries.OfUserAsync(db, userId, http.User.PersonalOrganizationId() ?? Guid.Empty, ct));
    }

    private static async Task<Results<Ok<List<MemberResponse>>, ProblemHttpResult>> ListMembers(
        Guid organizationId, HttpContext http, PitlaneDbContext db, MembershipCache memberships, CancellationToken ct)
    {
        if (await RoleOfCallerAsync(http, db, memberships, organizationId, ct) is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        return TypedResults.Ok(await MembersAsync(db, organizationId, ct));
    }

    private static async Task<Results<Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> AddMember(
        Guid organizationId, AddMemberRequest request, HttpContext http, PitlaneDbContext db, MembershipCache memberships,
        TimeProvider time, CancellationToken ct)
    {
        var callerRole = await RoleOfCallerAsync(http, db, memberships, organizationId, ct);
        if (callerRole is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        var check = new Validation()
            .Require(AuthEndpoints.LooksLikeEmail(request.Email), "email", "A valid email address is required.")
            .Require(request.Role is { } r && Enum.IsDefined(r), "role", "Role must be one of Owner, Manager, ServiceAdvisor, Technician, Porter, Salesperson.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (!CanManage(callerRole.Value, request.Role!.Value))
        {
            return Problems.Forbidden("Only an Owner or Manager can add members, and only an Owner can add an Owner.");
        }
        var org = await db.Organizations.FirstAsync(o => o.Id == organizationId, ct);
        if (org.Kind == OrganizationKind.Personal)
        {
            return Problems.Conflict("A personal organisation has no other members; create a shop or dealership organisation.");
        }
        var email = request.Email!.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == email, ct);
        if (user is null)
        {
            return Problems.NotFound("No Pitlane account has that email; the person must sign up first.");
        }
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == user.Id, ct))
        {
            return Problems.Conflict("That person is already a member.");
        }
        db.Memberships.Add(Membership.Create(organizationId, user.Id, request.Role.Value, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        memberships.Invalidate(organizationId, user.Id);
        return TypedResults.Created($"/api/v1/organizations/{organizationId}/members/{user.Id}",
            new MemberResponse(user.Id, user.Email!, user.DisplayName, request.Role.Value));
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ChangeRole(
        Guid organizationId, Guid userId, ChangeRoleRequest request, HttpContext http, PitlaneDbContext db,
        MembershipCache memberships, CancellationToken ct)
    {
        var callerRole = await RoleOfCallerAsync(http, db, memberships, organizationId, ct);
        if (callerRole is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            return Problems.Invalid("role", "Role must be one of Owner, Manager, ServiceAdvisor, Technician, Porter, Salesperson.");
        }
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (membership is null)
        {
            return Problems.NotFound("No such member.");
        }
        if (!CanManage(callerRole.Value, role) || !CanManage(callerRole.Value, membership.Role))
        {
            return Problems.Forbidden("Only an Owner or Manager can change roles, and only an Owner can grant or take away Owner.");
        }
        if (membership.Role == OrganizationRole.Owner && role != OrganizationRole.Owner && await IsLastOwnerAsync(db, organizationId, ct))
        {
            return Problems.Conflict("An organisation needs at least one Owner.");
        }
        membership.ChangeRole(role);
        await db.SaveChangesAsync(ct);
        memberships.Invalidate(organizationId, userId);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
        return TypedResults.Ok(new MemberResponse(userId, user.Email!, user.DisplayName, role));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid organizationId, Guid userId, HttpContext http, PitlaneDbContext db, MembershipCache memberships, CancellationToken ct)
    {
        var callerRole = await RoleOfCallerAsync(http, db, memberships, organizationId, ct);
        if (callerRole is null)
        {
            return Problems.NotFound("No such organisation.");
        }
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (membership is null)
        {
            return Problems.NotFound("No such member.");
        }
        var leaving = http.User.UserId() == userId;
        if (!leaving && !CanManage(callerRole.Value, membership.Role))
        {
            return Problems.Forbidden("Only an Owner or Manager can remove members, and only an Owner can remove an Owner.");
        }
        if (membership.Role == OrganizationRole.Owner && await IsLastOwnerAsync(db, organizationId, ct))
        {
            return Problems.Conflict("An organisation needs at least one Owner.");
        }
        db.Memberships.Remove(membership);
        await db.SaveChangesAsync(ct);
        memberships.Invalidate(organizationId, userId);
        return TypedResults.NoContent();
    }

    public static async Task<List<MemberResponse>> MembersAsync(PitlaneDbContext db, Guid organizationId, CancellationToken ct)
    {
        var rows = await (
                from m in db.Memberships.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                where m.OrganizationId == organizationId
                select new MemberResponse(u.Id, u.Email!, u.DisplayName, m.Role))
            .ToListAsync(ct);
        return rows.OrderBy(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Owners manage everyone; Managers manage everyone but Owners.</summary>
    public static bool CanManage(OrganizationRole caller, OrganizationRole target) => caller switch
    {
        OrganizationRole.Owner => true,
        OrganizationRole.Manager => target != OrganizationRole.Owner,
        _ => false,
    };

    private static async Task<OrganizationRole?> RoleOfCallerAsync(HttpContext http, PitlaneDbContext db, MembershipCache memberships, Guid organizationId, CancellationToken ct) =>
        http.User.UserId() is { } userId ? await memberships.RoleOfAsync(db, organizationId, userId, ct) : null;

    private static async Task<bool> IsLastOwnerAsync(PitlaneDbContext db, Guid organizationId, CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.Role == OrganizationRole.Owner, ct) <= 1;
}
