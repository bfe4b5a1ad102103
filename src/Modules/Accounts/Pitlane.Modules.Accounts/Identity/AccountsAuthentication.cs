using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>How people authenticate: the Identity cookie for pages, JWT bearer for the API and the live hub.</summary>
public static class AccountsAuthentication
{
    public const string SmartScheme = "pitlane";

    /// <summary>Cookies for pages, JWT bearer for the API; the policy scheme picks by the Authorization header.</summary>
    public static IServiceCollection AddPitlaneAuthentication(this IServiceCollection services, AuthOptions options)
    {
        services.AddAuthentication(auth =>
            {
                auth.DefaultScheme = SmartScheme;
                auth.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or bearer", policy =>
            {
                policy.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || HubAccessToken(http.Request) is not null
                        ? JwtBearerDefaults.AuthenticationScheme
                        : IdentityConstants.ApplicationScheme;
                policy.ForwardChallenge = null;
            })
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Events = new JwtBearerEvents
                {
                    // WebSocket and server-sent-event clients cannot set headers, so SignalR sends the bearer token as
                    // access_token in the query string; it is accepted on the hub paths only.
                    OnMessageReceived = context =>
                    {
                        context.Token ??= HubAccessToken(context.Request);
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        if (!Guid.TryParse(context.Principal?.FindFirst(PitlaneClaims.Session)?.Value, out var session))
                        {
                            context.Fail("The token has no session.");
                            return;
                        }
                        var services = context.HttpContext.RequestServices;
                        if (await services.GetRequiredService<SessionRevocations>().IsRevokedAsync(services, session, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The session was signed out.");
                        }
                    },
                };
            })
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(cookie =>
            {
                cookie.LoginPath = "/Account/Login";
                cookie.LogoutPath = "/Account/Logout";
                cookie.AccessDeniedPath = "/Account/Login";
                cookie.Cookie.Name = "pitlane.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                cookie.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            }));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyProvider>((jwt, keys) => jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Issuer,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "name",
            });
        services.AddAuthorization();
        return services;
    }

    private static string? HubAccessToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrEmpty(token)
            ? token.ToString()
            : null;

    private static Task ApiAwareRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

}
