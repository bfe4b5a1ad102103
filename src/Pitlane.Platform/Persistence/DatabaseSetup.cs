using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Persistence;

/// <summary>
/// One module's store: its context, its migration history table and what runs after its migrations. The registry of
/// these (every <see cref="ModuleDatabase"/> service, in registration order, the kernel's first) feeds start-up
/// migration, <c>pitlane migrate</c>, <c>/health/ready</c> and the pending-model-changes tests.
/// </summary>
public sealed record ModuleDatabase(
    string Module,
    Type ContextType,
    string HistoryTable,
    bool OwnFile,
    Func<IServiceProvider, CancellationToken, Task>? AfterMigrate = null);

public static class DatabaseSetup
{
    /// <summary>The file of the embedded profile's shared SQLite database.</summary>
    public const string MainSqliteFile = "pitlane.db";

    /// <summary>
    /// Registers a module's context on the configured provider with its own migration history (ADR 0007): the SQLite or
    /// PostgreSQL subclass is the service <typeparamref name="TContext"/>, pooled, with the outbox interceptor. On SQLite
    /// a module shares pitlane.db unless it names its own file (Telemetry's hot tables must not make sign-ins wait for
    /// the one write lock of a file).
    /// </summary>
    public static IServiceCollection AddModuleDatabase<TContext, TSqlite, TPostgres>(this IServiceCollection services, PitlaneSettings settings,
        string module, string historyTable, string? sqliteFile = null, Func<IServiceProvider, CancellationToken, Task>? afterMigrate = null)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.Options.Database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<TContext, TPostgres>((provider, db) => db
                    .UseNpgsql(settings.ConnectionString, npgsql => npgsql.MigrationsHistoryTable(historyTable))
                    .AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));
                break;
            default:
                var sqlite = sqliteFile is null
                    ? SqliteConnectionString(settings.Options, settings.ConnectionString)
                    : SqliteFileConnectionString(settings.Options, sqliteFile);
                services.AddDbContextPool<TContext, TSqlite>((provider, db) => db
                    .UseSqlite(sqlite, lite => lite.MigrationsHistoryTable(historyTable))
                    .AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));
                break;
        }
        services.AddSingleton(new ModuleDatabase(module, typeof(TContext), historyTable, sqliteFile is not null, afterMigrate));
        services.AddHealthChecks().AddDbContextCheck<TContext>($"{module.ToLowerInvariant()}-database", tags: ["ready"]);
        return services;
    }

    public static string SqliteConnectionString(PitlaneOptions options, string? connectionString) =>
        !string.IsNullOrWhiteSpace(connectionString) ? connectionString : SqliteFileConnectionString(options, MainSqliteFile);

    /// <summary>A pooled connection to a SQLite file in the data directory (created if missing).</summary>
    public static string SqliteFileConnectionString(PitlaneOptions options, string fileName)
    {
        ArgumentNullException.ThrowIfNull(options);
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
    /// Brings every registered store up to date: a database of the single-context releases is first adopted by the
    /// module contexts (<see cref="LegacySchema"/>), then each context's pending migrations run, the kernel's first,
    /// then each module's after-migration step.
    /// </summary>
    public static async Task MigrateAllAsync(IServiceProvider services, CancellationToken ct)
    {
        var databases = services.GetServices<ModuleDatabase>().ToList();
        await using var scope = services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseSetup).FullName!);
        await LegacySchema.AdoptAsync(scope.ServiceProvider, databases, logger, ct);
        foreach (var database in databases)
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            await MigrateAsync(db, ct);
            if (database.AfterMigrate is { } after)
            {
                await after(scope.ServiceProvider, ct);
            }
        }
    }

    /// <summary>Every registered store's applied and pending migrations, for <c>pitlane migrate --list</c>.</summary>
    public static async Task<IReadOnlyList<(string Module, string Migration, bool Applied)>> ListAsync(IServiceProvider services, CancellationToken ct)
    {
        var list = new List<(string, string, bool)>();
        await using var scope = services.CreateAsyncScope();
        foreach (var database in services.GetServices<ModuleDatabase>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet(StringComparer.Ordinal);
            list.AddRange(db.Database.GetMigrations().Select(m => (database.Module, m, applied.Contains(m))));
        }
        return list;
    }

    /// <summary>
    /// Applies pending migrations of one context; on SQLite also switches the file to WAL so readers never wait for the
    /// writer.
    /// </summary>
    public static async Task MigrateAsync(DbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
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
