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
using Pitlane.Vehicles;

namespace Pitlane.Telemetry;

public static class TelemetryModule
{
    /// <summary>Everything the module needs at run time: its database, device keys, the ingest pipeline and maintenance.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, PitlaneOptions options, string? connectionString)
    {
        services.AddTelemetryDatabase(options, connectionString);
        services.AddScoped<VehicleDirectory>();
        services.AddSingleton<DeviceKeys>();
        services.AddSingleton<TelemetryIngest>();
        services.AddHostedService<TelemetryMaintenance>();
        if (options.Messaging.Provider == MessagingProvider.RabbitMq)
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
    /// writer per file and a steady sample stream must not make sign-ins and edits wait for the write lock.
    /// </summary>
    public static IServiceCollection AddTelemetryDatabase(this IServiceCollection services, PitlaneOptions options, string? connectionString)
    {
        switch (options.Database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<TelemetryDbContext, PostgresTelemetryDbContext>(db =>
                    db.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(TelemetryDbContext.HistoryTable)));
                services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString!));
                services.AddSingleton<TelemetryStore>(sp => new PostgresTelemetryStore(sp.GetRequiredService<NpgsqlDataSource>()));
                break;
            default:
                var sqlite = SqliteConnectionString(options);
                services.AddDbContextPool<TelemetryDbContext, SqliteTelemetryDbContext>(db =>
                    db.UseSqlite(sqlite, lite => lite.MigrationsHistoryTable(TelemetryDbContext.HistoryTable)));
                services.AddSingleton<TelemetryStore>(_ => new SqliteTelemetryStore(sqlite));
                break;
        }
        return services;
    }

    public static string SqliteConnectionString(PitlaneOptions options) => DatabaseSetup.SqliteFileConnectionString(options, "telemetry.db");

    public static Microsoft.AspNetCore.Routing.IEndpointRouteBuilder MapTelemetryEndpoints(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes)
    {
        routes.MapDeviceEndpoints();
        routes.MapIngestEndpoints();
        routes.MapTelemetryReadEndpoints();
        return routes;
    }

    /// <summary>Applies the module's migrations; on SQLite switches its file to WAL, on PostgreSQL creates the coming days' partitions.</summary>
    public static async Task MigrateTelemetryAsync(IServiceProvider services, TelemetryOptions options, TimeProvider time, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<TelemetryDbContext>(), ct);
        if (scope.ServiceProvider.GetRequiredService<TelemetryStore>() is PostgresTelemetryStore postgres)
        {
            await postgres.EnsurePartitionsAsync(time.GetUtcNow().UtcDateTime, options.PartitionDaysAhead, ct);
        }
    }
}

/// <summary>Migrates the module's database in the host's Starting phase, before the first request (Pitlane:Database:MigrateOnStart).</summary>
public sealed class TelemetryDatabasePreparation(IServiceProvider services, IOptions<PitlaneOptions> options, TimeProvider time) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Database.MigrateOnStart)
        {
            await TelemetryModule.MigrateTelemetryAsync(services, options.Value.VehicleTelemetry, time, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Retention with downsampling, and (PostgreSQL) partitions ahead, every Pitlane:VehicleTelemetry:MaintenanceIntervalMinutes.
/// A failed run is logged and retried at the next tick: nothing is lost by waiting, raw rows are only deleted in the
/// transaction that rolled them up.
/// </summary>
public sealed class TelemetryMaintenance(TelemetryStore store, IOptions<PitlaneOptions> options, TimeProvider time, ILogger<TelemetryMaintenance> logger)
    : BackgroundService
{
    public Task<MaintenanceReport> RunOnceAsync(CancellationToken ct) =>
        store.MaintainAsync(time.GetUtcNow().UtcDateTime, options.Value.VehicleTelemetry, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.VehicleTelemetry.MaintenanceIntervalMinutes), time);
        do
        {
            try
            {
                var report = await RunOnceAsync(stoppingToken);
                logger.LogInformation("Telemetry maintenance: {RolledUp} minute rows written, {Deleted} raw samples deleted, {Created} partitions created, {Dropped} dropped",
                    report.RolledUp, report.Deleted, report.PartitionsCreated, report.PartitionsDropped);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                logger.LogError(e, "Telemetry maintenance failed; it runs again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
