using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Pitlane.Modules.Vehicles;

/// <summary>
/// The platform's most frequent read, <c>GET /api/v1/vehicles/{id}</c>: one vehicle of one organisation, as the API
/// answers it.
/// </summary>
public interface IVehicleReader
{
    Task<VehicleResponse?> FindAsync(Guid organizationId, Guid vehicleId, CancellationToken ct);
}

/// <summary>
/// On PostgreSQL: a compiled EF Core query on the pooled context (Npgsql's pooled open is cheap).
/// </summary>
internal sealed class EfVehicleReader(VehiclesDbContext db) : IVehicleReader
{
    private static readonly Func<VehiclesDbContext, Guid, Guid, CancellationToken, Task<Vehicle?>> ById = EF.CompileAsyncQuery(
        (VehiclesDbContext context, Guid vehicleId, Guid organizationId, CancellationToken _) =>
            context.Vehicles.AsNoTracking().FirstOrDefault(v => v.Id == vehicleId && v.OrganizationId == organizationId));

    public async Task<VehicleResponse?> FindAsync(Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        await ById(db, vehicleId, organizationId, ct) is { } vehicle ? VehicleResponse.From(vehicle) : null;
}

/// <summary>
/// On SQLite: open connections, each with the statement prepared once, kept between requests. EF Core opens the
/// connection of a pooled context for every query and initialises it each time (it registers its SQL functions on every
/// open), which was most of this read's cost (docs/benchmarks.md). In WAL mode each read sees the last commit, so a
/// kept connection never serves stale rows. The columns are the Vehicles module's own table (VehiclesDbContext):
/// GUIDs as upper-case text and timestamps as ISO text, as EF Core's SQLite provider stores them.
/// </summary>
internal sealed class SqliteVehicleReader(string connectionString) : IVehicleReader, IDisposable
{
    private const int MaxIdle = 16;
    private const string Sql = """
        SELECT "Id", "OrganizationId", "Vin", "ModelYear", "Make", "Manufacturer", "Model", "Trim", "BodyClass", "Engine",
               "FuelType", "Country", "PlantCountry", "DecodeSource", "OdometerKm", "Plate", "Nickname", "CreatedAt", "UpdatedAt",
               "CheckDigitOverrideReason", "CheckDigitOverriddenBy", "CheckDigitOverriddenAt"
        FROM "vehicles" WHERE "Id" = $id AND "OrganizationId" = $org LIMIT 1
        """;

    private readonly ConcurrentBag<Statement> _idle = [];

    public async Task<VehicleResponse?> FindAsync(Guid organizationId, Guid vehicleId, CancellationToken ct)
    {
        var statement = _idle.TryTake(out var idle) ? idle : Statement.Open(connectionString);
        var healthy = false;
        try
        {
            statement.Id.Value = vehicleId.ToString("D").ToUpperInvariant();
            statement.Organization.Value = organizationId.ToString("D").ToUpperInvariant();
            VehicleResponse? found = null;
            await using (var reader = await statement.Command.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    found = Read(reader);
                }
            }
            healthy = true;
            return found;
        }
        finally
        {
            if (healthy && _idle.Count < MaxIdle)
            {
                _idle.Add(statement);
            }
            else
            {
                statement.Dispose();
            }
        }
    }

    private static VehicleResponse Read(SqliteDataReader r) => new(
        Guid.Parse(r.GetString(0)), Guid.Parse(r.GetString(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3),
        Text(r, 4), Text(r, 5), Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10), Text(r, 11), Text(r, 12), r.GetString(13),
        r.IsDBNull(14) ? null : r.GetInt32(14), Text(r, 15), Text(r, 16), Utc(r.GetString(17)), Utc(r.GetString(18)),
        r.IsDBNull(19) ? null : new(r.GetString(19), Guid.Parse(r.GetString(20)), Utc(r.GetString(21))));

    private static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static DateTime Utc(string text) =>
        DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    public void Dispose()
    {
        while (_idle.TryTake(out var statement))
        {
            statement.Dispose();
        }
    }

    private sealed class Statement : IDisposable
    {
        private Statement(SqliteConnection connection, SqliteCommand command)
        {
            Connection = connection;
            Command = command;
            Id = command.Parameters.Add("$id", SqliteType.Text);
            Organization = command.Parameters.Add("$org", SqliteType.Text);
        }

        public SqliteConnection Connection { get; }
        public SqliteCommand Command { get; }
        public SqliteParameter Id { get; }
        public SqliteParameter Organization { get; }

        public static Statement Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            var command = connection.CreateCommand();
            command.CommandText = Sql;
            var statement = new Statement(connection, command);
            statement.Id.Value = "";
            statement.Organization.Value = "";
            command.Prepare();
            return statement;
        }

        public void Dispose()
        {
            Command.Dispose();
            Connection.Dispose();
        }
    }
}
