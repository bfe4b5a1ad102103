using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pitlane.Platform.Persistence;

Console.WriteLine("Design-time host for dotnet ef; see tools/Pitlane.DesignTime/README.md.");

/// <summary>Builds each provider's context for the EF tools without a running app or a live database.</summary>
internal sealed class SqliteFactory : IDesignTimeDbContextFactory<SqlitePitlaneDbContext>
{
    public SqlitePitlaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePitlaneDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresFactory : IDesignTimeDbContextFactory<PostgresPitlaneDbContext>
{
    public PostgresPitlaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPitlaneDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}

/// <summary>The Telemetry module's contexts, with their own history table as at run time.</summary>
internal sealed class SqliteTelemetryFactory : IDesignTimeDbContextFactory<Pitlane.Telemetry.SqliteTelemetryDbContext>
{
    public Pitlane.Telemetry.SqliteTelemetryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<Pitlane.Telemetry.SqliteTelemetryDbContext>()
            .UseSqlite("Data Source=design-telemetry.db", lite => lite.MigrationsHistoryTable(Pitlane.Telemetry.TelemetryDbContext.HistoryTable)).Options);
}

internal sealed class PostgresTelemetryFactory : IDesignTimeDbContextFactory<Pitlane.Telemetry.PostgresTelemetryDbContext>
{
    public Pitlane.Telemetry.PostgresTelemetryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<Pitlane.Telemetry.PostgresTelemetryDbContext>()
            .UseNpgsql("Host=localhost;Database=design", npgsql => npgsql.MigrationsHistoryTable(Pitlane.Telemetry.TelemetryDbContext.HistoryTable)).Options);
}
