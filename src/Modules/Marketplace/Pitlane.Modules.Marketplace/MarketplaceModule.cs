using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Marketplace;

/// <summary>Parts marketplace (listings, fitment search, escrow orders) and the public provenance log of part events.</summary>
public sealed class MarketplaceModule : IPitlaneModule
{
    public string Name => "Marketplace";

    public int Order => 70;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<MarketplaceOptions>("Pitlane:Marketplace");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<MarketplaceDbContext, SqliteMarketplaceDbContext, PostgresMarketplaceDbContext>(settings, Name, MarketplaceDbContext.HistoryTable);
        services.AddSingleton<LogKeyHolder>();
        services.AddScoped<ProvenanceLog>();
        services.AddScoped<OrderService>();
        services.AddScoped<Pitlane.Modules.Marketplace.Contracts.IMarketplaceBrowser, MarketplaceBrowser>();
        services.AddSingleton<EscrowReleaseWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<EscrowReleaseWorker>());
        services.AddPerClientRateLimit(ProvenanceEndpoints.RateLimitPolicy, 600, "provenance log");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapProvenanceEndpoints();
        routes.MapListingEndpoints();
        routes.MapOrderEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [];
}
