using Pitlane.Diagnostics.Lane;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Pitlane.Demo;
using Pitlane.Identity;
using Pitlane.Organizations;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;
using Pitlane.Telemetry;
using Pitlane.Vehicles;
using Pitlane.Vin.Vpic;

namespace Pitlane.Platform;

/// <summary>Registers every module and the platform kernel. The web host and the CLI both compose from here.</summary>
public static class PlatformServices
{
    public const string SmartScheme = "pitlane";

    public static IServiceCollection AddPitlaneCore(this IServiceCollection services, PitlaneOptions options, string? connectionString)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddPitlaneDatabase(options, connectionString);
        services.AddPitlaneMessaging(options);
        services.AddIdentityCore<PitlaneUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 10;
                identity.Password.RequireDigit = true;
                identity.Password.RequireLowercase = true;
                identity.Password.RequireUppercase = true;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = options.Auth.MaxFailedLogins;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(options.Auth.LockoutMinutes);
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<PitlaneDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PitlaneClaimsPrincipalFactory>();

        services.AddScoped<UserAccounts>();
        services.AddScoped<TokenService>();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<MembershipCache>();
        services.AddScoped<OrganizationScope>();
        services.AddScoped<VinDecodingService>();
        services.AddScoped<VehicleRegistration>();
        services.AddScoped<OrganizationMembers>();
        services.AddScoped<DemoSeeder>();
        services.AddTelemetry(options, connectionString);
        services.AddDiagnostics();
        services.AddSingleton<VpicCircuit>();
        services.AddHttpClient<VpicClient>(http =>
        {
            http.BaseAddress = new Uri(options.Vpic.BaseUrl);
            http.Timeout = TimeSpan.FromSeconds(options.Vpic.TimeoutSeconds);
        });
        return services;
    }

    /// <summary>Cookies for pages, JWT bearer for the API; the policy scheme picks by the Authorization header.</summary>
    public static IServiceCollection AddPitlaneAuthentication(this IServiceCollection services, PitlaneOptions options)
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
                ValidIssuer = options.Auth.Issuer,
                ValidAudience = options.Auth.Issuer,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "name",
            });
        services.AddAuthorization();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthEndpoints.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.Auth.AuthRequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.AddPolicy(Pitlane.Diagnostics.Lane.ReportEndpoints.PublicRateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.Diagnostics.PublicReportRequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                var what = context.HttpContext.Request.Path.StartsWithSegments("/r") ? "shared-report" : "sign-in";
                await Results.Problem($"Too many {what} requests from this address; try again in a minute.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext);
            };
        });
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

    public static IEndpointRouteBuilder MapPitlaneApi(this IEndpointRouteBuilder routes)
    {
        routes.MapAuthEndpoints();
        routes.MapOrganizationEndpoints();
        routes.MapVinEndpoints();
        routes.MapVehicleEndpoints();
        routes.MapJobEndpoints();
        routes.MapTelemetryEndpoints();
        routes.MapDiagnosticsEndpoints();
        return routes;
    }

    /// <summary>
    /// Browser sessions call the API with their cookie; an unsafe request so authenticated must carry the antiforgery
    /// token (header RequestVerificationToken), so another site cannot make the browser act. Bearer calls are exempt.
    /// </summary>
    public static IApplicationBuilder UseCookieApiAntiforgery(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api")
            && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && http.User.Identity?.IsAuthenticated == true
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                await Results.Problem("A signed-in browser request must carry the antiforgery token.",
                    statusCode: StatusCodes.Status400BadRequest, title: "Antiforgery token missing or invalid").ExecuteAsync(http);
                return;
            }
        }
        await next(http);
    });
}
