using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pitlane.Modules.Estimator.PartsTech;
using Pitlane.Modules.Estimator.Pipeline;
using Pitlane.Platform;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Modules.Estimator;

/// <summary>Parts and labor quotes: suppliers, book times, the 12-step pipeline, overrides and supplier orders.</summary>
public sealed class EstimatorModule : IPitlaneModule
{
    public const string CallbackRateLimit = "estimator-partstech-callback";

    public string Name => "Estimator";

    public int Order => 60;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<EstimatorOptions>("Pitlane:Estimator");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<EstimatorOptions>();
        services.AddModuleDatabase<EstimatorDbContext, SqliteEstimatorDbContext, PostgresEstimatorDbContext>(settings, Name, EstimatorDbContext.HistoryTable);
        if (options.BuiltInSuppliers)
        {
            foreach (var supplier in BuiltInSuppliers.Create()) services.AddSingleton<IPartsSupplier>(supplier);
        }
        if (!string.IsNullOrEmpty(options.PartsTech.BaseUrl))
        {
            services.AddSingleton<PartsTechTokenCache>();
            services.AddHttpClient<PartsTechClient>(http => http.BaseAddress = new Uri(options.PartsTech.BaseUrl.TrimEnd('/') + "/"));
            services.AddTransient<IPartsSupplier>(provider => provider.GetRequiredService<PartsTechClient>());
        }
        services.AddScoped<SupplierRegistry>();
        services.AddScoped<PricingStore>();
        services.AddScoped<EstimatePipeline>();
        services.AddScoped<QuoteService>();
        services.AddScoped<IRepairOrderWriter, ShopRepairOrderWriter>();
        services.AddPerClientRateLimit(CallbackRateLimit, 120, "PartsTech punchout callbacks");
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapEstimatorEndpoints();

    public IEnumerable<NavEntry> Navigation => [new("Parts & labor", "/Estimator", 34, EstimatorPermissions.View, Group: "Shop")];

    public IEnumerable<DashboardCard> DashboardCards => [];
}

/// <summary>Every supplier this installation quotes: the built-in simulated ones and PartsTech when configured.</summary>
public sealed class SupplierRegistry(IEnumerable<IPartsSupplier> suppliers)
{
    private readonly IReadOnlyList<IPartsSupplier> _all = suppliers.ToList();

    public IReadOnlyList<IPartsSupplier> All() => _all;

    public IPartsSupplier? Find(string id) => _all.FirstOrDefault(s => s.Id == id);
}
