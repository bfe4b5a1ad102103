using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Messaging;

namespace Pitlane.Web.Tests;

/// <summary>A SQLite database of the single-context release, copied in before the app starts on it.</summary>
public sealed class LegacySqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(DataDirectory);
        await using var source = new GZipStream(File.OpenRead(LegacyUpgradeTests.Fixture("legacy-2026-12-06.sqlite.db.gz")), CompressionMode.Decompress);
        await using var target = File.Create(Path.Combine(DataDirectory, DatabaseSetup.MainSqliteFile));
        await source.CopyToAsync(target);
    }
}

/// <summary>A PostgreSQL database of the single-context release (its pg_dump), loaded before the app starts on it.</summary>
public sealed class LegacyPostgresApp(PostgresServer server) : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string? ConnectionString { get; private set; }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (server.UnavailableReason is not null)
        {
            return;
        }
        ConnectionString = await server.CreateDatabaseAsync("legacyupgrade");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(LegacyUpgradeTests.Fixture("legacy-2026-12-06.postgres.sql.gz")), CompressionMode.Decompress));
        var dump = await reader.ReadToEndAsync();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(dump, connection);
            await command.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        Set("ConnectionStrings:Pitlane", ConnectionString);
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }
}

/// <summary>
/// A populated database of the previous release (one context, one history) upgrades in place to one store per module:
/// every row is still there and usable, the old history is gone, each module's history has its baseline, and no
/// foreign key crosses a module any more (a deleted vehicle's diagnostics go through the VehicleDeleted event).
/// </summary>
public abstract class LegacyUpgradeTests(PitlaneApp app)
{
    private const string Accord = "1HGCM82633A004352";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>One number from the upgraded database; asked for the old history table, whether it still exists (0 or 1).</summary>
    protected abstract Task<long> ScalarAsync(string sql);

    protected abstract string CrossModuleForeignKeysSql { get; }

    [Fact]
    public async Task Given_previous_release_database_Then_it_upgrades_in_place_and_everything_in_it_works()
    {
        using var owner = await app.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shops = me.GetProperty("organizations").EnumerateArray().Where(o => !o.GetProperty("personal").GetBoolean()).ToList();
        var shop = Assert.Single(shops).GetProperty("id").GetGuid();
        using var client = await app.SignedInClientAsync("owner@demo.pitlane.test", organizationId: shop);

        var vehicles = await client.GetFromJsonAsync<JsonElement>("/api/v1/vehicles", Ct);
        Assert.Equal(5, vehicles.GetProperty("total").GetInt32());
        var accord = vehicles.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("vin").GetString() == Accord).GetProperty("id").GetGuid();
        var scans = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans?vehicleId={accord}", Ct);
        var scan = Assert.Single(scans.GetProperty("items").EnumerateArray());
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        var scanId = scan.GetProperty("id").GetGuid();
        var full = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
        Assert.Contains("P0300", full.GetRawText(), StringComparison.Ordinal);
        var reports = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}/reports", Ct);
        Assert.Equal("ready", Assert.Single(reports.EnumerateArray()).GetProperty("status").GetString());
        var services = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{accord}/services", Ct);
        Assert.Contains(services.EnumerateArray(), e => e.GetProperty("note").GetString() == "legacy fixture");
        var agents = await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct);
        Assert.Contains("Bay 2 laptop", agents.GetRawText(), StringComparison.Ordinal);

        // The self-registered user of the old release signs in with their old password and has their car.
        using var driver = await app.SignedInClientAsync("legacy.driver@example.test", "Legacy-pass-1");
        var own = await driver.GetFromJsonAsync<JsonElement>("/api/v1/vehicles", Ct);
        Assert.Equal("OLD-1", Assert.Single(own.GetProperty("items").EnumerateArray()).GetProperty("plate").GetString());

        // The histories: the old one is gone, every module's is complete, nothing is pending.
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM {Quote("__EFMigrationsHistory")}"));
        Assert.All(await DatabaseSetup.ListAsync(app.Services, Ct), m => Assert.True(m.Applied, $"{m.Module}: {m.Migration} is pending"));
        Assert.Equal(0, await ScalarAsync(CrossModuleForeignKeysSql));

        // Writes work, and a deleted vehicle's diagnostics follow it through the event (no foreign key cascades it now).
        var added = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "2HGFC2F58JH512345", plate = "NEW-1" }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM diag_scans WHERE {Quote("Id")} = '{scanId}'"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/vehicles/{accord}", Ct)).StatusCode);
        await Eventually.HoldsAsync(async () => await ScalarAsync($"SELECT count(*) FROM diag_scans WHERE {Quote("Id")} = '{scanId}'") == 0,
            TimeSpan.FromSeconds(15), "the deleted vehicle's scan is removed by the Diagnostics module");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/scans/{scanId}", Ct)).StatusCode);
    }

    protected abstract string Quote(string name);
}

public sealed class SqliteLegacyUpgradeTests(LegacySqliteApp app) : LegacyUpgradeTests(app), IClassFixture<LegacySqliteApp>
{
    protected override string CrossModuleForeignKeysSql => """
        SELECT count(*) FROM sqlite_master t, pragma_foreign_key_list(t.name) f
        WHERE t.type = 'table' AND (
            (t.name = 'vehicles') OR
            (t.name LIKE 'diag\_%' ESCAPE '\' AND f."table" NOT LIKE 'diag\_%' ESCAPE '\'))
        """;

    protected override string Quote(string name) => $"\"{name}\"";

    protected override async Task<long> ScalarAsync(string sql)
    {
        if (sql.Contains("__EFMigrationsHistory", StringComparison.Ordinal))
        {
            sql = "SELECT count(*) FROM sqlite_master WHERE name = '__EFMigrationsHistory'";
        }
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, DatabaseSetup.MainSqliteFile)}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        // EF Core keeps a GUID as upper-case text on SQLite.
        command.CommandText = System.Text.RegularExpressions.Regex.Replace(sql, "= '([0-9a-f-]{36})'", m => $"= '{m.Groups[1].Value.ToUpperInvariant()}'");
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class PostgresLegacyUpgradeTests : LegacyUpgradeTests, IClassFixture<LegacyPostgresApp>
{
    private readonly LegacyPostgresApp _app;

    public PostgresLegacyUpgradeTests(LegacyPostgresApp app) : base(app)
    {
        _app = app;
        app.EnsureAvailable();
    }

    protected override string CrossModuleForeignKeysSql => """
        SELECT count(*) FROM pg_constraint c
        WHERE c.contype = 'f' AND (
            c.conrelid::regclass::text = 'vehicles' OR
            (c.conrelid::regclass::text LIKE 'diag\_%' AND c.confrelid::regclass::text NOT LIKE 'diag\_%'))
        """;

    protected override string Quote(string name) => $"\"{name}\"";

    protected override async Task<long> ScalarAsync(string sql)
    {
        if (sql.Contains("__EFMigrationsHistory", StringComparison.Ordinal))
        {
            sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = '__EFMigrationsHistory'";
        }
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
