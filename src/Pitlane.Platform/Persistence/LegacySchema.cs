using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pitlane.Platform.Persistence;

/// <summary>
/// Upgrades, in place, a database of the releases that had one context for every module (history table
/// <c>__EFMigrationsHistory</c>, ADR 0002) to one store per module (ADR 0007). The tables stay where they are, with
/// their data: each module's context adopts its own tables by recording its first migration as applied in its own
/// history table, foreign keys that cross modules are dropped (modules now hold each other's ids and react to
/// integration events instead), and the old history table goes. Everything happens in one transaction.
/// </summary>
public static partial class LegacySchema
{
    public const string LegacyHistoryTable = "__EFMigrationsHistory";

    /// <summary>The last migration of the single-context history, per provider: the state the adoption starts from.</summary>
    public static readonly IReadOnlySet<string> FinalLegacyMigrations = new HashSet<string>(StringComparer.Ordinal)
    {
        "20261206070843_ClearingsKiosksAgentInstances",
        "20261206070904_ClearingsKiosksAgentInstances",
    };

    public static async Task AdoptAsync(IServiceProvider scoped, IReadOnlyList<ModuleDatabase> databases, ILogger logger, CancellationToken ct)
    {
        var shared = databases.Where(d => !d.OwnFile).Select(d => (Database: d, Context: (DbContext)scoped.GetRequiredService(d.ContextType))).ToList();
        if (shared.Count == 0)
        {
            return;
        }
        var first = shared[0].Context;
        var sqlite = first.Database.IsSqlite();
        var connection = first.Database.GetDbConnection();
        await first.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await TableExistsAsync(connection, sqlite, LegacyHistoryTable, ct))
            {
                return;
            }
            var last = await ScalarAsync<string>(connection, null,
                $"SELECT \"MigrationId\" FROM \"{LegacyHistoryTable}\" ORDER BY \"MigrationId\" DESC LIMIT 1", ct);
            if (last is null || !FinalLegacyMigrations.Contains(last))
            {
                throw new InvalidOperationException(
                    $"This database was last migrated by an older Pitlane ({last ?? "no migration"}). Upgrade it with the release of 2026-12-06 first " +
                    $"(its migrations end with {string.Join(" or ", FinalLegacyMigrations)}), then start this release.");
            }

            // Which module owns which table, from each context's own model (tables it only maps, excluded from its
            // migrations, belong to the kernel).
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (database, context) in shared)
            {
                foreach (var table in OwnedTables(context.GetService<IDesignTimeModel>().Model))
                {
                    owner[table] = database.Module;
                }
            }

            // Only modules whose tables the old release made adopt them; a module newer than that release (Payments,
            // Shop...) has nothing to adopt and creates its tables with its own migrations after this.
            var adopting = new List<(ModuleDatabase Database, DbContext Context)>();
            foreach (var (database, context) in shared)
            {
                foreach (var table in OwnedTables(context.GetService<IDesignTimeModel>().Model))
                {
                    if (await TableExistsAsync(connection, sqlite, table, ct))
                    {
                        adopting.Add((database, context));
                        break;
                    }
                }
            }
            if (sqlite)
            {
                await ExecuteAsync(connection, null, "PRAGMA foreign_keys = OFF;", ct);
            }
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var dropped = sqlite
                ? await DropCrossModuleKeysSqliteAsync(connection, transaction, owner, ct)
                : await DropCrossModuleKeysPostgresAsync(connection, transaction, owner, ct);
            foreach (var (database, context) in adopting)
            {
                var history = context.GetService<IHistoryRepository>();
                var baseline = context.Database.GetMigrations().FirstOrDefault()
                    ?? throw new InvalidOperationException($"The {database.Module} module has no migrations to adopt its tables with.");
                await ExecuteAsync(connection, transaction, history.GetCreateIfNotExistsScript(), ct);
                await ExecuteAsync(connection, transaction, history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())), ct);
            }
            await ExecuteAsync(connection, transaction, $"DROP TABLE \"{LegacyHistoryTable}\";", ct);
            if (sqlite)
            {
                var violations = await ScalarAsync<long?>(connection, transaction, "SELECT count(*) FROM pragma_foreign_key_check", ct);
                if (violations is > 0)
                {
                    throw new InvalidOperationException($"The upgraded database has {violations} foreign key violation(s); nothing was changed.");
                }
            }
            await transaction.CommitAsync(ct);
            logger.LogWarning("Upgraded a single-context database in place: {Modules} adopted their tables, {Keys} cross-module foreign keys dropped",
                string.Join(", ", adopting.Select(s => s.Database.Module)), dropped);
        }
        finally
        {
            if (sqlite)
            {
                await ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON;", ct);
            }
            await first.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The tables a context creates in its own migrations.</summary>
    public static IEnumerable<string> OwnedTables(IModel model) => model.GetEntityTypes()
        .Where(e => e.GetTableName() is not null && !e.IsTableExcludedFromMigrations() && e.FindOwnership() is null)
        .Select(e => e.GetTableName()!)
        .Distinct(StringComparer.Ordinal);

    private static async Task<int> DropCrossModuleKeysPostgresAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyDictionary<string, string> owner, CancellationToken ct)
    {
        var keys = new List<(string Table, string Constraint, string Referenced)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text
                FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE c.contype = 'f' AND n.nspname = current_schema()
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add((reader.GetString(0).Trim('"'), reader.GetString(1), reader.GetString(2).Trim('"')));
            }
        }
        var dropped = 0;
        foreach (var (table, constraint, referenced) in keys)
        {
            if (CrossesModules(owner, table, referenced))
            {
                await ExecuteAsync(connection, transaction, $"ALTER TABLE \"{table}\" DROP CONSTRAINT \"{constraint}\";", ct);
                dropped++;
            }
        }
        return dropped;
    }

    /// <summary>
    /// SQLite cannot drop a constraint: a table with a cross-module key is rebuilt from its own CREATE statement
    /// without that key (the procedure of https://sqlite.org/lang_altertable.html#otheralter), and its indexes recreated.
    /// </summary>
    private static async Task<int> DropCrossModuleKeysSqliteAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyDictionary<string, string> owner, CancellationToken ct)
    {
        var tables = new List<(string Name, string Sql)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        var dropped = 0;
        foreach (var (name, sql) in tables)
        {
            var removed = 0;
            var rewritten = ForeignKeyClause().Replace(sql, match =>
            {
                if (!CrossesModules(owner, name, match.Groups["ref"].Value))
                {
                    return match.Value;
                }
                removed++;
                return "";
            });
            if (removed == 0)
            {
                continue;
            }
            var indexes = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $t AND sql IS NOT NULL";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "$t";
                parameter.Value = name;
                command.Parameters.Add(parameter);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    indexes.Add(reader.GetString(0));
                }
            }
            var temp = $"ef_temp_{name}";
            var create = CreateTableName().Replace(rewritten, $"CREATE TABLE \"{temp}\"", 1);
            await ExecuteAsync(connection, transaction, create, ct);
            await ExecuteAsync(connection, transaction, $"INSERT INTO \"{temp}\" SELECT * FROM \"{name}\";", ct);
            await ExecuteAsync(connection, transaction, $"DROP TABLE \"{name}\";", ct);
            await ExecuteAsync(connection, transaction, $"ALTER TABLE \"{temp}\" RENAME TO \"{name}\";", ct);
            foreach (var index in indexes)
            {
                await ExecuteAsync(connection, transaction, index, ct);
            }
            dropped += removed;
        }
        return dropped;
    }

    private static bool CrossesModules(IReadOnlyDictionary<string, string> owner, string table, string referenced) =>
        owner.TryGetValue(table, out var from) && owner.TryGetValue(referenced, out var to) && from != to;

    private static async Task<bool> TableExistsAsync(DbConnection connection, bool sqlite, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $t"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $t";
        if (!sqlite)
        {
            command.CommandText = command.CommandText.Replace("$t", "@t", StringComparison.Ordinal);
        }
        var parameter = command.CreateParameter();
        parameter.ParameterName = sqlite ? "$t" : "t";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<T?> ScalarAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    // EF Core's SQLite DDL: ,\n    CONSTRAINT "FK_x" FOREIGN KEY ("Col") REFERENCES "table" ("Id") ON DELETE CASCADE
    [GeneratedRegex("""\s*,\s*CONSTRAINT\s+"[^"]+"\s+FOREIGN\s+KEY\s*\([^)]*\)\s*REFERENCES\s+"(?<ref>[^"]+)"\s*\([^)]*\)(\s+ON\s+(DELETE|UPDATE)\s+(CASCADE|RESTRICT|NO\s+ACTION|SET\s+NULL|SET\s+DEFAULT))*""", RegexOptions.IgnoreCase)]
    private static partial Regex ForeignKeyClause();

    [GeneratedRegex("""^CREATE\s+TABLE\s+("[^"]+"|\S+)""", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTableName();
}
