using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Privacy;
using Pitlane.Modules.Parking.Search;
using Pitlane.Modules.Parking.Tesla;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Retention;

namespace Pitlane.Modules.Parking;

/// <summary>Driveway parking: hosts list spots, drivers search and book them, Payments holds and pays out, arrival by geofence.</summary>
public sealed class ParkingModule : IPitlaneModule
{
    public string Name => "Parking";

    public int Order => 90;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<ParkingOptions>("Pitlane:Parking");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<ParkingDbContext, SqliteParkingDbContext, PostgresParkingDbContext>(settings, Name, ParkingDbContext.HistoryTable);
        services.AddScoped<ListingService>();
        services.AddScoped<SpotSearch>();
        services.AddScoped<BookingService>();
        services.AddScoped<PersonalData>();
        services.AddRetention<LocationRetention>();
        var parking = settings.Get<ParkingOptions>();
        var tesla = parking.Tesla;
        if (tesla.IsSimulator && tesla.AuthorizeUrl.StartsWith("https://auth.tesla.com", StringComparison.Ordinal))
        {
            // The simulator's stand-in for Tesla's consent page, served by this app.
            tesla.AuthorizeUrl = TeslaEndpoints.SimulatorAuthorizePath;
        }
        services.AddSingleton(tesla);
        services.AddSingleton<TeslaCloudSimulator>();
        var client = services.AddHttpClient<TeslaFleetClient>(http => http.Timeout = TimeSpan.FromSeconds(20));
        if (tesla.IsSimulator)
        {
            client.ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<TeslaCloudSimulator>());
        }
        services.AddScoped<TeslaService>();
        services.AddScoped<VehicleFollow>();
        services.AddIntegrationEventHandler<PaymentIntentStatusChanged, PaymentStatusHandler, ParkingDbContext>();
        services.AddHostedService<ParkingRoundsWorker>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapParkingEndpoints();
        routes.MapParkingAdminEndpoints();
        routes.MapTeslaEndpoints();
    }

    public IEnumerable<NavEntry> Navigation => [new("Parking", "/Parking", 90, ParkingPermissions.Search)];

    public IEnumerable<DashboardCard> DashboardCards => [];
}
