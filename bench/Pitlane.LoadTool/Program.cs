using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Pitlane.LoadTool;

/// <summary>
/// <c>pitlane-load</c>: measures acknowledged telemetry samples per second end to end (M devices, each sending batches
/// of N samples and waiting for the ack), then, in the same run, the naive reference: one autocommitted INSERT per
/// sample, as Traccar writes positions. Loopback targets only, bounded in time and count.
/// </summary>
internal static class Program
{
    private static readonly string[] Pids = ["0C", "0D", "05", "11", "10", "0B", "0F", "2F"];

    public static async Task<int> Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"pitlane-load: {e.Message}\n\n{LoadOptions.Usage}");
            return 2;
        }
        if (options.Scans > 0)
        {
            return await ScanLoad.RunAsync(options);
        }
        Console.WriteLine($"pitlane-load: {options.Devices} devices × batches of {options.BatchSize} samples, {options.Seconds} s per phase, " +
            $"at most {options.MaxBatches} batches, {Environment.ProcessorCount} logical CPUs");
        if (options.Url is not null && options.Fanout == 0)
        {
            var result = await RunIngestAsync(options);
            Report($"end to end ({options.Transport}, {options.Url})", result, "batches");
        }
        if (options.Fanout > 0)
        {
            Report($"live fan-out to {options.Fanout} dashboards ({options.Url})", await RunFanoutAsync(options), "deliveries");
        }
        if (options.NaiveSqlite is not null)
        {
            Report($"naive SQLite INSERT per sample ({options.NaiveSqlite})", await RunNaiveSqliteAsync(options), "inserts");
        }
        if (options.NaivePostgres is not null)
        {
            Report("naive PostgreSQL INSERT per sample", await RunNaivePostgresAsync(options), "inserts");
        }
        return 0;
    }

    private sealed record Result(long Samples, long Operations, long Failures, TimeSpan Elapsed, List<double> LatenciesMs);

    private static void Report(string title, Result r, string operation)
    {
        r.LatenciesMs.Sort();
        double P(double q) => r.LatenciesMs.Count == 0 ? 0 : r.LatenciesMs[Math.Min(r.LatenciesMs.Count - 1, (int)Math.Ceiling(q * r.LatenciesMs.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title}: {r.Samples:N0} samples acknowledged in {r.Elapsed.TotalSeconds:F1} s = {r.Samples / r.Elapsed.TotalSeconds:N0} samples/s; " +
            $"{r.Operations:N0} {operation}, {r.Failures} failed; latency per {(operation == "batches" ? "batch" : operation == "deliveries" ? "delivery" : "insert")} p50 {P(0.50):F2} ms, p90 {P(0.90):F2} ms, p99 {P(0.99):F2} ms, max {P(1):F2} ms"));
    }

    private static async Task<Result> RunIngestAsync(LoadOptions options)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Devices * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var (devices, _) = await ProvisionDevicesAsync(http, options, options.Devices);
        var keys = devices.Select(d => d.Key).ToList();
        var remaining = options.MaxBatches;
        var watch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(options.Seconds);
        var workers = keys.Select((key, index) => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long samples = 0, batches = 0, failures = 0;
            var random = new Random(index);
            WebSocket? socket = options.Transport == "ws" ? await ConnectAsync(options.Url!, key) : null;
            var buffer = new byte[64 * 1024];
            while (watch.Elapsed < deadline && Interlocked.Decrement(ref remaining) >= 0)
            {
                var body = Batch($"{index}-{batches}-{Guid.NewGuid():N}", options.BatchSize, random);
                var started = Stopwatch.GetTimestamp();
                bool stored;
                if (socket is null)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches") { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Add("X-Device-Key", key);
                    using var response = await http.SendAsync(request);
                    stored = response.StatusCode == HttpStatusCode.OK;
                }
                else
                {
                    await socket.SendAsync(body, WebSocketMessageType.Text, true, CancellationToken.None);
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    stored = received.MessageType == WebSocketMessageType.Text
                        && JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement.GetProperty("status").GetString() == "stored";
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                batches++;
                if (stored)
                {
                    samples += options.BatchSize;
                }
                else
                {
                    failures++;
                }
            }
            if (socket is not null)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                socket.Dispose();
            }
            return (samples, batches, failures, latencies);
        })).ToList();
        var results = await Task.WhenAll(workers);
        watch.Stop();
        return new Result(results.Sum(r => r.samples), results.Sum(r => r.batches), results.Sum(r => r.failures), watch.Elapsed,
            results.SelectMany(r => r.latencies).ToList());
    }

    private static async Task<WebSocket> ConnectAsync(Uri url, string key)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Device-Key", key);
        var ws = new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws", Path = "/api/v1/telemetry/stream" }.Uri;
        await socket.ConnectAsync(ws, CancellationToken.None);
        return socket;
    }

    /// <summary>Signs in, picks the caller's organisation that has vehicles, and creates one device per simulated dongle.</summary>
    private static async Task<(List<(string Key, Guid VehicleId)> Devices, string AccessToken)> ProvisionDevicesAsync(HttpClient http, LoadOptions options, int count)
    {
        var token = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = options.Email, password = options.Password });
        token.EnsureSuccessStatusCode();
        var access = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/me");
        foreach (var org in me.GetProperty("organizations").EnumerateArray())
        {
            var orgId = org.GetProperty("id").GetString()!;
            using var list = new HttpRequestMessage(HttpMethod.Get, "/api/v1/vehicles?pageSize=200");
            list.Headers.Add("X-Organization-Id", orgId);
            var vehicles = (await (await http.SendAsync(list)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")
                .EnumerateArray().Select(v => v.GetProperty("id").GetGuid()).ToList();
            if (vehicles.Count == 0)
            {
                continue;
            }
            var keys = new List<(string, Guid)>();
            for (var i = 0; i < count; i++)
            {
                using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/devices")
                {
                    Content = JsonContent.Create(new { vehicleId = vehicles[i % vehicles.Count], name = $"load-{i}" }),
                };
                create.Headers.Add("X-Organization-Id", orgId);
                var created = await http.SendAsync(create);
                created.EnsureSuccessStatusCode();
                keys.Add(((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!, vehicles[i % vehicles.Count]));
            }
            http.DefaultRequestHeaders.Authorization = null;
            return (keys, access!);
        }
        throw new InvalidOperationException($"{options.Email} has no organisation with vehicles to attach devices to.");
    }

    /// <summary>
    /// Live fan-out: N dashboards on /hubs/live (the SignalR JSON hub protocol over a WebSocket, spoken here because
    /// the .NET SignalR client is not available) join one vehicle; one device posts a one-sample batch every 100 ms.
    /// Latency runs from the start of the device's POST to each dashboard's receipt, so it includes the commit.
    /// </summary>
    private static async Task<Result> RunFanoutAsync(LoadOptions options)
    {
        using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
        var (devices, access) = await ProvisionDevicesAsync(http, options, 1);
        var (key, vehicleId) = devices[0];
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        long delivered = 0;
        using var stop = new CancellationTokenSource();
        var dashboards = new List<(ClientWebSocket Socket, Task Loop)>();
        for (var i = 0; i < options.Fanout; i++)
        {
            var socket = await HubConnectAsync(http, options.Url!, access, vehicleId);
            dashboards.Add((socket, Task.Run(() => HubReceiveAsync(socket, sent, latencies, () => Interlocked.Increment(ref delivered), stop.Token))));
        }
        var watch = Stopwatch.StartNew();
        var batches = 0;
        var failures = 0;
        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (watch.Elapsed < TimeSpan.FromSeconds(options.Seconds) && batches < options.MaxBatches && await ticker.WaitForNextTickAsync())
        {
            var seq = batches++;
            var body = Encoding.UTF8.GetBytes(
                $"{{\"batchId\":\"fan-{seq}-{Guid.NewGuid():N}\",\"samples\":[{{\"t\":\"{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"pid\":\"0C\",\"value\":{seq}}}]}}");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Device-Key", key);
            sent[seq] = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures++;
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        foreach (var (socket, loop) in dashboards)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
            socket.Abort();
            socket.Dispose();
        }
        watch.Stop();
        Console.WriteLine($"live fan-out: {batches} batches × {options.Fanout} dashboards = {(long)batches * options.Fanout} expected deliveries, {delivered} received");
        return new Result(delivered, delivered, failures, watch.Elapsed, [.. latencies]);
    }

    private static async Task<ClientWebSocket> HubConnectAsync(HttpClient http, Uri url, string access, Guid vehicleId)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var answer = await http.SendAsync(negotiate);
        answer.EnsureSuccessStatusCode();
        var token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString()!;
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {access}");
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws", Path = "/hubs/live", Query = $"id={Uri.EscapeDataString(token)}" }.Uri, CancellationToken.None);
        // SignalR JSON hub protocol: a handshake, then invocations; every record ends with 0x1E.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"JoinVehicle\",\"arguments\":[\"{vehicleId}\"]}}\u001e"),
            WebSocketMessageType.Text, true, CancellationToken.None);
        return socket;
    }

    private static async Task HubReceiveAsync(WebSocket socket, System.Collections.Concurrent.ConcurrentDictionary<int, long> sent,
        System.Collections.Concurrent.ConcurrentBag<double> latencies, Action delivered, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var pending = new StringBuilder();
        while (!ct.IsCancellationRequested)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
            var received = Stopwatch.GetTimestamp();
            pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var text = pending.ToString();
            int end;
            while ((end = text.IndexOf('\u001e', StringComparison.Ordinal)) >= 0)
            {
                var record = text[..end];
                text = text[(end + 1)..];
                using var json = JsonDocument.Parse(record);
                var root = json.RootElement;
                if (root.TryGetProperty("type", out var type) && type.GetInt32() == 1 && root.GetProperty("target").GetString() == "telemetry")
                {
                    var batchId = root.GetProperty("arguments")[0].GetProperty("batchId").GetString()!;
                    var seq = int.Parse(batchId.Split('-')[1], CultureInfo.InvariantCulture);
                    if (sent.TryGetValue(seq, out var start))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start, received).TotalMilliseconds);
                        delivered();
                    }
                }
                else if (root.TryGetProperty("type", out var t3) && t3.GetInt32() == 3 && root.TryGetProperty("result", out var ok) && !ok.GetBoolean())
                {
                    throw new InvalidOperationException("JoinVehicle was refused.");
                }
            }
            pending.Clear().Append(text);
        }
    }

    private static byte[] Batch(string batchId, int size, Random random)
    {
        var now = DateTime.UtcNow.AddSeconds(-size / 100.0);
        var json = new StringBuilder(64 + size * 64);
        json.Append("{\"batchId\":\"").Append(batchId).Append("\",\"samples\":[");
        for (var i = 0; i < size; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            json.Append("{\"t\":\"").Append(now.AddMilliseconds(i * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Append("\",\"pid\":\"").Append(Pids[i % Pids.Length])
                .Append("\",\"value\":").Append((random.NextDouble() * 6000).ToString("F2", CultureInfo.InvariantCulture)).Append('}');
        }
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    /// <summary>The reference: each sample its own autocommitted INSERT into an indexed table, in WAL with full sync, like the app.</summary>
    private static async Task<Result> RunNaiveSqliteAsync(LoadOptions options)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = options.NaiveSqlite, DefaultTimeout = 60, Pooling = true }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                DROP TABLE IF EXISTS naive_samples;
                CREATE TABLE naive_samples (vehicle_id BLOB NOT NULL, pid TEXT NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, device_id BLOB NOT NULL);
                CREATE INDEX ix_naive_vehicle_pid_t ON naive_samples (vehicle_id, pid, t);
                CREATE INDEX ix_naive_t ON naive_samples (t);
                """;
            await command.ExecuteNonQueryAsync();
        }
        return await RunNaiveAsync(options, async index =>
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO naive_samples (vehicle_id, pid, t, value, device_id) VALUES ($v, $p, $t, $x, $d)";
            insert.Parameters.Add("$v", SqliteType.Blob).Value = Guid.NewGuid();
            var pid = insert.Parameters.Add("$p", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var value = insert.Parameters.Add("$x", SqliteType.Real);
            insert.Parameters.Add("$d", SqliteType.Blob).Value = Guid.NewGuid();
            var random = new Random(index);
            var i = 0;
            return (async () =>
            {
                pid.Value = Pids[i++ % Pids.Length];
                t.Value = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
                value.Value = random.NextDouble() * 6000;
                await insert.ExecuteNonQueryAsync();
            }, async () =>
            {
                await insert.DisposeAsync();
                await connection.DisposeAsync();
            });
        });
    }

    private static async Task<Result> RunNaivePostgresAsync(LoadOptions options)
    {
        await using var dataSource = NpgsqlDataSource.Create(options.NaivePostgres!);
        await using (var setup = dataSource.CreateCommand("""
            DROP TABLE IF EXISTS naive_samples;
            CREATE TABLE naive_samples (vehicle_id uuid NOT NULL, pid varchar(32) NOT NULL, t timestamptz NOT NULL, value double precision NOT NULL, device_id uuid NOT NULL);
            CREATE INDEX ix_naive_vehicle_pid_t ON naive_samples (vehicle_id, pid, t);
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }
        try
        {
            return await RunNaiveAsync(options, async index =>
            {
                var connection = await dataSource.OpenConnectionAsync();
                var insert = new NpgsqlCommand("INSERT INTO naive_samples (vehicle_id, pid, t, value, device_id) VALUES ($1, $2, $3, $4, $5)", connection);
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
                var pid = new NpgsqlParameter<string>();
                var t = new NpgsqlParameter<DateTime>();
                var value = new NpgsqlParameter<double>();
                insert.Parameters.Add(pid);
                insert.Parameters.Add(t);
                insert.Parameters.Add(value);
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
                await insert.PrepareAsync();
                var random = new Random(index);
                var i = 0;
                return (async () =>
                {
                    pid.TypedValue = Pids[i++ % Pids.Length];
                    t.TypedValue = DateTime.UtcNow;
                    value.TypedValue = random.NextDouble() * 6000;
                    await insert.ExecuteNonQueryAsync();
                }, async () =>
                {
                    await insert.DisposeAsync();
                    await connection.DisposeAsync();
                });
            });
        }
        finally
        {
            await using var drop = dataSource.CreateCommand("DROP TABLE IF EXISTS naive_samples");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>M writers, each inserting one sample per statement until the time or the sample budget is spent.</summary>
    private static async Task<Result> RunNaiveAsync(LoadOptions options, Func<int, Task<(Func<Task> Insert, Func<Task> Close)>> writer)
    {
        long budget = (long)options.MaxBatches * options.BatchSize;
        var watch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(options.Seconds);
        var results = await Task.WhenAll(Enumerable.Range(0, options.Devices).Select(index => Task.Run(async () =>
        {
            var (insert, close) = await writer(index);
            var latencies = new List<double>();
            long done = 0, failures = 0;
            try
            {
                while (watch.Elapsed < deadline && Interlocked.Decrement(ref budget) >= 0)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await insert();
                        done++;
                    }
                    catch (Exception e) when (e is SqliteException or NpgsqlException)
                    {
                        // SQLite "database is locked" after the busy timeout counts as a lost sample, as it would in production.
                        failures++;
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            finally
            {
                await close();
            }
            return (done, failures, latencies);
        })));
        watch.Stop();
        return new Result(results.Sum(r => r.done), results.Sum(r => r.done + r.failures), results.Sum(r => r.failures), watch.Elapsed,
            results.SelectMany(r => r.latencies).ToList());
    }
}

internal sealed class LoadOptions
{
    public const string Usage = """
        usage: pitlane-load [--url http://127.0.0.1:5080] [--email E --password P] [--transport http|ws]
                            [--devices M] [--batch N] [--seconds S] [--max-batches B]
                            [--fanout D] [--naive-sqlite FILE] [--naive-postgres "Host=127.0.0.1;Port=...;Username=...;Database=..."]
          End to end: signs in as E, creates M devices on the vehicles of E's first organisation that has any, and posts
          batches of N samples from each device until S seconds or B batches in all. The naive reference runs next, in
          the same process: M writers, one INSERT per sample, for S seconds or B×N samples. --fanout D opens D live
          dashboards on /hubs/live for one vehicle and measures ingest-to-dashboard latency of one-sample batches sent
          every 100 ms for S seconds, instead of the throughput phase. Loopback targets only.
               pitlane-load --url http://127.0.0.1:5080 --scans N [--scan-concurrency C] [--vin VIN]
                            [--organization NAME] [--adapter NAME] [--adapter-uri tcp://127.0.0.1:PORT]
          Scan wall time: N scans through the API one after another (then N more, C at a time, when C > 1), each
          POST /api/v1/scans then GET every 20 ms until completed; then the same number of direct ObdScanner scans
          from this process against the adapter's address (the reference). Signs in as E (default for scans:
          advisor@demo.pitlane.test); the adapter (default "Lane 1 (vehicle simulator)") is created from
          --adapter-uri when missing.
        """;

    public Uri? Url { get; private set; }
    public string Email { get; private set; } = "owner@demo.pitlane.test";
    public string Password { get; private set; } = "Pitlane-demo-1";
    public string Transport { get; private set; } = "http";
    public int Devices { get; private set; } = 8;
    public int BatchSize { get; private set; } = 500;
    public int Seconds { get; private set; } = 10;
    public int MaxBatches { get; private set; } = 100_000;
    public string? NaiveSqlite { get; private set; }
    public string? NaivePostgres { get; private set; }
    public int Fanout { get; private set; }
    public int Scans { get; private set; }
    public int ScanConcurrency { get; private set; } = 1;
    public string Vin { get; private set; } = "1HGCM82633A004352";
    public string Organization { get; private set; } = "Pitlane Demo Garage";
    public string AdapterName { get; private set; } = "Lane 1 (vehicle simulator)";
    public string? AdapterUri { get; private set; }
    private bool _emailGiven;

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int min, int max)
            {
                var name = args[i];
                return int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n : throw new ArgumentException($"{name} must be between {min} and {max}.");
            }
            switch (args[i])
            {
                case "--url":
                    o.Url = new Uri(Next());
                    if (!IsLoopback(o.Url.Host))
                    {
                        throw new ArgumentException("--url must be a loopback address (127.0.0.1, ::1 or localhost).");
                    }
                    break;
                case "--email": o.Email = Next(); o._emailGiven = true; break;
                case "--scans": o.Scans = Number(1, 1000); break;
                case "--scan-concurrency": o.ScanConcurrency = Number(1, 64); break;
                case "--vin": o.Vin = Next(); break;
                case "--organization": o.Organization = Next(); break;
                case "--adapter": o.AdapterName = Next(); break;
                case "--adapter-uri": o.AdapterUri = Next(); break;
                case "--password": o.Password = Next(); break;
                case "--transport":
                    o.Transport = Next() is "http" or "ws" ? args[i] : throw new ArgumentException("--transport is http or ws.");
                    break;
                case "--devices": o.Devices = Number(1, 512); break;
                case "--batch": o.BatchSize = Number(1, 100_000); break;
                case "--seconds": o.Seconds = Number(1, 300); break;
                case "--max-batches": o.MaxBatches = Number(1, 10_000_000); break;
                case "--fanout": o.Fanout = Number(1, 5000); break;
                case "--naive-sqlite": o.NaiveSqlite = Path.GetFullPath(Next()); break;
                case "--naive-postgres":
                    o.NaivePostgres = Next();
                    var host = new NpgsqlConnectionStringBuilder(o.NaivePostgres).Host ?? "";
                    if (!host.StartsWith('/') && !IsLoopback(host))
                    {
                        throw new ArgumentException("--naive-postgres must point at a loopback host or a Unix socket directory.");
                    }
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        if (o.Scans > 0 && o.Url is null)
        {
            throw new ArgumentException("--scans needs --url.");
        }
        if (o.Scans > 0 && !o._emailGiven)
        {
            o.Email = "advisor@demo.pitlane.test";
        }
        if (o.Fanout > 0 && o.Url is null)
        {
            throw new ArgumentException("--fanout needs --url.");
        }
        if (o.Url is null && o.NaiveSqlite is null && o.NaivePostgres is null)
        {
            throw new ArgumentException("Nothing to measure: give --url and/or --naive-sqlite / --naive-postgres.");
        }
        return o;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
