using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Live;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform;

/// <summary>Registers the kernel, then every module of the catalogue. The web host and the CLI both compose from here.</summary>
public static class PlatformServices
{
    /// <summary>Entries the shared in-memory cache holds at most (each entry counts 1).</summary>
    public const int MemoryCacheEntries = 100_000;

    public static IServiceCollection AddPitlaneCore(this IServiceCollection services, PitlaneSettings settings, ModuleCatalog modules)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(modules);
        var options = settings.Options;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        // Bounded: every entry has size 1, so a flood of distinct keys (random device keys, organisation ids) cannot grow
        // the process without limit; the oldest entries are compacted away.
        services.AddMemoryCache(cache => cache.SizeLimit = MemoryCacheEntries);
        // A background loop that fails unexpectedly is logged by the host and the rest keeps serving (the default would
        // stop the whole process); the loops themselves catch and retry what they expect.
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host =>
            host.BackgroundServiceExceptionBehavior = Microsoft.Extensions.Hosting.BackgroundServiceExceptionBehavior.Ignore);
        services.AddSingleton<Retention.RetentionWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<Retention.RetentionWorker>());
        services.AddHttpContextAccessor();
        services.AddPitlaneMessaging(options);
        services.AddModuleDatabase<PlatformDbContext, SqlitePlatformDbContext, PostgresPlatformDbContext>(settings, "Platform", PlatformDbContext.HistoryTable);
        services.AddSingleton<MembershipCache>();
        services.AddScoped<OrganizationScope>();
        services.AddScoped<PageOrganization>();
        services.AddSignalR();
        services.AddSingleton<ILiveChannel, SignalRLiveChannel>();
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<LiveAccessMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveAccessMonitor>());
        services.AddIntegrationEventHandler<MembershipRemoved, LiveAccessRevocations>(EventDelivery.FanOut, "live.membership-removed");
        services.AddIntegrationEventHandler<SessionRevoked, LiveAccessRevocations>(EventDelivery.FanOut, "live.session-revoked");
        services.AddPitlaneRateLimiting();
        modules.AddServices(services, settings);
        return services;
    }

    /// <summary>
    /// 429 with problem+json and Retry-After for every rate-limit policy; modules add their policies with
    /// <see cref="AddPerClientRateLimit"/>.
    /// </summary>
    private static IServiceCollection AddPitlaneRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
                var what = context.HttpContext.RequestServices.GetServices<RateLimitDescription>().FirstOrDefault(d => d.Policy == policy)?.What ?? "";
                await Problems.TooManyRequests($"Too many {what} requests from this address; try again in a minute.".Replace("  ", " ", StringComparison.Ordinal))
                    .ExecuteAsync(context.HttpContext);
            };
        });

    /// <summary>
    /// A fixed one-minute window of <paramref name="permitsPerMinute"/> requests per client address for the endpoints
    /// that name <paramref name="policy"/>; <paramref name="what"/> completes the 429's "Too many ... requests".
    /// </summary>
    public static IServiceCollection AddPerClientRateLimit(this IServiceCollection services, string policy, int permitsPerMinute, string what)
    {
        services.AddSingleton(new RateLimitDescription(policy, what));
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(policy, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
        return services;
    }

    /// <summary>The kernel's endpoints (jobs, the live hub), then every module's.</summary>
    public static IEndpointRouteBuilder MapPitlaneApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapJobEndpoints();
        // A connection outlives neither its access token nor its cookie: the dispatcher closes it at their expiry.
        routes.MapHub<LiveHub>("/hubs/live", hub => hub.CloseOnAuthenticationExpiration = true).RequireAuthorization();
        routes.ServiceProvider.GetRequiredService<ModuleCatalog>().MapEndpoints(routes);
        return routes;
    }

    /// <summary>
    /// Browser sessions call the API with their sign-in cookie; an unsafe request so authenticated must carry the
    /// antiforgery token (header RequestVerificationToken), so another site cannot make the browser act. Bearer calls
    /// and devices (their own schemes; kiosk requests check the token themselves) are exempt.
    /// </summary>
    public static IApplicationBuilder UseCookieApiAntiforgery(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api")
            && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && http.User.Identity is { IsAuthenticated: true, AuthenticationType: var type }
            && type == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                await Problems.AntiforgeryMissing("A signed-in browser request must carry the antiforgery token.").ExecuteAsync(http);
                return;
            }
        }
        await next(http);
    });
}

/// <summary>A rate-limit policy's subject, for its 429 message.</summary>
public sealed record RateLimitDescription(string Policy, string What);
