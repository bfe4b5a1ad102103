using Microsoft.Data.Sqlite;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// SQLite: times are INTEGER microseconds since the Unix epoch (compact, and buckets are integer arithmetic), ids are
/// 16-byte BLOBs. SQLite has one writer per file, so writes go through one in-process writer (group commit) on one
/// open connection whose prepared commands are reused for every row and every batch; readers use their own pooled connections, which WAL
/// lets run beside the writer.
/// </summary>
public sealed class SqliteTelemetryStore(string connectionString) : TelemetryStore, IDisposable
{
    private const long MicrosPerMinute = 60_000_000;
    private const int MaxGroupBatches = 64;
    private const int MaxGroupSamples = 50_000;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly System.Threading.Channels.Channel<PendingBatch> _queue =
        System.Threading.Channels.Channel.CreateUnbounded<PendingBatch>(new() { SingleReader = true });
    private int _draining;
    private Task? _drain;
    private SqliteConnection? _connection;
    private SqliteCommand? _insertBatch;
    private SqliteCommand? _insertSample;
    private SqliteCommand? _upsertLatest;

    // Ids are bound as SqliteType.Blob everywhere: Microsoft.Data.Sqlite binds an untyped Guid as TEXT, which would
    // never equal the 16-byte BLOBs the writer stores.
    public static long ToMicros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);

    public override Task<bool> WriteBatchAsync(DeviceIdentity device, ParsedBatch batch, DateTime receivedAt, CancellationToken ct)
    {
        var pending = new PendingBatch(device, batch, receivedAt);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteTelemetryStore));
        }
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _drain = Task.Run(DrainAsync, CancellationToken.None);
        }
        return pending.Done.Task;
    }

    private sealed record PendingBatch(DeviceIdentity Device, ParsedBatch Batch, DateTime ReceivedAt)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Group commit: batches that arrive while a transaction is being written wait in the queue and go together into
    /// the next one, so many devices share one WAL fsync instead of paying one each. Each batch keeps its own
    /// idempotency record, so a duplicate inside a group is still recognised; if the transaction fails, every batch of
    /// the group fails and none is acknowledged.
    /// </summary>
    private async Task DrainAsync()
    {
        var group = new List<PendingBatch>(MaxGroupBatches);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var samples = 0;
            while (group.Count < MaxGroupBatches && samples < MaxGroupSamples && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                samples += next.Batch.Samples.Length;
            }
            await _writer.WaitAsync();
            try
            {
                var stored = await WriteGroupAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(stored[i]);
                }
            }
            catch (Exception e)
            {
                // The connection may be left in an unknown state (disk full, I/O error): start afresh next time.
                DropWriter();
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(e);
                }
            }
            finally
            {
                _writer.Release();
            }
        }
    }

    private async Task<bool[]> WriteGroupAsync(List<PendingBatch> group)
    {
        var connection = await WriterAsync(CancellationToken.None);
        var stored = new bool[group.Count];
        // BEGIN IMMEDIATE: take the write lock now rather than failing to upgrade a read lock half-way.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        _insertBatch!.Transaction = transaction;
        _insertSample!.Transaction = transaction;
        _upsertLatest!.Transaction = transaction;
        for (var g = 0; g < group.Count; g++)
        {
            var (device, batch, receivedAt) = group[g];
            _insertBatch.Parameters[0].Value = device.DeviceId;
            _insertBatch.Parameters[1].Value = batch.BatchId;
            _insertBatch.Parameters[2].Value = device.VehicleId;
            _insertBatch.Parameters[3].Value = batch.Samples.Length;
            _insertBatch.Parameters[4].Value = ToMicros(receivedAt);
            // Synchronous on purpose: inside a transaction SQLite does no I/O wait worth yielding for.
            if (_insertBatch.ExecuteNonQuery() == 0)
            {
                continue;
            }
            stored[g] = true;
            var insert = _insertSample;
            insert.Parameters[0].Value = device.VehicleId;
            insert.Parameters[4].Value = device.DeviceId;
            foreach (var sample in batch.Samples)
            {
                insert.Parameters[1].Value = sample.Pid;
                insert.Parameters[2].Value = ToMicros(sample.T);
                insert.Parameters[3].Value = sample.Value;
                insert.ExecuteNonQuery();
            }
            var upsert = _upsertLatest;
            upsert.Parameters[0].Value = device.VehicleId;
            foreach (var latest in LatestPerSignal(batch.Samples))
            {
                upsert.Parameters[1].Value = latest.Pid;
                upsert.Parameters[2].Value = ToMicros(latest.T);
                upsert.Parameters[3].Value = latest.Value;
                upsert.ExecuteNonQuery();
            }
        }
        await transaction.CommitAsync();
        return stored;
    }

    private async Task<SqliteConnection> WriterAsync(CancellationToken ct)
    {
        if (_connection is not null)
        {
            return _connection;
        }
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // An ack promises the batch survives a power cut: in WAL mode that needs synchronous=FULL (an fsync of the WAL
        // per commit); NORMAL would only survive a crash of the process. Group commit shares the fsync between batches.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=FULL;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        _insertBatch = Prepare(connection,
            "INSERT INTO telemetry_batches (device_id, batch_id, vehicle_id, sample_count, received_at) VALUES ($d, $b, $v, $n, $r) ON CONFLICT DO NOTHING",
            ("$d", SqliteType.Blob), ("$b", SqliteType.Text), ("$v", SqliteType.Blob), ("$n", SqliteType.Integer), ("$r", SqliteType.Integer));
        _insertSample = Prepare(connection,
            "INSERT INTO telemetry_samples (vehicle_id, pid, t, value, device_id) VALUES ($v, $p, $t, $x, $d)",
            ("$v", SqliteType.Blob), ("$p", SqliteType.Text), ("$t", SqliteType.Integer), ("$x", SqliteType.Real), ("$d", SqliteType.Blob));
        _upsertLatest = Prepare(connection,
            "INSERT INTO telemetry_latest (vehicle_id, pid, t, value) VALUES ($v, $p, $t, $x) " +
            "ON CONFLICT (vehicle_id, pid) DO UPDATE SET t = excluded.t, value = excluded.value WHERE excluded.t >= telemetry_latest.t",
            ("$v", SqliteType.Blob), ("$p", SqliteType.Text), ("$t", SqliteType.Integer), ("$x", SqliteType.Real));
        _connection = connection;
        return connection;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL, values bound as parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }
        command.Prepare();
        return command;
    }

    private void DropWriter()
    {
        _insertBatch?.Dispose();
        _insertSample?.Dispose();
        _upsertLatest?.Dispose();
        _connection?.Dispose();
        _insertBatch = _insertSample = _upsertLatest = null;
        _connection = null;
    }

    public override async Task<IReadOnlyList<RawPoint>> ReadRawAsync(Guid vehicleId, string pid, DateTime from, DateTime to, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "SELECT t, value FROM telemetry_samples WHERE vehicle_id = $v AND pid = $p AND t >= $from AND t < $to ORDER BY t LIMIT $limit",
            vehicleId, pid, from, to);
        command.Parameters.AddWithValue("$limit", limit);
        var points = new List<RawPoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            points.Add(new RawPoint(FromMicros(reader.GetInt64(0)), reader.GetDouble(1)));
        }
        return points;
    }

    public override async Task<IReadOnlyList<Bucket>> ReadBucketsAsync(Guid vehicleId, string pid, DateTime from, DateTime to, TimeSpan bucket, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Raw samples and per-minute rollups are combined per bucket; the rollups' average is weighted by their count.
        await using var command = Command(connection, """
            SELECT b, MIN(mn), SUM(s) / SUM(c), MAX(mx), SUM(c) FROM (
                SELECT (t / $bucket) * $bucket AS b, MIN(value) AS mn, SUM(value) AS s, MAX(value) AS mx, COUNT(*) AS c
                FROM telemetry_samples WHERE vehicle_id = $v AND pid = $p AND t >= $from AND t < $to GROUP BY b
                UNION ALL
                SELECT (minute / $bucket) * $bucket AS b, MIN(min), SUM(avg * count), MAX(max), SUM(count)
                FROM telemetry_samples_minute WHERE vehicle_id = $v AND pid = $p AND minute >= $from AND minute < $to GROUP BY b)
            GROUP BY b ORDER BY b LIMIT $limit
            """, vehicleId, pid, from, to);
        command.Parameters.AddWithValue("$bucket", bucket.Ticks / 10);
        command.Parameters.AddWithValue("$limit", limit);
        var buckets = new List<Bucket>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            buckets.Add(new Bucket(FromMicros(reader.GetInt64(0)), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }
        return buckets;
    }

    public override async Task<IReadOnlyList<LatestValue>> ReadLatestAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pid, t, value FROM telemetry_latest WHERE vehicle_id = $v ORDER BY pid";
        command.Parameters.Add("$v", SqliteType.Blob).Value = vehicleId;
        var values = new List<LatestValue>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(new LatestValue(reader.GetString(0), FromMicros(reader.GetInt64(1)), reader.GetDouble(2)));
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
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT vehicle_id FROM telemetry_latest WHERE pid = $p AND vehicle_id IN ({string.Join(", ", ids.Select((_, i) => $"$v{i}"))})";
        command.Parameters.Add("$p", SqliteType.Text).Value = pid;
        for (var i = 0; i < ids.Length; i++)
        {
            command.Parameters.Add($"$v{i}", SqliteType.Blob).Value = ids[i];
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    public override async Task DeleteVehicleAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        foreach (var table in (string[])["telemetry_samples", "telemetry_samples_minute", "telemetry_latest"])
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"DELETE FROM {table} WHERE vehicle_id = $v";
            command.Parameters.Add("$v", SqliteType.Blob).Value = vehicleId;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public override async Task<long> CountSamplesAsync(Guid vehicleId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM telemetry_samples WHERE vehicle_id = $v";
        command.Parameters.Add("$v", SqliteType.Blob).Value = vehicleId;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<MaintenanceReport> MaintainAsync(DateTime now, TelemetryOptions options, CancellationToken ct)
    {
        var cutoff = ToMicros(RetentionCutoff(now, options.RetentionDays));
        var rollupCutoff = ToMicros(RetentionCutoff(now, options.DownsampleRetentionDays));
        long rolled = 0, deleted = 0;
        await using var connection = await OpenAsync(ct);
        while (true)
        {
            // One UTC day per transaction, so the single write lock is never held for long.
            await using var oldest = connection.CreateCommand();
            oldest.CommandText = "SELECT MIN(t) FROM telemetry_samples";
            if (await oldest.ExecuteScalarAsync(ct) is not long first || first >= cutoff)
            {
                break;
            }
            var end = Math.Min(cutoff, (first / (1440 * MicrosPerMinute) + 1) * 1440 * MicrosPerMinute);
            await _writer.WaitAsync(ct);
            try
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
                if (options.DownsampleEnabled)
                {
                    await using var rollup = connection.CreateCommand();
                    rollup.Transaction = transaction;
                    rollup.CommandText = """
                        INSERT INTO telemetry_samples_minute (vehicle_id, pid, minute, min, avg, max, count)
                        SELECT vehicle_id, pid, (t / $m) * $m AS minute, MIN(value), AVG(value), MAX(value), COUNT(*)
                        FROM telemetry_samples WHERE t >= $from AND t < $to GROUP BY vehicle_id, pid, minute
                        ON CONFLICT (vehicle_id, pid, minute) DO UPDATE SET
                            min = MIN(min, excluded.min), max = MAX(max, excluded.max),
                            avg = (avg * count + excluded.avg * excluded.count) / (count + excluded.count),
                            count = count + excluded.count
                        """;
                    rollup.Parameters.AddWithValue("$m", MicrosPerMinute);
                    rollup.Parameters.AddWithValue("$from", first);
                    rollup.Parameters.AddWithValue("$to", end);
                    rolled += await rollup.ExecuteNonQueryAsync(ct);
                }
                await using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM telemetry_samples WHERE t >= $from AND t < $to";
                delete.Parameters.AddWithValue("$from", first);
                delete.Parameters.AddWithValue("$to", end);
                deleted += await delete.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                _writer.Release();
            }
        }
        await _writer.WaitAsync(ct);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
            await using var old = connection.CreateCommand();
            old.Transaction = transaction;
            // Batch ids are remembered as long as raw samples: a replay older than that is no longer recognised.
            old.CommandText = "DELETE FROM telemetry_samples_minute WHERE minute < $rollup; DELETE FROM telemetry_batches WHERE received_at < $cutoff;";
            old.Parameters.AddWithValue("$rollup", rollupCutoff);
            old.Parameters.AddWithValue("$cutoff", cutoff);
            await old.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            _writer.Release();
        }
        return new MaintenanceReport(rolled, deleted, 0, 0);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, Guid vehicleId, string pid, DateTime from, DateTime to)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL, values bound as parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.Add("$v", SqliteType.Blob).Value = vehicleId;
        command.Parameters.AddWithValue("$p", pid);
        command.Parameters.AddWithValue("$from", ToMicros(from));
        command.Parameters.AddWithValue("$to", ToMicros(to));
        return command;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _drain?.Wait(TimeSpan.FromSeconds(30));
        DropWriter();
        _writer.Dispose();
    }
}
