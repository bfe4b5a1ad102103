using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Telemetry.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Telemetry;

/// <summary>Vehicle telemetry: devices and keys, batch ingest (HTTP, WebSocket, MQTT), its own store, reads, the live page.</summary>
public sealed class TelemetryModule : IPitlaneModule
{
    public string Name => "Telemetry";

    public int Order => 20;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<TelemetryOptions>("Pitlane:VehicleTelemetry");

    public void AddServices(IServiceCollection services, PitlaneSettings settings) => services.AddTelemetry(settings);

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapDeviceEndpoints();
        routes.MapIngestEndpoints();
        routes.MapTelemetryReadEndpoints();
    }
}

public static class TelemetryServices
{
    /// <summary>Everything the module needs at run time: its database, device keys, the ingest pipeline and maintenance.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddTelemetryDatabase(settings);
        services.AddSingleton<DeviceKeys>();
        services.AddSingleton<DeviceStreams>();
        if (settings.Get<TelemetryOptions>().Mqtt.Enabled)
        {
            services.AddHttpClient<IDeviceBrokerAccounts, RabbitMqDeviceAccounts>(http => http.Timeout = TimeSpan.FromSeconds(10));
        }
        else
        {
            services.AddSingleton<IDeviceBrokerAccounts, NoDeviceBrokerAccounts>();
        }
        services.AddPerClientRateLimit(IngestEndpoints.RateLimitPolicy, settings.Get<TelemetryOptions>().IngestRequestsPerMinute, "telemetry upload");
        services.AddSingleton<TelemetryIngest>();
        services.AddHostedService<TelemetryMaintenance>();
        // Its store may be another file (SQLite) than the inbox's, so the handler is idempotent instead of sharing the
        // inbox row's transaction.
        services.AddIntegrationEventHandler<VehicleDeleted, VehicleDeletedHandler>(EventDelivery.Work, "telemetry.vehicle-deleted");
        if (settings.Options.Messaging.Provider == MessagingProvider.RabbitMq)
        {
            // Distributed profile: live batches fan out to every instance through the bus (each pushes to its own
            // SignalR clients, this one included), and devices may also publish over MQTT (consumed over AMQP).
            services.AddSingleton<BusTelemetryLive>();
            services.AddSingleton<ITelemetryLive>(provider => provider.GetRequiredService<BusTelemetryLive>());
            services.AddHostedService(provider => provider.GetRequiredService<BusTelemetryLive>());
            services.AddIntegrationEventHandler<TelemetryLiveEvent, TelemetryLiveFanOut>(EventDelivery.FanOut, TelemetryLiveFanOut.HandlerName);
            services.AddHostedService<MqttIngestConsumer>();
        }
        else
        {
            services.AddSingleton<ITelemetryLive, LocalTelemetryLive>();
        }
        return services;
    }

    /// <summary>
    /// The module's own context (own migration history, <see cref="TelemetryDbContext.HistoryTable"/>) and store. On
    /// PostgreSQL it shares the app's database; on SQLite it has its own file, telemetry.db, because SQLite allows one
    /// writer per file and a steady sample stream must not make sign-ins and edits wait for the write lock. After its
    /// migrations, PostgreSQL gets the coming days' partitions.
    /// </summary>
    public static IServiceCollection AddTelemetryDatabase(this IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddModuleDatabase<TelemetryDbContext, SqliteTelemetryDbContext, PostgresTelemetryDbContext>(settings, "Telemetry",
            TelemetryDbContext.HistoryTable, SqliteFile, EnsurePartitionsAsync);
        switch (settings.Options.Database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString!));
                services.AddSingleton<TelemetryStore>(sp => new PostgresTelemetryStore(sp.GetRequiredService<NpgsqlDataSource>()));
                break;
            default:
                var sqlite = SqliteConnectionString(settings.Options);
                services.AddSingleton<TelemetryStore>(_ => new SqliteTelemetryStore(sqlite));
                break;
        }
        services.AddSingleton<ITelemetryHistory>(provider => provider.GetRequiredService<TelemetryStore>());
        return services;
    }

    public const string SqliteFile = "telemetry.db";

    public static string SqliteConnectionString(PitlaneOptions options) => DatabaseSetup.SqliteFileConnectionString(options, SqliteFile);

    private static async Task EnsurePartitionsAsync(IServiceProvider services, CancellationToken ct)
    {
        if (services.GetRequiredService<TelemetryStore>() is PostgresTelemetryStore postgres)
        {
            var options = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            await postgres.EnsurePartitionsAsync(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, options.PartitionDaysAhead, ct);
        }
    }
}

/// <summary>A deleted vehicle's devices stop working and its recorded signals go; running it twice changes nothing more.</summary>
internal sealed class VehicleDeletedHandler(TelemetryDbContext db, TelemetryStore store) : IIntegrationEventHandler<VehicleDeleted>
{
    public async Task HandleAsync(VehicleDeleted integrationEvent, CancellationToken ct)
    {
        await store.DeleteVehicleAsync(integrationEvent.VehicleId, ct);
        var devices = await db.Devices.Where(d => d.VehicleId == integrationEvent.VehicleId && d.OrganizationId == integrationEvent.OrganizationId).ToListAsync(ct);
        db.Devices.RemoveRange(devices);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// Retention with downsampling, and (PostgreSQL) partitions ahead, every Pitlane:VehicleTelemetry:MaintenanceIntervalMinutes.
/// A failed run is logged and retried at the next tick: nothing is lost by waiting, raw rows are only deleted in the
/// transaction that rolled them up.
/// </summary>
public sealed class TelemetryMaintenance(TelemetryStore store, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetryMaintenance> logger)
    : BackgroundService
{
    public Task<MaintenanceReport> RunOnceAsync(CancellationToken ct) =>
        store.MaintainAsync(time.GetUtcNow().UtcDateTime, options.Value, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.MaintenanceIntervalMinutes), time);
        do
        {
            try
            {
                var report = await RunOnceAsync(stoppingToken);
                logger.LogInformation("Telemetry maintenance: {RolledUp} minute rows written, {Deleted} raw samples deleted, {Created} partitions created, {Dropped} dropped",
                    report.RolledUp, report.Deleted, report.PartitionsCreated, report.PartitionsDropped);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Telemetry maintenance failed; it runs again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
