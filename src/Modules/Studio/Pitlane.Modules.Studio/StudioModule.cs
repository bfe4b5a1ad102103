using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Studio;

/// <summary>
/// The listing studio: vehicle photos with the background removed (a platform job per photo), backdrops in listing
/// sizes, and listing/marketing text per platform behind an advertising guardrail. Uses the Media store and the
/// Vehicles directory through their contracts.
/// </summary>
public sealed class StudioModule : IPitlaneModule
{
    public string Name => "Studio";

    public int Order => 100;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<StudioOptions>("Pitlane:Studio");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<StudioDbContext, SqliteStudioDbContext, PostgresStudioDbContext>(settings, Name, StudioDbContext.HistoryTable);
        services.AddSingleton<StudioEngine>();
        services.AddScoped<StudioPhotos>();
        services.AddScoped<StudioContent>();
        services.AddScoped<StudioWorkers>();
        services.AddScoped<CurrentWorker>();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, WorkerAuthenticationHandler>(
            WorkerAuthenticationHandler.SchemeName, "Listing studio worker key (X-Worker-Key)", null);
        services.AddPerClientRateLimit(WorkerEndpoints.RateLimitPolicy, 600, "listing studio worker");
        var options = settings.Get<StudioOptions>();
        if (options.AiBaseUrl is { Length: > 0 } ai)
        {
            services.AddSingleton<IContentWriter>(sp => new AiContentWriter(
                new Pitlane.Ai.OpenAiChatClient(new Uri(ai), options.AiModel, options.AiApiKey, TimeSpan.FromSeconds(options.AiTimeoutSeconds)),
                options.AiModel, TimeSpan.FromSeconds(options.AiTimeoutSeconds),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AiContentWriter>>()));
        }
        else
        {
            services.AddSingleton<IContentWriter, TemplateWriter>();
        }

        services.AddJobHandler<RemoveBackground, RemoveBackgroundHandler>("studio.remove-background", maxAttempts: 2, permission: StudioPermissions.Edit);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPhotoEndpoints();
        routes.MapProjectEndpoints();
        routes.MapWorkerEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Listing studio", "/Studio", 51, StudioPermissions.View, Group: "Sales")];

    public IEnumerable<DashboardCard> DashboardCards => [];
}
