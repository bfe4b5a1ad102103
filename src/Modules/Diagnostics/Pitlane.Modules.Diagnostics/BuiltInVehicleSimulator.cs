using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Obd.Simulator;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

/// <summary>Pitlane:Diagnostics:Simulator — the embedded profile's built-in vehicle simulator.</summary>
public sealed class VehicleSimulatorOptions
{
    public bool Enabled { get; set; }

    /// <summary>One of the simulator's scenarios (healthy, misfire, lean, ...; `pitlane sim --help` lists them).</summary>
    public string Scenario { get; set; } = "misfire";

    /// <summary>Loopback port; when taken, a free one is used and the demo adapter follows it.</summary>
    public int Port { get; set; } = 35000;
}

/// <summary>
/// The vehicle simulator (an ELM327 speaking the real protocol over TCP on loopback) as a product feature of the embedded
/// profile: a car in the lane to scan without hardware. The demo shop gets an adapter "Lane 1 (vehicle simulator)" that
/// points at it, updated on every start. Its VIN is the demo shop's first car.
/// </summary>
public sealed class BuiltInVehicleSimulator(
    IServiceProvider services, IOptions<DiagnosticsOptions> options, TimeProvider time, ILogger<BuiltInVehicleSimulator> logger) : IHostedService, IAsyncDisposable
{
    public const string AdapterName = "Lane 1 (vehicle simulator)";

    private ElmSimulatorServer? _server;

    /// <summary>The port it listens on once started; null when switched off.</summary>
    public int? Port => _server?.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Simulator;
        if (!settings.Enabled)
        {
            return;
        }
        _server = await StartServerAsync(settings, settings.Port, cancellationToken);
        logger.LogInformation("Vehicle simulator ({Scenario}) listening on tcp://127.0.0.1:{Port}", settings.Scenario, _server.Port);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DiagnosticsDbContext>();
        var demo = await scope.ServiceProvider.GetRequiredService<IOrganizationDirectory>().FindAsync(DemoShop.Name, OrganizationKind.Shop, cancellationToken);
        if (demo is not { } organizationId)
        {
            return;
        }
        var uri = $"tcp://127.0.0.1:{_server.Port}";
        var adapter = await db.ScanAdapters.FirstOrDefaultAsync(a => a.OrganizationId == organizationId && a.Name == AdapterName, cancellationToken);
        if (adapter is null)
        {
            db.ScanAdapters.Add(ScanAdapter.Create(organizationId, AdapterName, uri, AdapterKind.Tcp, null, time.GetUtcNow().UtcDateTime));
        }
        else if (adapter.Uri != uri)
        {
            db.ScanAdapters.Remove(adapter);
            await db.SaveChangesAsync(cancellationToken);
            db.ScanAdapters.Add(ScanAdapter.Create(organizationId, AdapterName, uri, AdapterKind.Tcp, null, time.GetUtcNow().UtcDateTime));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<ElmSimulatorServer> StartServerAsync(VehicleSimulatorOptions settings, int port, CancellationToken ct)
    {
        var server = new ElmSimulatorServer(new SimulatorOptions { Scenario = settings.Scenario, Port = port });
        try
        {
            await server.StartAsync(ct);
            return server;
        }
        catch (SocketException e) when (port != 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            await server.DisposeAsync();
            logger.LogWarning("Port {Port} is taken; the vehicle simulator uses a free port instead", port);
            return await StartServerAsync(settings, 0, ct);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }
}
