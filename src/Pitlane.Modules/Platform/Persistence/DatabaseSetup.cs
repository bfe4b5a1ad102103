using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Pitlane.Platform.Persistence;

public static class DatabaseSetup
{
    /// <summary>Registers <see cref="PitlaneDbContext"/> on the configured provider, each with its own migrations (ADR 0002).</summary>
    public static IServiceCollection AddPitlaneDatabase(this IServiceCollection services, PitlaneOptions options, string? connectionString)
    {
        switch (options.Database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<PitlaneDbContext, PostgresPitlaneDbContext>(db => db.UseNpgsql(connectionString));
                break;
            default:
                var sqlite = SqliteConnectionString(options, connectionString);
                services.AddDbContextPool<PitlaneDbContext, SqlitePitlaneDbContext>(db => db.UseSqlite(sqlite));
                break;
        }
        return services;
    }

    public static string SqliteConnectionString(PitlaneOptions options, string? connectionString)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }
        return SqliteFileConnectionString(options, "pitlane.db");
    }

    /// <summary>A pooled connection to a SQLite file in the data directory (created if missing).</summary>
    public static string SqliteFileConnectionString(PitlaneOptions options, string fileName)
    {
        var folder = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, fileName),
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// Applies pending migrations of any of the platform's contexts; on SQLite also switches the file to WAL so readers
    /// never wait for the writer.
    /// </summary>
    public static async Task MigrateAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            return;
        }
        await db.Database.MigrateAsync(ct);
    }
}
