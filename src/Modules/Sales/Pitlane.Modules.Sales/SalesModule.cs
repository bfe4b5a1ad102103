using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Sales.Capture;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Modules.Sales.Transcripts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Sales;

/// <summary>Sales voice coach: practice sessions with live feedback on pace, volume, clarity and confidence.</summary>
public sealed class SalesModule : IPitlaneModule
{
    public string Name => "Sales";

    public int Order => 80;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<SalesOptions>("Pitlane:Sales");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<SalesOptions>();
        services.AddModuleDatabase<SalesDbContext, SqliteSalesDbContext, PostgresSalesDbContext>(settings, Name, SalesDbContext.HistoryTable);
        services.AddSingleton<AudioStore>();
        services.AddSingleton<FfmpegDecoder>();
        services.AddSingleton<StreamTickets>();
        services.AddScoped<SessionService>();
        services.AddScoped<TranscriberChoice>();
        services.AddScoped<PocketsphinxTranscriber>();
        services.AddHttpClient<OpenAiTranscriber>(http =>
        {
            http.BaseAddress = new Uri(options.OpenAiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(options.TranscriptionTimeoutSeconds);
        });
        services.AddSingleton(_ => new Reports.CoachingWriter(
            options.AiBaseUrl is { Length: > 0 } ai ? new Pitlane.Ai.OpenAiChatClient(new Uri(ai), options.AiModel, options.AiApiKey, TimeSpan.FromSeconds(options.AiTimeoutSeconds)) : null,
            options.AiModel, TimeSpan.FromSeconds(options.AiTimeoutSeconds)));
        services.AddJobHandler<TranscribeSession, TranscribeSessionJob>(maxAttempts: 2, permission: SalesPermissions.Practice);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapSalesEndpoints();

    public IEnumerable<NavEntry> Navigation => [new("Sales coach", "/Sales", 50, SalesPermissions.Practice, Group: "Sales")];
}
