using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
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
                    OnMessageReceived = async context =>
                    {
                        context.Token ??= HubAccessToken(context.Request);
                        // A token seen before skips parsing and signature checking; its session is checked every time.
                        var services = context.HttpContext.RequestServices;
                        var token = context.Token ?? BearerToken(context.Request);
                        if (token is not null && services.GetRequiredService<ValidatedTokens>().Find(token) is { } known)
                        {
                            if (await services.GetRequiredService<SessionRevocations>().IsRevokedAsync(services, known.Session, context.HttpContext.RequestAborted))
                            {
                                context.Fail("The session was signed out.");
                                return;
                            }
                            context.Principal = known.Principal;
                            // As the handler does for a token it validates: the live hub closes the connection then.
                            context.Properties.ExpiresUtc = new DateTimeOffset(known.ExpiresAt, TimeSpan.Zero);
                            context.Success();
                        }
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
                            return;
                        }
                        if (context.SecurityToken is { } validated && (BearerToken(context.Request) ?? HubAccessToken(context.Request)) is { } raw)
                        {
                            services.GetRequiredService<ValidatedTokens>().Remember(raw, context.Principal!, session, validated.ValidTo);
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
            .Configure<SigningKeyProvider, TimeProvider>((jwt, keys, time) => jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Issuer,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                // Lifetimes are checked on the app's clock, the one that issued the token (not the library's own).
                LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = time.GetUtcNow().UtcDateTime;
                    return (notBefore is not { } from || from <= now + parameters.ClockSkew) && expires is { } until && until > now - parameters.ClockSkew;
                },
                NameClaimType = "name",
            });
        services.AddAuthorization();
        return services;
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
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

/// <summary>
/// Access tokens whose signature, issuer, audience and lifetime were checked, remembered until they expire (at most
/// <see cref="MaxEntries"/>, the oldest evicted first by the cache), so a client's next request with the same token
/// skips the JSON parsing and HMAC. The session is still checked on every request (<see cref="SessionRevocations"/>):
/// signing out stops a remembered token at once. A token is an immutable signed value; remembering the result of
/// validating it changes no decision, only when it is made.
/// </summary>
public sealed class ValidatedTokens(TimeProvider time) : IDisposable
{
    public const int MaxEntries = 10_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public sealed record Known(System.Security.Claims.ClaimsPrincipal Principal, Guid Session, DateTime ExpiresAt);

    public Known? Find(string token) =>
        _cache.TryGetValue(token, out Known? known) && known is not null && known.ExpiresAt > time.GetUtcNow().UtcDateTime ? known : null;

    public void Remember(string token, System.Security.Claims.ClaimsPrincipal principal, Guid session, DateTime expiresAt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expiresAt <= now)
        {
            return;
        }
        _cache.Set(token, new Known(principal, session, expiresAt), new MemoryCacheEntryOptions
        {
            Size = 1,
            // The cache runs on the system clock; Find checks the expiry against this class's clock as well.
            AbsoluteExpirationRelativeToNow = expiresAt - now,
        });
    }

    public void Dispose() => _cache.Dispose();
}
