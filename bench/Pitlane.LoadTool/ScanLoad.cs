using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Obd.Scanning;

namespace Pitlane.LoadTool;

/// <summary>
/// <c>pitlane-load --scans N</c>: end-to-end scan wall time through the HTTP API (POST /api/v1/scans → 202, then
/// GET /api/v1/scans/{id} every 20 ms until completed or failed) against the app's built-in vehicle simulator, next to
/// the scan's own durationMs from the API, so the job queue's share is visible. The reference, in the same run: the
/// same number of direct <c>ObdScanner.ScanAsync(address)</c>
/// calls from this process against the same simulator port.
/// </summary>
internal static class ScanLoad
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private sealed record Sample(double WallMs, double ScanMs, double QueuedMs, bool Completed);

    public static async Task<int> RunAsync(LoadOptions options)
    {
        using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
        var token = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = options.Email, password = options.Password });
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var org = me.GetProperty("organizations").EnumerateArray()
            .FirstOrDefault(o => o.GetProperty("name").GetString() == options.Organization);
        if (org.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{options.Email} is not a member of '{options.Organization}'.");
        }
        http.DefaultRequestHeaders.Add("X-Organization-Id", org.GetProperty("id").GetString());

        var (adapterId, uri) = await AdapterAsync(http, options);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var address) || address.Scheme != "tcp" || !IPAddress.TryParse(address.Host, out var ip) || !IPAddress.IsLoopback(ip))
        {
            throw new InvalidOperationException($"The adapter's address {uri} is not tcp:// on loopback; the direct reference scans loopback only.");
        }
        Console.WriteLine($"scans: adapter '{options.AdapterName}' {uri}, vin {options.Vin}, {options.Scans} scans, concurrency {options.ScanConcurrency}, " +
            $"poll every {PollInterval.TotalMilliseconds:0} ms, {Environment.ProcessorCount} logical CPUs");

        // One of each first, uncounted: JIT, connection pools and the first-scan database work on both sides.
        await ApiScanAsync(http, adapterId, options.Vin);
        await ObdScanner.ScanAsync(uri);

        Report("HTTP API, sequential", await RepeatAsync(options.Scans, 1, () => ApiScanAsync(http, adapterId, options.Vin)));
        Report("direct ObdScanner.ScanAsync, sequential (reference)", await RepeatAsync(options.Scans, 1, () => DirectScanAsync(uri)));
        if (options.ScanConcurrency > 1)
        {
            Report($"HTTP API, {options.ScanConcurrency} concurrent", await RepeatAsync(options.Scans, options.ScanConcurrency, () => ApiScanAsync(http, adapterId, options.Vin)));
            Report($"direct ObdScanner.ScanAsync, {options.ScanConcurrency} concurrent (reference)",
                await RepeatAsync(options.Scans, options.ScanConcurrency, () => DirectScanAsync(uri)));
        }
        return 0;
    }

    /// <summary>The organisation's adapter of that name, created with --adapter-uri when missing.</summary>
    private static async Task<(Guid Id, string Uri)> AdapterAsync(HttpClient http, LoadOptions options)
    {
        var adapters = await http.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters");
        foreach (var a in adapters.EnumerateArray())
        {
            if (a.GetProperty("name").GetString() == options.AdapterName)
            {
                return (a.GetProperty("id").GetGuid(), a.GetProperty("uri").GetString()!);
            }
        }
        if (options.AdapterUri is null)
        {
            throw new InvalidOperationException($"No adapter named '{options.AdapterName}'; give --adapter-uri tcp://127.0.0.1:PORT to create it.");
        }
        var created = await http.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = options.AdapterName, uri = options.AdapterUri });
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the adapter failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        var adapter = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (adapter.GetProperty("id").GetGuid(), adapter.GetProperty("uri").GetString()!);
    }

    private static async Task<Sample> ApiScanAsync(HttpClient http, Guid adapterId, string vin)
    {
        var started = Stopwatch.GetTimestamp();
        using var post = await http.PostAsJsonAsync("/api/v1/scans", new { vin, adapterId });
        if (post.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /api/v1/scans answered {(int)post.StatusCode}: {await post.Content.ReadAsStringAsync()}");
        }
        var id = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        while (true)
        {
            await Task.Delay(PollInterval);
            var scan = await http.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{id}");
            var status = scan.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var duration = scan.GetProperty("durationMs") is { ValueKind: JsonValueKind.Number } d ? d.GetInt32() : double.NaN;
                var queued = scan.GetProperty("startedAt") is { ValueKind: JsonValueKind.String } s
                    ? (s.GetDateTime() - scan.GetProperty("createdAt").GetDateTime()).TotalMilliseconds : double.NaN;
                if (status == "failed")
                {
                    Console.WriteLine($"scan {id} failed: {scan.GetProperty("error").GetString()}");
                }
                return new Sample(wall, duration, queued, status == "completed");
            }
        }
    }

    private static async Task<Sample> DirectScanAsync(string uri)
    {
        var started = Stopwatch.GetTimestamp();
        var report = await ObdScanner.ScanAsync(uri);
        return new Sample(Stopwatch.GetElapsedTime(started).TotalMilliseconds, report.Duration.TotalMilliseconds, 0, true);
    }

    private static async Task<(List<Sample> Samples, TimeSpan Elapsed)> RepeatAsync(int count, int concurrency, Func<Task<Sample>> scan)
    {
        var remaining = count;
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var samples = new List<Sample>();
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                samples.Add(await scan());
            }
            return samples;
        })));
        return ([.. results.SelectMany(r => r)], watch.Elapsed);
    }

    private static void Report(string title, (List<Sample> Samples, TimeSpan Elapsed) run)
    {
        var (samples, elapsed) = run;
        string Stats(Func<Sample, double> pick)
        {
            var values = samples.Select(pick).Where(double.IsFinite).Order().ToList();
            if (values.Count == 0)
            {
                return "n/a";
            }
            double P(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
            return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):F0} ms, p95 {P(0.95):F0} ms, max {P(1):F0} ms");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title}: {samples.Count(s => s.Completed)}/{samples.Count} completed in {elapsed.TotalSeconds:F1} s ({samples.Count / elapsed.TotalSeconds:F2} scans/s)"));
        Console.WriteLine($"  wall time (POST → completed seen; direct: call → report)  {Stats(s => s.WallMs)}");
        Console.WriteLine($"  scan's own duration (durationMs / ScanReport.Duration)    {Stats(s => s.ScanMs)}");
        if (title.StartsWith("HTTP", StringComparison.Ordinal))
        {
            Console.WriteLine($"  queued (createdAt → startedAt)                           {Stats(s => s.QueuedMs)}");
            Console.WriteLine($"  wall − durationMs (API, queue, job bookkeeping, polling)  {Stats(s => s.WallMs - s.ScanMs)}");
        }
    }
}
