using Pitlane.Platform.Retention;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>The diagnostics lane: adapters, scans run as jobs, vehicle health, interpretation and reports.</summary>
public sealed class DiagnosticsModule : IPitlaneModule
{
    public string Name => "Diagnostics";

    public int Order => 30;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<DiagnosticsOptions>("Pitlane:Diagnostics");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<DiagnosticsDbContext, SqliteDiagnosticsDbContext, PostgresDiagnosticsDbContext>(settings, Name, DiagnosticsDbContext.HistoryTable);
        services.AddScoped<AdapterPolicy>();
        services.AddRetention<InterpretationRetention>();
        services.AddSingleton<BuiltInVehicleSimulator>();
        services.AddHostedService(provider => provider.GetRequiredService<BuiltInVehicleSimulator>());
        services.AddSingleton<IWelcomeNote, SimulatorNote>();
        services.AddScoped<HealthService>();
        services.AddScoped<Pitlane.Modules.Diagnostics.Contracts.IVehicleDiagnostics, VehicleDiagnosticsContract>();
        services.AddScoped<DiagnosticsQueries>();
        services.AddScoped<KioskCommands>();
        services.AddScoped<KioskSessions>();
        services.AddScoped<InterpretationService>();
        services.AddScoped<Pitlane.Modules.Diagnostics.Contracts.IScanFindings, ScanFindingsDirectory>();
        services.AddSingleton<IDiagnosisInterpreter, AiDiagnosisInterpreter>();
        services.AddJobHandler<ScanJob, ScanJobHandler>("diagnostics.scan", maxAttempts: 2, permission: DiagnosticsPermissions.Scan);
        services.AddJobHandler<ClearCodesJob, ClearCodesJobHandler>("diagnostics.clear-codes", maxAttempts: 1, permission: DiagnosticsPermissions.ClearCodes);
        services.AddDiagnosticReports();
        services.AddScanAgents();
        services.AddKiosks();
        services.AddDeviceAuthentication();
        services.AddScoped<IDemoSeed, DemoDiagnostics>();
        services.AddIntegrationEventHandler<VehicleDeleted, VehicleDeletedHandler, DiagnosticsDbContext>(EventDelivery.Work, "diagnostics.vehicle-deleted");
        services.AddPerClientRateLimit(ReportEndpoints.PublicRateLimitPolicy, settings.Get<DiagnosticsOptions>().PublicReportRequestsPerMinute, "shared-report");
        services.AddPerClientRateLimit(DiagnosticsOptions.DeviceRateLimitPolicy, settings.Get<DiagnosticsOptions>().DeviceRequestsPerMinute, "scan-agent or kiosk");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapAdapterEndpoints();
        routes.MapScanEndpoints();
        routes.MapInterpretationEndpoints();
        routes.MapClearCodesEndpoints();
        routes.MapServiceLogEndpoints();
        routes.MapDiagnosticReportEndpoints();
        routes.MapScanAgentEndpoints();
        routes.MapKioskEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Diagnostics", "/Diagnostics", 20, DiagnosticsPermissions.Scan, "nav-diagnostics")];
}

/// <summary>
/// A deleted vehicle's diagnostics go with it: scans (their reports and interpretations cascade inside the module),
/// code clearings and service entries. Runs once per event (the inbox row commits with the deletes).
/// </summary>
internal sealed class VehicleDeletedHandler(DiagnosticsDbContext db) : IIntegrationEventHandler<VehicleDeleted>
{
    public async Task HandleAsync(VehicleDeleted integrationEvent, CancellationToken ct)
    {
        var (organization, vehicle) = (integrationEvent.OrganizationId, integrationEvent.VehicleId);
        db.Scans.RemoveRange(await db.Scans.Where(s => s.OrganizationId == organization && s.VehicleId == vehicle).ToListAsync(ct));
        db.CodeClearings.RemoveRange(await db.CodeClearings.Where(c => c.OrganizationId == organization && c.VehicleId == vehicle).ToListAsync(ct));
        db.ServiceEntries.RemoveRange(await db.ServiceEntries.Where(e => e.OrganizationId == organization && e.VehicleId == vehicle).ToListAsync(ct));
    }
}

/// <summary>The demo shop's prices for estimates and its cars' service history.</summary>
internal sealed class DemoDiagnostics(DiagnosticsDbContext db, IVehicleDirectory vehicles, TimeProvider time) : IDemoSeed
{
    public int Order => 30;

    public async Task SeedAsync(DemoSeedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.OrganizationId is not { } shop)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        // A demo seeded before shop prices existed gets them too; a garage that has a profile keeps its own.
        await ShopPrices.SeedDemoAsync(db, shop, now, ct);
        await DemoServiceLog.SeedAsync(db, vehicles, shop, now, ct);
    }
}

/// <summary>Where the built-in simulator listens, in the console greeting.</summary>
internal sealed class SimulatorNote(BuiltInVehicleSimulator simulator, IOptions<DiagnosticsOptions> options) : IWelcomeNote
{
    public IEnumerable<string> Lines(string baseUrl)
    {
        if (simulator.Port is { } port)
        {
            yield return $"  vehicle simulator ({options.Value.Simulator.Scenario}): tcp://127.0.0.1:{port}, adapter '{BuiltInVehicleSimulator.AdapterName}' of the demo shop";
            yield return $"  diagnostics kiosk: {baseUrl.TrimEnd('/')}/Diagnostics/Kiosk";
        }
    }
}
