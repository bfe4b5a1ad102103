using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>
/// Issue 4, item 8: the app runs as a real process; several devices' worth of senders post batches for a few seconds;
/// the process is killed with SIGKILL mid-stream and started again on the same data. Every acknowledged sample must be
/// there exactly once; a batch in flight at the kill is there whole or not at all; re-sending every unacknowledged
/// batch leaves every batch exactly once.
/// </summary>
public abstract class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Senders = 8;
    private const int SamplesPerBatch = 100;
    private const string Pid = "0C";
    private static readonly TimeSpan StreamFor = TimeSpan.FromSeconds(3);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"pitlane-crash-{Guid.NewGuid():N}");
    private AppProcess? _app;

    /// <summary>Provider settings on top of the common ones; null when the provider's server is unavailable (the test skips or fails).</summary>
    protected abstract Task<Dictionary<string, string>> ProviderSettingsAsync();

    [Fact]
    public async Task Given_sustained_ingest_When_process_is_killed_with_SIGKILL_Then_every_acknowledged_sample_is_present_exactly_once_after_restart()
    {
        var settings = await ProviderSettingsAsync();
        settings["Pitlane__DataDirectory"] = _dataDirectory;
        settings["Pitlane__Vpic__Enabled"] = "false";
        settings["Pitlane__Auth__AuthRequestsPerMinute"] = "100000";
        // One loopback client posts thousands of batches a minute here.
        settings["Pitlane__VehicleTelemetry__IngestRequestsPerMinute"] = "1000000";
        // The test signs in as the demo owner, on PostgreSQL too (where the demo is off unless asked for).
        settings["Pitlane__Demo__Seed"] = "true";
        var clock = Stopwatch.StartNew();

        _app = await AppProcess.StartAsync(settings);
        var firstPid = _app.Pid;
        var (vehicleId, key) = await CreateDeviceAsync(_app.BaseUrl);
        output.WriteLine($"started {_app} in {clock.Elapsed.TotalSeconds:F1} s");

        // Every sample is unique and self-describing: value = batch * 1000 + index, t = origin + (batch * S + index) ms.
        var origin = DateTime.UtcNow.AddHours(-1);
        origin = new DateTime(origin.Ticks - origin.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var attempts = new ConcurrentDictionary<int, Attempt>();
        var next = -1;
        var killed = 0;
        var unexpected = new ConcurrentQueue<string>();
        using var devices = new HttpClient { BaseAddress = new Uri(_app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

        async Task SendAsync()
        {
            while (Volatile.Read(ref killed) == 0)
            {
                var n = Interlocked.Increment(ref next);
                var attempt = new Attempt(BatchJson(n, origin));
                attempts[n] = attempt;
                try
                {
                    using var response = await PostBatchAsync(devices, key, attempt.Body);
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
                    {
                        attempt.Acknowledged = true;
                        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
                        if (ack.GetProperty("stored").GetInt32() != SamplesPerBatch)
                        {
                            unexpected.Enqueue($"batch {n}: ack {ack}");
                        }
                    }
                    else
                    {
                        unexpected.Enqueue($"batch {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or JsonException && Volatile.Read(ref killed) == 1)
                {
                    return; // The process died under this request: the batch is in flight, not acknowledged.
                }
                catch (HttpRequestException e)
                {
                    unexpected.Enqueue($"batch {n}: {e.Message} {e.InnerException?.Message}");
                    return;
                }
            }
        }

        var streamStart = clock.Elapsed;
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(SendAsync)).ToArray();
        await Task.Delay(StreamFor);
        var ackedBeforeKill = attempts.Values.Count(a => a.Acknowledged);
        Volatile.Write(ref killed, 1);
        _app.Kill();
        var streamed = clock.Elapsed - streamStart;
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(unexpected.IsEmpty, $"Unexpected answers before the kill:\n{string.Join('\n', unexpected.Take(10))}");
        Assert.True(_app.HasExited);

        var acknowledged = attempts.Where(a => a.Value.Acknowledged).Select(a => a.Key).ToHashSet();
        var unacknowledged = attempts.Where(a => !a.Value.Acknowledged).Select(a => a.Key).OrderBy(n => n).ToList();
        output.WriteLine($"streamed {streamed.TotalSeconds:F1} s with {Senders} senders: {attempts.Count} batches sent, " +
            $"{acknowledged.Count} acknowledged ({acknowledged.Count * SamplesPerBatch} samples, " +
            $"{acknowledged.Count * SamplesPerBatch / streamed.TotalSeconds:F0}/s), {unacknowledged.Count} in flight at the kill");
        Assert.True(acknowledged.Count >= Senders * 10, $"Only {acknowledged.Count} batches were acknowledged before the kill.");
        Assert.True(ackedBeforeKill <= acknowledged.Count);

        // Start again on the same data directory / database.
        _app.Dispose();
        _app = await AppProcess.StartAsync(settings);
        Assert.NotEqual(firstPid, _app.Pid);
        output.WriteLine($"restarted as {_app}");
        using var api = await SignInAsync(_app.BaseUrl);
        var to = origin.AddMilliseconds((double)(attempts.Count + 10) * SamplesPerBatch).AddMinutes(1);

        var present = Tally(await ReadAllAsync(api, vehicleId, origin.AddSeconds(-1), to), origin, attempts.Count);
        foreach (var n in acknowledged)
        {
            Assert.True(present.TryGetValue(n, out var samples) && samples.All(c => c == 1),
                $"Acknowledged batch {n}: {Describe(present, n)}");
        }
        var presentUnacknowledged = 0;
        foreach (var n in unacknowledged)
        {
            if (present.TryGetValue(n, out var samples))
            {
                // In flight at the kill: all of its samples or none, each once (an absent batch has no entry).
                Assert.True(samples.All(c => c == 1), $"Unacknowledged batch {n} is partial: {Describe(present, n)}");
                presentUnacknowledged++;
            }
        }
        Assert.Equal(acknowledged.Count + presentUnacknowledged, present.Count);
        var verified = present.Values.Sum(s => s.Sum());
        Assert.Equal((acknowledged.Count + presentUnacknowledged) * SamplesPerBatch, verified);
        Assert.Equal(verified, await BucketedCountAsync(api, vehicleId, origin.AddSeconds(-1), to));
        output.WriteLine($"after restart: all {acknowledged.Count * SamplesPerBatch} acknowledged samples present exactly once; " +
            $"{presentUnacknowledged} of {unacknowledged.Count} unacknowledged batches present whole, none partial");

        // The device re-sends what it never got an answer for: a committed one is a duplicate, the rest are stored.
        using var resend = new HttpClient { BaseAddress = new Uri(_app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var n in unacknowledged)
        {
            using var response = await PostBatchAsync(resend, key, attempts[n].Body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
            var wasPresent = present.ContainsKey(n);
            Assert.True(wasPresent == ack.GetProperty("duplicate").GetBoolean(), $"Re-sent batch {n} (present: {wasPresent}): {ack}");
        }
        var after = Tally(await ReadAllAsync(api, vehicleId, origin.AddSeconds(-1), to), origin, attempts.Count);
        Assert.Equal(attempts.Count, after.Count);
        Assert.All(after, b => Assert.True(b.Value.All(c => c == 1), $"Batch {b.Key}: {Describe(after, b.Key)}"));
        Assert.Equal(attempts.Count * SamplesPerBatch, await BucketedCountAsync(api, vehicleId, origin.AddSeconds(-1), to));
        output.WriteLine($"after re-sending {unacknowledged.Count} batches: all {attempts.Count} batches " +
            $"({attempts.Count * SamplesPerBatch} samples) present exactly once; total {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed class Attempt(string body)
    {
        public string Body { get; } = body;

        public volatile bool Acknowledged;
    }

    private static string BatchJson(int n, DateTime origin)
    {
        var json = new StringBuilder(SamplesPerBatch * 64);
        json.Append(CultureInfo.InvariantCulture, $"{{\"batchId\":\"crash-{n}\",\"samples\":[");
        for (var i = 0; i < SamplesPerBatch; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            var t = origin.AddMilliseconds((double)n * SamplesPerBatch + i);
            json.Append(CultureInfo.InvariantCulture, $"{{\"t\":\"{Stamp(t)}\",\"pid\":\"{Pid}\",\"value\":{(long)n * 1000 + i}}}");
        }
        return json.Append("]}").ToString();
    }

    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> PostBatchAsync(HttpClient client, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Device-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<HttpClient> SignInAsync(string baseUrl)
    {
        var api = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var token = await api.PostAsJsonAsync("/api/v1/auth/token", new { email = "owner@demo.pitlane.test", password = "Pitlane-demo-1" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        api.DefaultRequestHeaders.Add("X-Organization-Id", shop.ToString());
        return api;
    }

    private static async Task<(Guid VehicleId, string Key)> CreateDeviceAsync(string baseUrl)
    {
        using var api = await SignInAsync(baseUrl);
        var vehicleId = (await api.GetFromJsonAsync<JsonElement>("/api/v1/vehicles")).GetProperty("items")[0].GetProperty("id").GetGuid();
        using var device = await api.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Crash test dongle" });
        Assert.Equal(HttpStatusCode.Created, device.StatusCode);
        return (vehicleId, (await device.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);
    }

    /// <summary>Every raw point in [from, to), page by page (truncated / nextFrom).</summary>
    private static async Task<List<(DateTime T, double Value)>> ReadAllAsync(HttpClient api, Guid vehicleId, DateTime from, DateTime to)
    {
        var points = new List<(DateTime, double)>();
        var cursor = from;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10_000, "Paging does not advance.");
            var page = await api.GetFromJsonAsync<JsonElement>(
                $"/api/v1/vehicles/{vehicleId}/telemetry?pid={Pid}&from={Uri.EscapeDataString(Stamp(cursor))}&to={Uri.EscapeDataString(Stamp(to))}&limit=10000");
            foreach (var p in page.GetProperty("points").EnumerateArray())
            {
                points.Add((p.GetProperty("t").GetDateTime().ToUniversalTime(), p.GetProperty("value").GetDouble()));
            }
            if (!page.GetProperty("truncated").GetBoolean())
            {
                return points;
            }
            var nextFrom = page.GetProperty("nextFrom").GetDateTime().ToUniversalTime();
            Assert.True(nextFrom > cursor, $"nextFrom {nextFrom:O} does not advance past {cursor:O}.");
            cursor = nextFrom;
        }
    }

    /// <summary>An independent count: the sum of one-day buckets over the range.</summary>
    private static async Task<long> BucketedCountAsync(HttpClient api, Guid vehicleId, DateTime from, DateTime to)
    {
        var buckets = await api.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{vehicleId}/telemetry?pid={Pid}&from={Uri.EscapeDataString(Stamp(from))}&to={Uri.EscapeDataString(Stamp(to))}&bucket=1d");
        return buckets.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64());
    }

    /// <summary>Batch number → how often each of its samples is present; every point must be one this test sent, at its own time.</summary>
    private static Dictionary<int, int[]> Tally(List<(DateTime T, double Value)> points, DateTime origin, int batches)
    {
        var present = new Dictionary<int, int[]>();
        foreach (var (t, value) in points)
        {
            var v = (long)value;
            Assert.Equal(v, value);
            var n = (int)(v / 1000);
            var i = (int)(v % 1000);
            Assert.True(n >= 0 && n < batches && i < SamplesPerBatch, $"A sample this test never sent: {value} at {t:O}");
            Assert.Equal(origin.AddMilliseconds((double)n * SamplesPerBatch + i), t);
            if (!present.TryGetValue(n, out var counts))
            {
                present[n] = counts = new int[SamplesPerBatch];
            }
            counts[i]++;
        }
        return present;
    }

    private static string Describe(Dictionary<int, int[]> present, int n) =>
        present.TryGetValue(n, out var s) ? $"{s.Count(c => c > 0)} of {SamplesPerBatch} samples present, {s.Sum()} rows" : "absent";

    public void Dispose()
    {
        // Always gone, also when an assertion failed mid-stream.
        _app?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashTests(output)
{
    protected override Task<Dictionary<string, string>> ProviderSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string>(StringComparer.Ordinal) { ["Pitlane__Database__Provider"] = "Sqlite" });
}

public sealed class PostgresCrashTests(PostgresServer postgres, ITestOutputHelper output) : CrashTests(output)
{
    protected override async Task<Dictionary<string, string>> ProviderSettingsAsync()
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Pitlane__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Pitlane"] = await postgres.CreateDatabaseAsync("crash_test"),
        };
    }
}
