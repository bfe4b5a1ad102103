using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Marketplace.Cart;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Modules.Marketplace.Provenance.Hedera;
using Pitlane.Modules.Marketplace.Sellers;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
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
        services.AddScoped<ListingService>();
        services.AddScoped<CartService>();
        services.AddScoped<SellerPlans>();
        services.AddIntegrationEventHandler<PaymentIntentStatusChanged, OrderPaymentHandler, MarketplaceDbContext>();
        services.AddSingleton<EscrowReleaseWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<EscrowReleaseWorker>());
        var options = settings.Get<MarketplaceOptions>();
        if (options.Hedera.Enabled)
        {
            services.AddSingleton(_ => new HederaConsensusClient(options.Hedera));
            // One long-lived client (the anchorer is a singleton); pooled connections are renewed so DNS changes are seen.
            services.AddSingleton(_ => new HederaMirrorClient(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(options.Hedera.MirrorUrl.TrimEnd('/') + "/"),
                Timeout = TimeSpan.FromSeconds(options.Hedera.TimeoutSeconds),
            }));
            services.AddSingleton<CheckpointAnchorer>();
            services.AddHostedService<HederaAnchorWorker>();
        }
        services.AddPerClientRateLimit(ProvenanceEndpoints.RateLimitPolicy, 600, "provenance log");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapProvenanceEndpoints();
        routes.MapListingEndpoints();
        routes.MapOrderEndpoints();
        routes.MapCartEndpoints();
        routes.MapSellerEndpoints();
    }

    public IEnumerable<NavEntry> Navigation =>
    [
        new("Find parts", "/Marketplace", 70, MarketplacePermissions.Browse, "nav-marketplace", Group: "Marketplace"),
        new("Cart", "/Marketplace/Cart", 71, MarketplacePermissions.Buy, "nav-marketplace-cart", Group: "Marketplace"),
        new("My orders", "/Marketplace/Orders", 72, MarketplacePermissions.ViewOrders, "nav-marketplace-orders", Group: "Marketplace"),
        new("Sales & payouts", "/Marketplace/Sales", 74, MarketplacePermissions.Sell, "nav-marketplace-sales", Group: "Marketplace"),
    ];
}
