using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

// Usage: Pitlane.BayLoad <base-url> [seconds=60] [concurrency=32] [bays=4] [slots-per-bay=47]
// Signs up a fresh owner with a new shop organisation, adds bays open around the clock, then for <seconds> (at most
// 110) runs <concurrency> clients in a loop. Each client books a random bay for one hour starting at a random half
// hour among <slots-per-bay> half-hour starts (so most bookings conflict with an earlier one or with each other:
// 201 or 409), and every fourth call is the reference: GET /api/v1/shop/bays (same authentication, organisation
// header and module, no write). Prints throughput and p50/p99 for both, then reads every bay's bookings back and
// counts pairs that overlap (double bookings; must be 0) and checks that every 201 is among them.
var baseUrl = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5300");
var seconds = Math.Min(110, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60);
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
var bayCount = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
var slots = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 47;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
var email = $"bays-{Guid.NewGuid():N}@example.test";
(await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "Correct-horse-9", displayName = "Bay bench" })).EnsureSuccessStatusCode();
var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Correct-horse-9" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
var created = await http.PostAsJsonAsync("/api/v1/organizations", new { name = $"Bay bench {Guid.NewGuid():N}"[..24], kind = "Shop" });
created.EnsureSuccessStatusCode();
var org = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
http.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
var bays = new List<Guid>();
for (var i = 0; i < bayCount; i++)
{
    var bay = await http.PostAsJsonAsync("/api/v1/shop/bays", new { name = $"Bay {i + 1}", hasLift = true, opensAt = "00:00", closesAt = "24:00", timeZone = "UTC" });
    bay.EnsureSuccessStatusCode();
    bays.Add((await bay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
}
// Whole hours from tomorrow 00:00 UTC, so every slot is in the future and inside the opening hours.
var day = DateTimeOffset.UtcNow.Date.AddDays(1);
var origin = new DateTimeOffset(day, TimeSpan.Zero);

var booking = new List<double>();
var reference = new List<double>();
int won = 0, refused = 0, failed = 0, referenceFailed = 0;
var wins = new System.Collections.Concurrent.ConcurrentBag<(Guid Bay, DateTimeOffset Start)>();
var others = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
string? firstOther = null;

async Task Worker(int n, DateTime until, bool measure)
{
    var random = new Random(n * 7919 + (measure ? 1 : 0));
    var mine = new List<double>();
    var mineRef = new List<double>();
    for (var call = 0; DateTime.UtcNow < until; call++)
    {
        var started = Stopwatch.GetTimestamp();
        if (call % 4 == 3)
        {
            using var r = await http.GetAsync("/api/v1/shop/bays");
            mineRef.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (r.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref referenceFailed);
            }
            continue;
        }
        var bay = bays[random.Next(bays.Count)];
        // At most 47 starts a day: a booking from 23:30 would run past the bay's closing at 24:00 (a 400, not a conflict).
        var start = origin.AddMinutes(30 * random.Next(Math.Min(slots, 47)));
        using var response = await http.PostAsJsonAsync($"/api/v1/shop/bays/{bay}/bookings", new { startsAt = start, endsAt = start.AddHours(1), title = $"load {n}" });
        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!measure)
        {
            continue;
        }
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created: Interlocked.Increment(ref won); wins.Add((bay, start)); break;
            case HttpStatusCode.Conflict: Interlocked.Increment(ref refused); break;
            default:
                Interlocked.Increment(ref failed);
                others.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (firstOther is null)
                {
                    Interlocked.CompareExchange(ref firstOther, await response.Content.ReadAsStringAsync(), null);
                }
                break;
        }
    }
    if (measure)
    {
        lock (booking)
        {
            booking.AddRange(mine);
            reference.AddRange(mineRef);
        }
    }
}

static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

// Warm-up (JIT, pools), on a day far from the measured one; not counted.
var measuredOrigin = origin;
origin = origin.AddDays(40);
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(n => Worker(n, DateTime.UtcNow.AddSeconds(5), measure: false)));
origin = measuredOrigin;

var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(n => Worker(n, DateTime.UtcNow.AddSeconds(seconds), measure: true)));
var elapsed = clock.Elapsed.TotalSeconds;
booking.Sort();
reference.Sort();

// Afterwards: every bay's bookings of the measured window, pairs that overlap.
var doubles = 0;
var listed = 0;
foreach (var bay in bays)
{
    var from = Uri.EscapeDataString(origin.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));
    var to = Uri.EscapeDataString(origin.AddMinutes(30 * slots + 120).ToString("O", CultureInfo.InvariantCulture));
    var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/shop/bays/{bay}/bookings?from={from}&to={to}");
    var items = (list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items")).EnumerateArray()
        .Where(b => b.GetProperty("status").GetString() is not ("Cancelled" or "cancelled"))
        .Select(b => (Start: b.GetProperty("startsAt").GetDateTimeOffset(), End: b.GetProperty("endsAt").GetDateTimeOffset())).OrderBy(b => b.Start).ToList();
    listed += items.Count;
    for (var i = 0; i < items.Count; i++)
    {
        for (var j = i + 1; j < items.Count && items[j].Start < items[i].End; j++)
        {
            doubles++;
        }
    }
}

Console.WriteLine("kind,calls,per_second,p50_ms,p99_ms,created,conflict_409,other_errors");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"book,{booking.Count},{booking.Count / elapsed:F1},{Pct(booking, 0.50):F1},{Pct(booking, 0.99):F1},{won},{refused},{failed}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"reference_get,{reference.Count},{reference.Count / elapsed:F1},{Pct(reference, 0.50):F1},{Pct(reference, 0.99):F1},,,{referenceFailed}"));
Console.WriteLine($"# {concurrency} clients, {bayCount} bays x {slots} half-hour starts, {elapsed:F1} s; bookings listed afterwards {listed} (201s: {won}); double bookings {doubles}");
if (!others.IsEmpty)
{
    Console.WriteLine($"# other booking answers: {string.Join(", ", others.OrderBy(o => o.Key).Select(o => $"{o.Key} x{o.Value}"))}; first: {firstOther?[..Math.Min(300, firstOther.Length)]}");
}
return doubles == 0 && listed == won && failed == 0 ? 0 : 1;
