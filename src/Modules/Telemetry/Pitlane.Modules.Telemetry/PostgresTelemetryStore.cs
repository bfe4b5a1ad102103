using System.Globalization;
using Npgsql;
using NpgsqlTypes;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// PostgreSQL: <c>telemetry_samples</c> is declaratively partitioned by range on <c>t</c>, one partition per UTC day
/// (created ahead by <see cref="EnsurePartitionsAsync"/>, with a DEFAULT partition catching samples outside them), so
/// retention drops whole partitions instead of deleting rows. Samples go in through binary COPY inside the same
/// transaction as the batch's idempotency record and the latest-value upsert.
/// </summary>
public sealed class PostgresTelemetryStore(NpgsqlDataSource dataSource) : TelemetryStore
{
    private const string PartitionPrefix = "telemetry_samples_p";
    /// <summary>Session advisory lock key so only one instance runs maintenance at a time ("tlmy" in ASCII).</summary>
    private const long MaintenanceLock = 0x746C6D79;

    public override async Task<bool> WriteBatchAsync(DeviceIdentity device, ParsedBatch batch, DateTime receivedAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var record = new NpgsqlCommand(
            "INSERT INTO telemetry_batches (device_id, batch_id, vehicle_id, sample_count, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = device.DeviceId });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.BatchId });
            record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = device.VehicleId });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batch.Samples.Length });
            record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = receivedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            // A concurrent insert of the same (device, batchId) waits for the other transaction and then sees the conflict.
            if (await record.ExecuteNonQueryAsync(ct) == 0)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY telemetry_samples (vehicle_id, pid, t, value, device_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var sample in batch.Samples)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(device.VehicleId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(sample.Pid, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(sample.T, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(sample.Value, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(device.DeviceId, NpgsqlDbType.Uuid, ct);
            }
            await copy.CompleteAsync(ct);
        }
        var latest = LatestPerSignal(batch.Samples);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO telemetry_latest (vehicle_id, pid, t, value)
            SELECT $1, x.pid, x.t, x.value FROM unnest($2::varchar[], $3::timestamptz[], $4::float8[]) AS x(pid, t, value)
            ON CONFLICT (vehicle_id, pid) DO UPDATE SET t = excluded.t, value = excluded.value WHERE telemetry_latest.t <= excluded.t
            """, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = device.VehicleId });
            upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = latest.Select(s => s.Pid).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = latest.Select(s => s.T).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = latest.Select(s => s.Value).ToArray() });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    public override async Task<IReadOnlyList<RawPoint>> ReadRawAsync(Guid vehicleId, string pid, DateTime from, DateTime to, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT t, value FROM telemetry_samples WHERE vehicle_id = $1 AND pid = $2 AND t >= $3 AND t < $4 ORDER BY t LIMIT $5");
        AddRange(command, vehicleId, pid, from, to);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var points = new List<RawPoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            points.Add(new RawPoint(reader.GetFieldValue<DateTime>(0), reader.GetDouble(1)));
        }
        return points;
    }

    public override async Task<IReadOnlyList<Bucket>> ReadBucketsAsync(Guid vehicleId, string pid, DateTime from, DateTime to, TimeSpan bucket, int limit, CancellationToken ct)
    {
        // date_bin aligns buckets to a fixed origin, so the same bucket boundaries come back whatever 'from' is.
        await using var command = dataSource.CreateCommand("""
            SELECT b, MIN(mn), SUM(s) / SUM(c), MAX(mx), SUM(c)::bigint FROM (
                SELECT date_bin($5, t, TIMESTAMPTZ '2000-01-01') AS b, MIN(value) AS mn, SUM(value) AS s, MAX(value) AS mx, COUNT(*) AS c
                FROM telemetry_samples WHERE vehicle_id = $1 AND pid = $2 AND t >= $3 AND t < $4 GROUP BY 1
                UNION ALL
                SELECT date_bin($5, minute, TIMESTAMPTZ '2000-01-01'), MIN(min), SUM(avg * count), MAX(max), SUM(count)
                FROM telemetry_samples_minute WHERE vehicle_id = $1 AND pid = $2 AND minute >= $3 AND minute < $4 GROUP BY 1) AS parts
            GROUP BY b ORDER BY b LIMIT $6
            """);
        AddRange(command, vehicleId, pid, from, to);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var buckets = new List<Bucket>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            buckets.Add(new Bucket(reader.GetFieldValue<DateTime>(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }
        return buckets;
    }

    public override async Task<IReadOnlyList<LatestValue>> ReadLatestAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT pid, t, value FROM telemetry_latest WHERE vehicle_id = $1 ORDER BY pid");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = vehicleId });
        var values = new List<LatestValue>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(new LatestValue(reader.GetString(0), reader.GetFieldValue<DateTime>(1), reader.GetDouble(2)));
        }
        return values;
    }

    public override async Task<IReadOnlySet<Guid>> ReportingAsync(IReadOnlyCollection<Guid> vehicleIds, string pid, CancellationToken ct)
    {
        var ids = ReportingArguments(vehicleIds, pid);
        var found = new HashSet<Guid>();
        if (ids.Length == 0)
        {
            return found;
        }
        await using var command = dataSource.CreateCommand("SELECT vehicle_id FROM telemetry_latest WHERE pid = $1 AND vehicle_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pid });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    public override async Task DeleteVehicleAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var table in (string[])["telemetry_samples", "telemetry_samples_minute", "telemetry_latest"])
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE vehicle_id = $1");
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = vehicleId });
            batch.BatchCommands.Add(command);
        }
        // One batch is one implicit transaction: all three or none.
        await batch.ExecuteNonQueryAsync(ct);
    }

    public override async Task<long> CountSamplesAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT COUNT(*) FROM telemetry_samples WHERE vehicle_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = vehicleId });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Creates the partitions from yesterday to <paramref name="daysAhead"/> days ahead. Rows that already landed in
    /// the DEFAULT partition for such a day are moved into the new partition in the same transaction, because
    /// PostgreSQL refuses to attach a range the default partition holds rows for.
    /// </summary>
    public async Task<int> EnsurePartitionsAsync(DateTime now, int daysAhead, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Instances starting together would otherwise race to create the same partition.
        await using (var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({MaintenanceLock})", connection))
        {
            await wait.ExecuteScalarAsync(ct);
        }
        try
        {
            return await EnsurePartitionsAsync(connection, now, daysAhead, ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({MaintenanceLock})", connection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private static async Task<int> EnsurePartitionsAsync(NpgsqlConnection connection, DateTime now, int daysAhead, CancellationToken ct)
    {
        var existing = await PartitionsAsync(connection, ct);
        var created = 0;
        for (var day = now.Date.AddDays(-1); day <= now.Date.AddDays(daysAhead); day = day.AddDays(1))
        {
            if (existing.ContainsKey(day))
            {
                continue;
            }
            var name = PartitionPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var transaction = await connection.BeginTransactionAsync(ct);
#pragma warning disable CA2100 // identifiers and bounds come from a DateTime formatted here, not from input
            await using var command = new NpgsqlCommand($"""
                CREATE TABLE {name} (LIKE telemetry_samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
                INSERT INTO {name} SELECT * FROM telemetry_samples_default WHERE t >= '{from}+00' AND t < '{to}+00';
                DELETE FROM telemetry_samples_default WHERE t >= '{from}+00' AND t < '{to}+00';
                ALTER TABLE telemetry_samples ATTACH PARTITION {name} FOR VALUES FROM ('{from}+00') TO ('{to}+00');
                """, connection, transaction);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            created++;
        }
        return created;
    }

    public override async Task<MaintenanceReport> MaintainAsync(DateTime now, TelemetryOptions options, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({MaintenanceLock})", connection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(ct))!)
            {
                return new MaintenanceReport(0, 0, 0, 0);
            }
        }
        try
        {
            var created = await EnsurePartitionsAsync(connection, now, options.PartitionDaysAhead, ct);
            var cutoff = RetentionCutoff(now, options.RetentionDays);
            long rolled = 0, deleted = 0;
            var dropped = 0;
            foreach (var (day, name) in await PartitionsAsync(connection, ct))
            {
                if (day.AddDays(1) > cutoff)
                {
                    continue;
                }
                // A whole day older than the cutoff: roll it up and drop the partition (no row-by-row delete).
                await using var transaction = await connection.BeginTransactionAsync(ct);
                rolled += await RollUpAsync(connection, transaction, name, DateTime.MinValue, cutoff, options.DownsampleEnabled, ct);
#pragma warning disable CA2100 // partition names are read from pg_class and match the prefix
                await using (var drop = new NpgsqlCommand($"DROP TABLE {name}", connection, transaction))
#pragma warning restore CA2100
                {
                    await drop.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
                dropped++;
            }
            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                // The rest: the current partial day and the DEFAULT partition.
                rolled += await RollUpAsync(connection, transaction, "telemetry_samples", DateTime.MinValue, cutoff, options.DownsampleEnabled, ct);
                await using var delete = new NpgsqlCommand("""
                    DELETE FROM telemetry_samples WHERE t < $1;
                    """, connection, transaction);
                delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                deleted += await delete.ExecuteNonQueryAsync(ct);
                await using var old = new NpgsqlCommand("DELETE FROM telemetry_samples_minute WHERE minute < $1", connection, transaction);
                old.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = RetentionCutoff(now, options.DownsampleRetentionDays), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await old.ExecuteNonQueryAsync(ct);
                // Batch ids are remembered as long as raw samples: a replay older than that is no longer recognised.
                await using var batches = new NpgsqlCommand("DELETE FROM telemetry_batches WHERE received_at < $1", connection, transaction);
                batches.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await batches.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
            }
            return new MaintenanceReport(rolled, deleted, created, dropped);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({MaintenanceLock})", connection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private static async Task<long> RollUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, DateTime from, DateTime to, bool enabled, CancellationToken ct)
    {
        if (!enabled)
        {
            return 0;
        }
#pragma warning disable CA2100 // the table is this module's own partition name
        await using var rollup = new NpgsqlCommand($"""
            INSERT INTO telemetry_samples_minute AS m (vehicle_id, pid, minute, min, avg, max, count)
            SELECT vehicle_id, pid, date_trunc('minute', t), MIN(value), AVG(value), MAX(value), COUNT(*)
            FROM {table} WHERE t >= $1 AND t < $2 GROUP BY 1, 2, 3
            ON CONFLICT (vehicle_id, pid, minute) DO UPDATE SET
                min = LEAST(m.min, excluded.min), max = GREATEST(m.max, excluded.max),
                avg = (m.avg * m.count + excluded.avg * excluded.count) / (m.count + excluded.count),
                count = m.count + excluded.count
            """, connection, transaction);
#pragma warning restore CA2100
        rollup.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(from, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        rollup.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await rollup.ExecuteNonQueryAsync(ct);
    }

    private static async Task<SortedDictionary<DateTime, string>> PartitionsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'telemetry_samples'
            """, connection);
        var partitions = new SortedDictionary<DateTime, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            if (name.StartsWith(PartitionPrefix, StringComparison.Ordinal)
                && DateTime.TryParseExact(name[PartitionPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
            {
                partitions[day] = name;
            }
        }
        return partitions;
    }

    private static void AddRange(NpgsqlCommand command, Guid vehicleId, string pid, DateTime from, DateTime to)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = vehicleId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pid });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }
}
