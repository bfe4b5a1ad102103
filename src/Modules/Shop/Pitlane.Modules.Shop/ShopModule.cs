using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.Kpis;
using Pitlane.Modules.Shop.Porter;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Payments.Contracts;

namespace Pitlane.Modules.Shop;

/// <summary>The repair shop: customers, repair orders from estimate to paid, invoices, bays and bay bookings.</summary>
public sealed class ShopModule : IPitlaneModule
{
    public string Name => "Shop";

    public int Order => 50;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<ShopOptions>("Pitlane:Shop");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<ShopDbContext, SqliteShopDbContext, PostgresShopDbContext>(settings, Name, ShopDbContext.HistoryTable);
        services.AddScoped<ShopSettingsStore>();
        services.AddScoped<Customers.Customers>();
        services.AddScoped<RepairOrders.RepairOrders>();
        services.AddScoped<RepairOrders.JobBoard>();
        services.AddScoped<IRepairOrderJobs>(provider => provider.GetRequiredService<RepairOrders.RepairOrders>());
        services.AddScoped<InvoiceDocuments>();
        services.AddScoped<IShopCustomerDirectory, ShopCustomerDirectory>();
        services.AddScoped<IShopRepairOrders, ShopRepairOrderDirectory>();
        services.AddScoped<IShopServiceHistory, ShopServiceHistory>();
        services.AddScoped<IRepairOrderIntake, RepairOrderIntake>();
        services.AddScoped<Bookings>();
        services.AddScoped<Loaners>();
        services.AddScoped<Kpis.ShopKpis>();
        services.AddScoped<IDemoSeed, DemoShopSeed>();
        services.AddIntegrationEventHandler<PaymentIntentStatusChanged, PaymentStatusHandler, ShopDbContext>();
        services.AddScoped<Imports.ImportWriter>();
        services.AddScoped<Imports.Csv.CsvImport>();
        services.AddHttpClient<Imports.Tekmetric.TekmetricClient>(http => http.Timeout = TimeSpan.FromSeconds(settings.Get<ShopOptions>().Tekmetric.TimeoutSeconds));
        services.AddJobHandler<Imports.Tekmetric.TekmetricImportJob, Imports.Tekmetric.TekmetricImporter>("shop.tekmetric-import", maxAttempts: 3, permission: ShopPermissions.Import);
        services.AddScoped<RepairOrders.ScanIntake>();
        services.AddScoped<Pitlane.Modules.Diagnostics.Contracts.IScanActionProvider, RepairOrders.ShopScanActions>();
        services.AddScoped<CustomerVehicleLinks>();
        services.AddScoped<ShopPageQueries>();
        services.AddScoped<CheckInPhotos>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapCustomerEndpoints();
        routes.MapRepairOrderEndpoints();
        routes.MapBayEndpoints();
        routes.MapShopSettingsEndpoints();
        routes.MapTechnicianClockEndpoints();
        routes.MapPorterEndpoints();
        routes.MapKpiEndpoints();
        Imports.ImportEndpoints.MapImportEndpoints(routes);
        routes.MapScanIntakeEndpoints();
        routes.MapCheckInPhotoEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Job board", "/Shop", 30, ShopPermissions.View, Group: "Shop"), new("Workshop floor", "/Shop/Floor", 31, ShopPermissions.BookBays, Group: "Shop"), new("Customers", "/Shop/Customers", 32, ShopPermissions.View, Group: "Shop"), new("Loaners", "/Shop/Loaners", 33, ShopPermissions.MoveCars, Group: "Shop"), new("Shop KPIs", "/Shop/Kpis", 39, ShopPermissions.SeeKpis, Group: "Shop"), new("Import customers", "/Shop/Imports", 38, ShopPermissions.Import, Group: "Shop")];
}

/// <summary>The demo shop's customers, repair orders and bays, made through the same services as the API.</summary>
internal sealed class DemoShopSeed(
    Customers.Customers customers, RepairOrders.RepairOrders orders, Bookings bookings, IVehicleDirectory vehicles, ShopDbContext db, TimeProvider time,
    ILogger<DemoShopSeed> logger) : IDemoSeed
{
    public int Order => 50;

    public async Task SeedAsync(DemoSeedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.OrganizationId is not { } shop || db.Customers.Any(c => c.OrganizationId == shop))
        {
            return;
        }
        var seeder = Guid.Empty;
        foreach (var (name, lift, alignment, ev) in new[] { ("Bay 1", true, false, false), ("Bay 2", true, true, false), ("Bay 3 (EV)", true, false, true) })
        {
            await bookings.AddBayAsync(shop, new BayRequest(name, lift, alignment, ev, "07:00", "19:00", "UTC"), ct);
        }
        var accord = await vehicles.FindByVinAsync(shop, "1HGCM82633A004352", ct);
        var wagon = await vehicles.FindByVinAsync(shop, "WBA8E9G58GNT12345", ct);
        var alex = (await customers.CreateAsync(shop, seeder, new CustomerRequest("person", "Alex Moreno", "(555) 010-2030", "alex.moreno@example.test", "sms"), null, ct)).Value!;
        await customers.SetConsentAsync(shop, seeder, alex.Id, new ConsentRequest("sms", true, "signed form at the counter"), ct);
        var fleet = (await customers.CreateAsync(shop, seeder, new CustomerRequest("business", "Harbor Courier Ltd", "(555) 010-9000", "fleet@harbor.example.test", "email"), null, ct)).Value!;
        if (accord is null || wagon is null)
        {
            return;
        }
        await customers.LinkVehicleAsync(shop, seeder, alex.Id, accord.Id, ct);
        await customers.LinkVehicleAsync(shop, seeder, fleet.Id, wagon.Id, ct);
        var brakes = (await orders.OpenAsync(shop, seeder, fleet.Id, wagon.Id, 73_300, ct)).Value!;
        await orders.AddJobAsync(shop, brakes.Id, new NewShopJob("Front brake pads and rotors", "Grinding noise when braking", "Front pads worn to 2 mm, rotors scored",
            [new("Replace front pads and rotors", 1.8m)], [new("Front brake pad set", "BP-1123", 1, 42_50), new("Front brake rotor", "BR-553", 2, 61_00)]), seeder, ct);
        await orders.AddJobAsync(shop, brakes.Id, new NewShopJob("Brake fluid flush", "Due by mileage", null, [new("Flush and bleed brake fluid", 0.8m)],
            [new("DOT 4 brake fluid, 1 l", "BF-4", 1, 9_80)]), seeder, ct);
        var oil = (await orders.OpenAsync(shop, seeder, alex.Id, accord.Id, 212_400, ct)).Value!;
        await orders.AddJobAsync(shop, oil.Id, new NewShopJob("Oil and filter change", "Oil change light on", null, [new("Change oil and filter", 0.5m)],
            [new("5W-30 oil, 1 l", "OIL-530", 4.5m, 6_20), new("Oil filter", "OF-77", 1, 7_40)]), seeder, ct);
        await orders.ChangeAsync(shop, oil.Id, seeder, (o, a) => o.Authorise(null, a), ct);
        var today = time.GetUtcNow().UtcDateTime.Date;
        var bay = (await bookings.BaysAsync(shop, ct))[0];
        await bookings.BookAsync(shop, bay.Id, seeder, new BookingRequest(new DateTimeOffset(today.AddDays(1).AddHours(9), TimeSpan.Zero),
            new DateTimeOffset(today.AddDays(1).AddHours(10), TimeSpan.Zero), "RO " + oil.Number + ": oil and filter", oil.Id), ct);
        logger.LogInformation("Seeded the demo shop's customers, repair orders and bays");
    }
}
