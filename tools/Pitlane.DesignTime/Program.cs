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
