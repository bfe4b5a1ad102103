using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Assistant;

/// <summary>
/// The vehicle assistant: a chat over the caller's own records through the other modules' contracts, answered by an
/// OpenAI-compatible model with the shared tool catalog (<see cref="Pitlane.Ai.Tools.ToolCatalog"/>), or offline by rules.
/// It keeps no store: the page holds the conversation and sends its recent turns with each question.
/// </summary>
public sealed class AssistantModule : IPitlaneModule
{
    public string Name => "Assistant";

    public int Order => 110;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<AssistantOptions>("Pitlane:Assistant");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        services.AddSingleton<AssistantModel>();
        services.AddScoped<AssistantToolbox>();
        services.AddScoped<RuleAssistant>();
        services.AddScoped<AssistantChat>();
        services.AddScoped<AssistantPageData>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapAssistantEndpoints();

    public IEnumerable<NavEntry> Navigation => [new("Assistant", "/Assistant", 12, AssistantPermissions.Use, "nav-assistant")];

    public IEnumerable<DashboardCard> DashboardCards => [];
}
