using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// Scan agents: their management API, the protocol `pitlane agent` speaks (authenticated by <c>X-Agent-Key</c>, not by a
/// user) and <see cref="AgentScans"/>, the scan job's side of an agent scan.
/// </summary>
/// <remarks>
/// Everything between the job and the agent goes through the scan row (ClaimedAt, Stage, Progress, Result, Error), never
/// through memory, so the agent's requests and the job may land on different instances.
/// </remarks>
public static class ScanAgents
{
    public static IServiceCollection AddScanAgents(this IServiceCollection services)
    {
        services.AddScoped<CurrentAgent>();
        services.AddSingleton<IAgentScans, AgentScans>();
        return services;
    }

    public static IEndpointRouteBuilder MapScanAgentEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapAgentManagementEndpoints();
        routes.MapAgentProtocolEndpoints();
        return routes;
    }

    /// <summary>A new key: 32 random bytes, base64url (RFC 4648 §5), shown to the caller once; only its SHA-256 is stored.</summary>
    internal static (string Key, byte[] Hash) NewKey()
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (key, HashKey(key));
    }

    internal static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>The agent a protocol request came from; set by <see cref="AgentKeyFilter"/>.</summary>
public sealed class CurrentAgent
{
    private Guid? _id;

    public Guid Id => _id ?? throw new InvalidOperationException("The agent was not authenticated for this request.");

    public Guid OrganizationId { get; private set; }

    public string Name { get; private set; } = "";

    public bool IsSet => _id is not null;

    internal void Set(Guid id, Guid organizationId, string name)
    {
        _id = id;
        OrganizationId = organizationId;
        Name = name;
    }
}

/// <summary>
/// Authenticates <c>X-Agent-Key</c> against the stored hashes and records that the agent was seen. No cache (unlike device
/// keys): an agent makes a request every few seconds at most, and a revocation then takes effect on its next request on
/// every instance. Every request of the agent, heartbeats included, moves <see cref="ScanAgent.LastSeenAt"/>; the job
/// watches that to notice an agent that went silent mid-scan.
/// </summary>
public sealed class AgentKeyFilter : IEndpointFilter
{
    public const string Header = "X-Agent-Key";

    /// <summary>Keys are 43 characters; anything far longer is refused before hashing.</summary>
    private const int MaxKeyLength = 128;

    /// <summary>
    /// The request's agent, set on <see cref="CurrentAgent"/>; or the 401 to answer. Called by the scan-agent
    /// authentication scheme before the body is read (so an unauthenticated request never gets as far as a 400 about
    /// its body), and by the filter as a guard.
    /// </summary>
    public static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var current = services.GetRequiredService<CurrentAgent>();
        if (current.IsSet)
        {
            return null;
        }
        var headers = http.Request.Headers[Header];
        var key = headers.Count == 1 ? headers[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return Unauthorized();
        }
        var hash = ScanAgents.HashKey(key);
        var db = services.GetRequiredService<DiagnosticsDbContext>();
        var agent = await db.ScanAgents.AsNoTracking()
            .Where(a => a.KeyHash == hash && a.RevokedAt == null)
            .Select(a => new { a.Id, a.OrganizationId, a.Name })
            .FirstOrDefaultAsync(http.RequestAborted);
        if (agent is null)
        {
            return Unauthorized();
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        await db.ScanAgents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, now), http.RequestAborted);
        current.Set(agent.Id, agent.OrganizationId, agent.Name);
        return null;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await AuthenticateAsync(context.HttpContext) ?? await next(context);

    private static IResult Unauthorized() =>
        Problems.Unauthorized($"A valid, unrevoked scan agent key is required in the {Header} header (POST /api/v1/diagnostics/agents creates one).");
}
