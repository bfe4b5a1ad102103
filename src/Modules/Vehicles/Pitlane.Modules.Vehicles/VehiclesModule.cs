using Pitlane.Platform.Retention;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Live;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Vin.Vpic;

namespace Pitlane.Modules.Vehicles;

/// <summary>The one vehicle record every module shares, VIN decoding, and the vehicle pages.</summary>
public sealed class VehiclesModule : IPitlaneModule
{
    public string Name => "Vehicles";

    public int Order => 10;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<VpicOptions>("Pitlane:Vpic");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var vpic = settings.Get<VpicOptions>();
        services.AddModuleDatabase<VehiclesDbContext, SqliteVehiclesDbContext, PostgresVehiclesDbContext>(settings, Name, VehiclesDbContext.HistoryTable);
        services.AddScoped<VinDecodingService>();
        services.AddRetention<VinCacheRetention>();
        services.AddScoped<VehicleRegistration>();
        services.AddScoped<VehicleChanges>();
        services.AddScoped<VehicleQueries>();
        if (settings.Options.Database.Provider == DatabaseProvider.Sqlite)
        {
            var sqlite = DatabaseSetup.SqliteConnectionString(settings.Options, settings.ConnectionString);
            services.AddSingleton<IVehicleReader>(_ => new SqliteVehicleReader(sqlite));
        }
        else
        {
            services.AddScoped<IVehicleReader, EfVehicleReader>();
        }
        services.AddScoped<IVehicleDirectory>(provider => provider.GetRequiredService<VehicleQueries>());
        services.AddScoped<ILiveGroupOwner>(provider => provider.GetRequiredService<VehicleQueries>());
        services.AddScoped<IVehicleRegistrar>(provider => provider.GetRequiredService<VehicleRegistration>());
        services.AddScoped<IVinLookup, VinLookup>();
        services.AddScoped<IVehicleSearch, VehicleSearch>();
        services.AddScoped<IDemoSeed, DemoVehicles>();
        services.AddSingleton<VpicCircuit>();
        services.AddHttpClient<VpicClient>(http =>
        {
            http.BaseAddress = new Uri(vpic.BaseUrl);
            http.Timeout = TimeSpan.FromSeconds(vpic.TimeoutSeconds);
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapVinEndpoints();
        routes.MapVehicleEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Vehicles", "/Vehicles", 10)];

    public IEnumerable<DashboardCard> DashboardCards => [new("_VehiclesCard", 10)];
}

internal sealed class VinLookup(VinDecodingService decoder) : IVinLookup
{
    public async Task<IResult> DecodeAsync(string vin, CancellationToken ct) => (await VinEndpoints.Decode(vin, decoder, ct)).Result;
}

/// <summary>The demo shop's cars, registered once through the same rules as the API.</summary>
internal sealed class DemoVehicles(VehicleRegistration registration, VehicleQueries vehicles, ILogger<DemoVehicles> logger) : IDemoSeed
{
    // Check digits computed per 49 CFR 565.15; the first is the well-known 2003 Honda Accord example.
    internal static readonly (string Vin, int Km, string Plate, string Nickname)[] Cars =
    [
        ("1HGCM82633A004352", 212_400, "PIT-001", "Customer Accord"),
        ("1FTFW1ET3EKE12345", 98_750, "PIT-002", "Shop truck"),
        ("5YJ3E1EA2KF317000", 41_200, "PIT-003", "Loaner Model 3"),
        ("JTDKB20UX93512345", 156_000, "PIT-004", "Prius in bay 2"),
        ("WBA8E9G58GNT12345", 73_300, "PIT-005", "Wagon, brake job"),
    ];

    public int Order => 10;

    public async Task SeedAsync(DemoSeedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Created || context.OrganizationId is not { } shop || await vehicles.CountAsync(shop, ct) > 0)
        {
            return;
        }
        foreach (var (vin, km, plate, nickname) in Cars)
        {
            await registration.RegisterAsync(shop, new CreateVehicleRequest(vin, km, plate, nickname), null, ct);
        }
        logger.LogInformation("Seeded {Vehicles} demo vehicles", Cars.Length);
    }
}
