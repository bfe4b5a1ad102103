using System.Net.Mail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);
public sealed record RegisteredUser(Guid Id, string Email, string DisplayName, Guid PersonalOrganizationId);
public sealed record TokenRequest(string? Email, string? Password);
public sealed record RefreshRequest(string? RefreshToken);
public sealed record LogoutRequest(string? RefreshToken);
public sealed record MeResponse(Guid Id, string Email, string DisplayName, Guid PersonalOrganizationId, IReadOnlyList<MeOrganization> Organizations);

public static class AuthEndpoints
{
    public const string RateLimitPolicy = "auth";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/v1/auth").WithTags("Auth");
        auth.MapPost("/register", Register).RequireRateLimiting(RateLimitPolicy).AllowAnonymous();
        auth.MapPost("/token", Token).RequireRateLimiting(RateLimitPolicy).AllowAnonymous();
        auth.MapPost("/refresh", Refresh).RequireRateLimiting(RateLimitPolicy).AllowAnonymous();
        auth.MapPost("/logout", Logout).RequireAuthorization();
        routes.MapGet("/api/v1/me", Me).WithTags("Auth").RequireAuthorization();
        return routes;
    }

    private static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, UserAccounts accounts, CancellationToken ct)
    {
        var outcome = await accounts.RegisterAsync(request.Email, request.Password, request.DisplayName, ct);
        if (outcome.Errors is { } errors)
        {
            return errors.ContainsKey("email.taken")
                ? Problems.Conflict("An account with that email already exists.")
                : Problems.Invalid(errors);
        }
        var user = outcome.User!;
        return TypedResults.Created("/api/v1/me", new RegisteredUser(user.Id, user.Email!, user.DisplayName, user.PersonalOrganizationId));
    }

    private static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Token(
        TokenRequest request, UserManager<PitlaneUser> users, SignInManager<PitlaneUser> signIn, TokenService tokens, CancellationToken ct)
    {
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Email), "email", "Email is required.")
            .Require(!string.IsNullOrEmpty(request.Password), "password", "Password is required.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var user = await users.FindByEmailAsync(request.Email!.Trim());
        if (user is null)
        {
            return Problems.Unauthorized("Wrong email or password.");
        }
        var result = await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Problems.Unauthorized("Too many failed sign-ins: the account is locked for a while.");
        }
        if (!result.Succeeded)
        {
            return Problems.Unauthorized("Wrong email or password.");
        }
        return TypedResults.Ok(await tokens.IssueAsync(user, familyId: null, ct));
    }

    private static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest request, UserManager<PitlaneUser> users, TokenService tokens, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
        {
            return Problems.Invalid("refreshToken", "refreshToken is required.");
        }
        var (outcome, userId, familyId) = await tokens.RotateAsync(request.RefreshToken, ct);
        switch (outcome)
        {
            case TokenService.RefreshOutcome.Rotated:
                var user = await users.FindByIdAsync(userId.ToString());
                if (user is null || await users.IsLockedOutAsync(user))
                {
                    await tokens.RevokeFamilyAsync(familyId, ct);
                    return Problems.Unauthorized("The account is no longer available.");
                }
                return TypedResults.Ok(await tokens.IssueAsync(user, familyId, ct));
            case TokenService.RefreshOutcome.Reused:
                return Problems.Unauthorized("This refresh token was already used; the session has been revoked. Sign in again.");
            case TokenService.RefreshOutcome.Expired:
                return Problems.Unauthorized("The refresh token has expired. Sign in again.");
            default:
                return Problems.Unauthorized("Unknown refresh token.");
        }
    }

    private static async Task<NoContent> Logout(LogoutRequest? request, HttpContext http, TokenService tokens, CancellationToken ct)
    {
        if (Guid.TryParse(http.User.FindFirst(PitlaneClaims.Session)?.Value, out var session))
        {
            await tokens.RevokeFamilyAsync(session, ct);
        }
        if (!string.IsNullOrWhiteSpace(request?.RefreshToken) && await tokens.FamilyOfAsync(request.RefreshToken, ct) is { } family)
        {
            await tokens.RevokeFamilyAsync(family, ct);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(HttpContext http, AccountsDbContext db, CancellationToken ct)
    {
        if (http.User.UserId() is not { } userId || await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct) is not { } user)
        {
            return Problems.Unauthorized("Sign in first.");
        }
        var organizations = await OrganizationQueries.OfUserAsync(db, user.Id, user.PersonalOrganizationId, ct);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.DisplayName, user.PersonalOrganizationId, organizations));
    }

    internal static bool LooksLikeEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 254 && MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim();
}
