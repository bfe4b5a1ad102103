using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Obd;
using Pitlane.Obd.Transport;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

public sealed record CreateAdapterRequest(string? Name, string? Uri);

/// <param name="Kind">tcp, serial or agent.</param>
public sealed record AdapterResponse(Guid Id, string Name, string Uri, string Kind, Guid? AgentId, DateTime CreatedAt)
{
    public static AdapterResponse From(ScanAdapter a) => new(a.Id, a.Name, a.Uri, a.Kind.ToString().ToLowerInvariant(), a.AgentId, a.CreatedAt);
}

/// <summary>
/// The organisation's scan adapters. An adapter's address is checked against Pitlane:Diagnostics:AllowedAdapterNetworks
/// here and again at every connect, so the server cannot be aimed at arbitrary addresses.
/// </summary>
public static class AdapterEndpoints
{
    public static IEndpointRouteBuilder MapAdapterEndpoints(this IEndpointRouteBuilder routes)
    {
        var adapters = routes.MapTenantApi("/api/v1/diagnostics/adapters", "Diagnostics");
        adapters.MapPost("/", Create);
        adapters.MapGet("/", List);
        adapters.MapDelete("/{id:guid}", Delete);
        return routes;
    }

    private static async Task<Results<Created<AdapterResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAdapterRequest request, OrganizationScope scope, DiagnosticsDbContext db, AdapterPolicy policy, TimeProvider time, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.ManageAdapters))
        {
            return Problems.Forbidden("Only an Owner, Manager or Technician can register scan adapters.");
        }
        var name = request.Name?.Trim();
        var check = new Validation()
            .Require(!string.IsNullOrEmpty(name) && name.Length <= 80, "name", "name is required (at most 80 characters).")
            .Require(!string.IsNullOrWhiteSpace(request.Uri) && request.Uri.Length <= 300, "uri", "uri is required (at most 300 characters): tcp://HOST:PORT, serial:///dev/ttyUSB0 or agent://AGENT-ID.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var target = await policy.CheckAsync(scope.OrganizationId, request.Uri!.Trim(), ct);
        if (target.Refusal is { } refusal)
        {
            return Problems.Invalid("uri", refusal);
        }
        if (await db.ScanAdapters.AnyAsync(a => a.OrganizationId == scope.OrganizationId && a.Name == name, ct))
        {
            return Problems.Conflict($"An adapter named '{name}' already exists.");
        }
        var adapter = ScanAdapter.Create(scope.OrganizationId, name!, target.Uri!, target.Kind, target.AgentId, time.GetUtcNow().UtcDateTime);
        db.ScanAdapters.Add(adapter);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/diagnostics/adapters/{adapter.Id}", AdapterResponse.From(adapter));
    }

    private static async Task<Ok<List<AdapterResponse>>> List(OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var adapters = await db.ScanAdapters.AsNoTracking().Where(a => a.OrganizationId == scope.OrganizationId)
            .OrderBy(a => a.Name).ToListAsync(ct);
        return TypedResults.Ok(adapters.Select(AdapterResponse.From).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var adapter = await db.ScanAdapters.FirstOrDefaultAsync(a => a.Id == id && a.OrganizationId == scope.OrganizationId, ct);
        if (adapter is null)
        {
            return Problems.NotFound("No such adapter.");
        }
        if (!scope.Can(DiagnosticsPermissions.ManageAdapters))
        {
            return Problems.Forbidden("Only an Owner, Manager or Technician can remove scan adapters.");
        }
        // A kiosk screen in the lane depends on it: removing the adapter would silently unpair the screen. Revoked kiosks go with it.
        var kiosks = await db.Kiosks.AsNoTracking().Where(k => k.AdapterId == id && k.RevokedAt == null).Select(k => k.Name).ToListAsync(ct);
        if (kiosks.Count > 0)
        {
            return Problems.Conflict($"The kiosk{(kiosks.Count > 1 ? "s" : "")} {string.Join(", ", kiosks.Select(k => $"'{k}'"))} use{(kiosks.Count > 1 ? "" : "s")} this adapter: revoke {(kiosks.Count > 1 ? "them" : "it")} first (Diagnostics → Kiosks).");
        }
        db.ScanAdapters.Remove(adapter);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

/// <param name="Uri">The normalised address to store.</param>
/// <param name="Connect">For tcp: the address to connect to now (the host resolved and checked).</param>
public sealed record AdapterTarget(string? Uri, AdapterKind Kind, Guid? AgentId, string? Connect, string? Refusal)
{
    public static AdapterTarget Refused(string reason) => new(null, default, null, null, reason);
}

/// <summary>Which adapter addresses this server may use (Pitlane:Diagnostics).</summary>
public sealed class AdapterPolicy(IOptions<DiagnosticsOptions> options, IOptions<PitlaneOptions> platform, DiagnosticsDbContext db)
{
    private readonly DiagnosticsOptions _options = options.Value;

    public async Task<AdapterTarget> CheckAsync(Guid organizationId, string uri, CancellationToken ct)
    {
        if (uri.StartsWith("agent:", StringComparison.OrdinalIgnoreCase))
        {
            var text = uri["agent:".Length..].TrimStart('/');
            if (!Guid.TryParse(text, out var agentId))
            {
                return AdapterTarget.Refused($"'{uri}' is not agent://AGENT-ID with the id of a scan agent (POST /api/v1/diagnostics/agents).");
            }
            var agent = await db.ScanAgents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.OrganizationId == organizationId, ct);
            if (agent is null || agent.RevokedAt is not null)
            {
                return AdapterTarget.Refused($"There is no active scan agent {agentId} in this organisation.");
            }
            return new AdapterTarget($"agent://{agentId}", AdapterKind.Agent, agentId, null, null);
        }
        AdapterAddress address;
        try
        {
            address = AdapterAddress.Parse(uri);
        }
        catch (AdapterUriException e)
        {
            return AdapterTarget.Refused(e.Message);
        }
        switch (address)
        {
            case TcpAdapterAddress tcp:
                // Validated at start-up (DiagnosticsOptions.Validate): it parses.
                AdapterNetworks.TryParse(_options.EffectiveAdapterNetworks(platform.Value.Database.Provider), out var networks, out _);
                var (ip, refusal) = await networks.ResolveAsync(tcp.Host, ct);
                if (ip is null)
                {
                    return AdapterTarget.Refused($"The adapter address is not allowed: {refusal}");
                }
                var host = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
                return new AdapterTarget(tcp.ToString(), AdapterKind.Tcp, null, $"tcp://{host}:{tcp.Port}", null);
            case SerialAdapterAddress serial:
                if (!_options.AllowSerialAdapters)
                {
                    return AdapterTarget.Refused("Serial adapters are switched off on this server (Pitlane:Diagnostics:AllowSerialAdapters).");
                }
                if (!IsSerialDevice(serial.DevicePath) || !IsSerialDevice(LinkTarget(serial.DevicePath)))
                {
                    return AdapterTarget.Refused($"'{serial.DevicePath}' is not a serial device path (/dev/ttyUSB0, /dev/ttyACM0, /dev/ttyS0, /dev/rfcomm0, /dev/serial/by-id/...).");
                }
                return new AdapterTarget(serial.ToString(), AdapterKind.Serial, null, serial.ToString(), null);
            default:
                return AdapterTarget.Refused($"'{uri}' is not a supported adapter address.");
        }
    }

    /// <summary>
    /// Only serial ports: not /dev/sda, not a path that climbs out of /dev, not a virtual console (/dev/tty0) and never a
    /// pseudo-terminal (/dev/pts/N: another user's terminal session or a process posing as an adapter).
    /// </summary>
    private static bool IsSerialDevice(string path) =>
        !path.Contains("..", StringComparison.Ordinal)
        && System.Text.RegularExpressions.Regex.IsMatch(path, @"^/dev/(tty(S|USB|ACM|AMA|THS|XRUSB|mxc)[0-9]+|rfcomm[0-9]+|serial/by-(id|path)/[A-Za-z0-9._:+-]+)$");

    /// <summary>Where a /dev/serial/by-id link points (checked like the path itself); the path when it is no link.</summary>
    private static string LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
