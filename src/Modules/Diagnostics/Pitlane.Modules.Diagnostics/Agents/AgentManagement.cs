using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>POST /api/v1/diagnostics/agents: a name people recognise, e.g. "Pi in bay 2".</summary>
public sealed record CreateAgentRequest(string? Name);

/// <summary>The only response that ever carries the key.</summary>
public sealed record CreatedAgentResponse(Guid Id, string Name, string Key, DateTime CreatedAt);

/// <summary>A scan agent as listed; never its key.</summary>
/// <param name="Online">Seen within <see cref="AgentManagement.OnlineWindow"/>: a running `pitlane agent` polls every 25 s.</param>
public sealed record AgentResponse(Guid Id, string Name, DateTime CreatedAt, DateTime? LastSeenAt, DateTime? RevokedAt, bool Online);

/// <summary>The organisation's scan agents. Another organisation's agent is a 404.</summary>
public static class AgentManagement
{
    public const int MaxNameLength = 80;

    public static readonly TimeSpan OnlineWindow = TimeSpan.FromSeconds(60);

    internal static IEndpointRouteBuilder MapAgentManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        var agents = routes.MapTenantApi("/api/v1/diagnostics/agents", "Diagnostics");
        agents.MapPost("/", Create).WithSummary("Register a scan agent; the response carries its key, shown this once.");
        agents.MapGet("/", List);
        agents.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke a scan agent's key: its next request is refused.");
        return routes;
    }

    private static async Task<Results<Created<CreatedAgentResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAgentRequest request, OrganizationScope scope, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.ManageAdapters))
        {
            return Problems.Forbidden("Only an Owner, Manager or Technician can register scan agents.");
        }
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return Problems.Invalid("name", $"name is 1 to {MaxNameLength} characters.");
        }
        var (key, hash) = ScanAgents.NewKey();
        var agent = ScanAgent.Create(scope.OrganizationId, name, hash, time.GetUtcNow().UtcDateTime);
        db.ScanAgents.Add(agent);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/diagnostics/agents/{agent.Id}", new CreatedAgentResponse(agent.Id, agent.Name, key, agent.CreatedAt));
    }

    private static async Task<Ok<List<AgentResponse>>> List(OrganizationScope scope, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var agents = await db.ScanAgents.AsNoTracking().Where(a => a.OrganizationId == scope.OrganizationId)
            .OrderBy(a => a.Name).ThenBy(a => a.CreatedAt).Take(1000).ToListAsync(ct);
        var since = time.GetUtcNow().UtcDateTime - OnlineWindow;
        return TypedResults.Ok(agents
            .Select(a => new AgentResponse(a.Id, a.Name, a.CreatedAt, a.LastSeenAt, a.RevokedAt, a.RevokedAt is null && a.LastSeenAt >= since))
            .ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var agent = await db.ScanAgents.FirstOrDefaultAsync(a => a.Id == id && a.OrganizationId == scope.OrganizationId, ct);
        if (agent is null)
        {
            return Problems.NotFound("No such scan agent.");
        }
        if (!scope.Can(DiagnosticsPermissions.ManageAdapters))
        {
            return Problems.Forbidden("Only an Owner, Manager or Technician can revoke scan agents.");
        }
        // Its scans in flight fail at the job's next look (AgentScans), without waiting for the silence timeout.
        agent.RevokedAt ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
