using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pitlane.Platform.Jobs;

namespace Pitlane.Diagnostics.Lane;

/// <summary>The diagnostics lane: adapters, scans run as jobs, vehicle health, interpretation and reports.</summary>
public static class DiagnosticsModule
{
    public static IServiceCollection AddDiagnostics(this IServiceCollection services)
    {
        services.AddScoped<AdapterPolicy>();
        services.AddSingleton<BuiltInVehicleSimulator>();
        services.AddHostedService(provider => provider.GetRequiredService<BuiltInVehicleSimulator>());
        services.AddScoped<HealthService>();
        services.AddScoped<InterpretationService>();
        services.AddSingleton<IDiagnosisInterpreter, AiDiagnosisInterpreter>();
        services.AddJobHandler<ScanJob, ScanJobHandler>("diagnostics.scan", maxAttempts: 2);
        services.AddJobHandler<ClearCodesJob, ClearCodesJobHandler>("diagnostics.clear-codes", maxAttempts: 1);
        services.AddDiagnosticReports();
        services.AddScanAgents();
        services.AddKiosks();
        return services;
    }

    public static IEndpointRouteBuilder MapDiagnosticsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapAdapterEndpoints();
        routes.MapScanEndpoints();
        routes.MapInterpretationEndpoints();
        routes.MapClearCodesEndpoints();
        routes.MapServiceLogEndpoints();
        routes.MapDiagnosticReportEndpoints();
        routes.MapScanAgentEndpoints();
        routes.MapKioskEndpoints();
        return routes;
    }
}
