using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

Console.WriteLine("Design-time host for dotnet ef; see tools/Pitlane.DesignTime/README.md.");

/// <summary>
/// Builds each module's context for the EF tools without a running app or a live database, with its own history table
/// as at run time (ADR 0007). One pair (SQLite, PostgreSQL) per module store.
/// </summary>
internal static class DesignTime
{
    public static DbContextOptions<T> Sqlite<T>(string history) where T : DbContext =>
        new DbContextOptionsBuilder<T>().UseSqlite("Data Source=design.db", lite => lite.MigrationsHistoryTable(history)).Options;

    public static DbContextOptions<T> Postgres<T>(string history) where T : DbContext =>
        new DbContextOptionsBuilder<T>().UseNpgsql("Host=localhost;Database=design", npgsql => npgsql.MigrationsHistoryTable(history)).Options;
}

internal sealed class SqlitePlatformFactory : IDesignTimeDbContextFactory<Pitlane.Platform.Persistence.SqlitePlatformDbContext>
{
    public Pitlane.Platform.Persistence.SqlitePlatformDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Platform.Persistence.SqlitePlatformDbContext>(Pitlane.Platform.Persistence.PlatformDbContext.HistoryTable));
}

internal sealed class PostgresPlatformFactory : IDesignTimeDbContextFactory<Pitlane.Platform.Persistence.PostgresPlatformDbContext>
{
    public Pitlane.Platform.Persistence.PostgresPlatformDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Platform.Persistence.PostgresPlatformDbContext>(Pitlane.Platform.Persistence.PlatformDbContext.HistoryTable));
}

internal sealed class SqliteAccountsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Accounts.SqliteAccountsDbContext>
{
    public Pitlane.Modules.Accounts.SqliteAccountsDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Accounts.SqliteAccountsDbContext>(Pitlane.Modules.Accounts.AccountsDbContext.HistoryTable));
}

internal sealed class PostgresAccountsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Accounts.PostgresAccountsDbContext>
{
    public Pitlane.Modules.Accounts.PostgresAccountsDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Accounts.PostgresAccountsDbContext>(Pitlane.Modules.Accounts.AccountsDbContext.HistoryTable));
}

internal sealed class SqliteVehiclesFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Vehicles.SqliteVehiclesDbContext>
{
    public Pitlane.Modules.Vehicles.SqliteVehiclesDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Vehicles.SqliteVehiclesDbContext>(Pitlane.Modules.Vehicles.VehiclesDbContext.HistoryTable));
}

internal sealed class PostgresVehiclesFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Vehicles.PostgresVehiclesDbContext>
{
    public Pitlane.Modules.Vehicles.PostgresVehiclesDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Vehicles.PostgresVehiclesDbContext>(Pitlane.Modules.Vehicles.VehiclesDbContext.HistoryTable));
}

internal sealed class SqliteDiagnosticsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Diagnostics.SqliteDiagnosticsDbContext>
{
    public Pitlane.Modules.Diagnostics.SqliteDiagnosticsDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Diagnostics.SqliteDiagnosticsDbContext>(Pitlane.Modules.Diagnostics.DiagnosticsDbContext.HistoryTable));
}

internal sealed class PostgresDiagnosticsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Diagnostics.PostgresDiagnosticsDbContext>
{
    public Pitlane.Modules.Diagnostics.PostgresDiagnosticsDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Diagnostics.PostgresDiagnosticsDbContext>(Pitlane.Modules.Diagnostics.DiagnosticsDbContext.HistoryTable));
}

internal sealed class SqliteTelemetryFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Telemetry.SqliteTelemetryDbContext>
{
    public Pitlane.Modules.Telemetry.SqliteTelemetryDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Telemetry.SqliteTelemetryDbContext>(Pitlane.Modules.Telemetry.TelemetryDbContext.HistoryTable));
}

internal sealed class PostgresTelemetryFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Telemetry.PostgresTelemetryDbContext>
{
    public Pitlane.Modules.Telemetry.PostgresTelemetryDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Telemetry.PostgresTelemetryDbContext>(Pitlane.Modules.Telemetry.TelemetryDbContext.HistoryTable));
}

internal sealed class SqlitePaymentsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Payments.SqlitePaymentsDbContext>
{
    public Pitlane.Modules.Payments.SqlitePaymentsDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Payments.SqlitePaymentsDbContext>(Pitlane.Modules.Payments.PaymentsDbContext.HistoryTable));
}

internal sealed class PostgresPaymentsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Payments.PostgresPaymentsDbContext>
{
    public Pitlane.Modules.Payments.PostgresPaymentsDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Payments.PostgresPaymentsDbContext>(Pitlane.Modules.Payments.PaymentsDbContext.HistoryTable));
}

internal sealed class SqliteMarketplaceFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Marketplace.SqliteMarketplaceDbContext>
{
    public Pitlane.Modules.Marketplace.SqliteMarketplaceDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Marketplace.SqliteMarketplaceDbContext>(Pitlane.Modules.Marketplace.MarketplaceDbContext.HistoryTable));
}

internal sealed class PostgresMarketplaceFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Marketplace.PostgresMarketplaceDbContext>
{
    public Pitlane.Modules.Marketplace.PostgresMarketplaceDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Marketplace.PostgresMarketplaceDbContext>(Pitlane.Modules.Marketplace.MarketplaceDbContext.HistoryTable));
}

internal sealed class SqliteShopFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Shop.SqliteShopDbContext>
{
    public Pitlane.Modules.Shop.SqliteShopDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Shop.SqliteShopDbContext>(Pitlane.Modules.Shop.ShopDbContext.HistoryTable));
}

internal sealed class PostgresShopFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Shop.PostgresShopDbContext>
{
    public Pitlane.Modules.Shop.PostgresShopDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Shop.PostgresShopDbContext>(Pitlane.Modules.Shop.ShopDbContext.HistoryTable));
}

internal sealed class SqliteEstimatorFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Estimator.SqliteEstimatorDbContext>
{
    public Pitlane.Modules.Estimator.SqliteEstimatorDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Estimator.SqliteEstimatorDbContext>(Pitlane.Modules.Estimator.EstimatorDbContext.HistoryTable));
}

internal sealed class PostgresEstimatorFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Estimator.PostgresEstimatorDbContext>
{
    public Pitlane.Modules.Estimator.PostgresEstimatorDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Estimator.PostgresEstimatorDbContext>(Pitlane.Modules.Estimator.EstimatorDbContext.HistoryTable));
}

internal sealed class SqliteSalesFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Sales.SqliteSalesDbContext>
{
    public Pitlane.Modules.Sales.SqliteSalesDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Sales.SqliteSalesDbContext>(Pitlane.Modules.Sales.SalesDbContext.HistoryTable));
}

internal sealed class PostgresSalesFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Sales.PostgresSalesDbContext>
{
    public Pitlane.Modules.Sales.PostgresSalesDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Sales.PostgresSalesDbContext>(Pitlane.Modules.Sales.SalesDbContext.HistoryTable));
}

internal sealed class SqliteMessagingFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Messaging.SqliteMessagingDbContext>
{
    public Pitlane.Modules.Messaging.SqliteMessagingDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Messaging.SqliteMessagingDbContext>(Pitlane.Modules.Messaging.MessagingDbContext.HistoryTable));
}

internal sealed class PostgresMessagingFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Messaging.PostgresMessagingDbContext>
{
    public Pitlane.Modules.Messaging.PostgresMessagingDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Messaging.PostgresMessagingDbContext>(Pitlane.Modules.Messaging.MessagingDbContext.HistoryTable));
}

internal sealed class SqliteMediaFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Media.SqliteMediaDbContext>
{
    public Pitlane.Modules.Media.SqliteMediaDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Media.SqliteMediaDbContext>(Pitlane.Modules.Media.MediaDbContext.HistoryTable));
}

internal sealed class PostgresMediaFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Media.PostgresMediaDbContext>
{
    public Pitlane.Modules.Media.PostgresMediaDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Media.PostgresMediaDbContext>(Pitlane.Modules.Media.MediaDbContext.HistoryTable));
}

internal sealed class SqliteStudioFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Studio.SqliteStudioDbContext>
{
    public Pitlane.Modules.Studio.SqliteStudioDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Studio.SqliteStudioDbContext>(Pitlane.Modules.Studio.StudioDbContext.HistoryTable));
}

internal sealed class PostgresStudioFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Studio.PostgresStudioDbContext>
{
    public Pitlane.Modules.Studio.PostgresStudioDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Studio.PostgresStudioDbContext>(Pitlane.Modules.Studio.StudioDbContext.HistoryTable));
}

internal sealed class SqliteParkingFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Parking.SqliteParkingDbContext>
{
    public Pitlane.Modules.Parking.SqliteParkingDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Parking.SqliteParkingDbContext>(Pitlane.Modules.Parking.ParkingDbContext.HistoryTable));
}

internal sealed class PostgresParkingFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Parking.PostgresParkingDbContext>
{
    public Pitlane.Modules.Parking.PostgresParkingDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Parking.PostgresParkingDbContext>(Pitlane.Modules.Parking.ParkingDbContext.HistoryTable));
}

internal sealed class SqliteInspectionsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Inspections.SqliteInspectionsDbContext>
{
    public Pitlane.Modules.Inspections.SqliteInspectionsDbContext CreateDbContext(string[] args) => new(DesignTime.Sqlite<Pitlane.Modules.Inspections.SqliteInspectionsDbContext>(Pitlane.Modules.Inspections.InspectionsDbContext.HistoryTable));
}

internal sealed class PostgresInspectionsFactory : IDesignTimeDbContextFactory<Pitlane.Modules.Inspections.PostgresInspectionsDbContext>
{
    public Pitlane.Modules.Inspections.PostgresInspectionsDbContext CreateDbContext(string[] args) => new(DesignTime.Postgres<Pitlane.Modules.Inspections.PostgresInspectionsDbContext>(Pitlane.Modules.Inspections.InspectionsDbContext.HistoryTable));
}
