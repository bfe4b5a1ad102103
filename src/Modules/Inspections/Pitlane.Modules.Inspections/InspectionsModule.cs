using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Inspections.Approval;
using Pitlane.Modules.Inspections.Narration;
using Pitlane.Modules.Inspections.Video;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Inspections;

/// <summary>Digital vehicle inspections from a phone, transcoded video, a spoken summary and the customer's approval link.</summary>
public sealed class InspectionsModule : IPitlaneModule
{
    public string Name => "Inspections";

    public int Order => 58;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<InspectionsOptions>("Pitlane:Inspections");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<InspectionsOptions>();
        services.AddModuleDatabase<InspectionsDbContext, SqliteInspectionsDbContext, PostgresInspectionsDbContext>(settings, Name, InspectionsDbContext.HistoryTable);
        services.AddScoped<InspectionService>();
        services.AddScoped<ApprovalService>();
        services.AddSingleton<ApprovalLinks>();
        services.AddJobHandler<TranscodeVideo, TranscodeVideoHandler>("inspections.transcode-video", maxAttempts: 2, permission: InspectionsPermissions.Inspect);
        services.AddJobHandler<NarrateInspection, NarrateInspectionHandler>("inspections.narrate", maxAttempts: 3, permission: InspectionsPermissions.Send);
        switch (options.Speech)
        {
            case "elevenlabs":
                services.AddHttpClient<ISpeechSynthesizer, ElevenLabsSpeech>(http =>
                {
                    http.BaseAddress = new Uri(options.ElevenLabsBaseUrl.TrimEnd('/') + "/");
                    http.Timeout = TimeSpan.FromSeconds(60);
                });
                break;
            default:
                services.AddScoped<ISpeechSynthesizer, EspeakSpeech>();
                break;
        }
        Pitlane.Ai.OpenAiChatClient? chat = options.AiBaseUrl is { Length: > 0 } ai
            ? new Pitlane.Ai.OpenAiChatClient(new Uri(ai), options.AiModel, options.AiApiKey, TimeSpan.FromSeconds(options.AiTimeoutSeconds))
            : null;
        services.AddSingleton(_ => new NarrationWriter(chat, TimeSpan.FromSeconds(options.AiTimeoutSeconds)));
        services.AddSingleton(_ => new Estimate.EstimateSuggester(chat, chat?.Model, TimeSpan.FromSeconds(options.AiTimeoutSeconds)));
        services.AddPerClientRateLimit(InspectionEndpoints.PublicRateLimitPolicy, options.PublicRequestsPerMinute, "inspection approval link");
        services.AddScoped<IDemoSeed, DemoInspectionTemplate>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => Estimate.EstimateEndpoints.MapEstimateEndpoints(routes.MapInspectionEndpoints());

    public IEnumerable<NavEntry> Navigation => [new("Inspections", "/Inspections", 33, InspectionsPermissions.View, Group: "Shop")];

    public IEnumerable<DashboardCard> DashboardCards => [];
}

/// <summary>The demo shop's multi-point inspection template, so the first inspection needs no set-up.</summary>
internal sealed class DemoInspectionTemplate(InspectionService inspections, ILogger<DemoInspectionTemplate> logger) : IDemoSeed
{
    public int Order => 58;

    public async Task SeedAsync(DemoSeedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.OrganizationId is not { } shop)
        {
            return;
        }
        var template = await inspections.EnsureDefaultTemplateAsync(shop, ct);
        logger.LogInformation("Demo inspection template {Template} has {Items} items", template.Name, template.Items.Count);
    }
}
