using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;

// pitlane-parking-bench [--sqlite <file> | --postgres <connection string>] [--listings 100000] [--queries 200] [--scans 5] [--warmup 10]
// Seeds N random listings around one city (about 55 x 42 km), 1 in 7 with a holding booking, 1 in 10 with a blocked
// time, then times the module's search (spatial index + SQL filters + exact checks) and the full-scan reference on the
// same random queries, and checks that both answer the same spots. Each search runs on a new context (pooled
// connection), as a request does. The first --warmup searches (JIT, connection pool, server catalog caches, statement
// preparation) are left out of p50/p99 and the first one is printed on its own; the load average is printed too.
var options = Args(args);
var listingsCount = int.Parse(options.GetValueOrDefault("listings", "100000"), System.Globalization.CultureInfo.InvariantCulture);
var queries = int.Parse(options.GetValueOrDefault("queries", "200"), System.Globalization.CultureInfo.InvariantCulture);
var scans = int.Parse(options.GetValueOrDefault("scans", "5"), System.Globalization.CultureInfo.InvariantCulture);
var warmup = int.Parse(options.GetValueOrDefault("warmup", "10"), System.Globalization.CultureInfo.InvariantCulture);
var radius = double.Parse(options.GetValueOrDefault("radius", "1000"), System.Globalization.CultureInfo.InvariantCulture);

Func<ParkingDbContext> create;
string provider;
if (options.TryGetValue("postgres", out var pg))
{
    provider = "postgres";
    var built = new DbContextOptionsBuilder<PostgresParkingDbContext>().UseNpgsql(pg, o => o.MigrationsHistoryTable(ParkingDbContext.HistoryTable)).Options;
    create = () => new PostgresParkingDbContext(built);
}
else
{
    provider = "sqlite";
    var file = options.GetValueOrDefault("sqlite", Path.Combine(Path.GetTempPath(), $"parking-bench-{Environment.ProcessId}.db"));
    var built = new DbContextOptionsBuilder<SqliteParkingDbContext>().UseSqlite($"Data Source={file}", o => o.MigrationsHistoryTable(ParkingDbContext.HistoryTable)).Options;
    create = () => new SqliteParkingDbContext(built);
}

var random = new Random(90);
// Whole seconds: PostgreSQL keeps microseconds, so sub-microsecond instants would compare differently in SQL and in memory.
var now = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
await using (var db = create())
{
    await db.Database.MigrateAsync();
    var existing = await db.Listings.CountAsync();
    var host = Guid.NewGuid();
    var seedWatch = Stopwatch.StartNew();
    for (var batch = existing; batch < listingsCount; batch += 5_000)
    {
        await using var batchDb = create();
        var items = new List<Listing>();
        for (var i = batch; i < Math.Min(listingsCount, batch + 5_000); i++)
        {
            var l = Listing.Create(host, new ListingDetails($"Spot {i}", $"Street {i}", 40.5 + random.NextDouble() * 0.5, -74.25 + random.NextDouble() * 0.5,
                "America/New_York", random.Next(350, 700), random.Next(150, 300), random.Next(2) == 0, random.Next(4) == 0, false, null, null,
                new SpotPrices(random.Next(100, 900), 3_000, null, 60), "usd", CancellationPolicy.Moderate, 40), now);
            l.ReplaceRules(random.Next(4) == 0 ? [new AvailabilityRule((DayOfWeek)random.Next(7), 480, 1080)] : Enum.GetValues<DayOfWeek>().Select(d => new AvailabilityRule(d, 0, 1440)), now);
            if (i % 10 == 3)
            {
                l.AddException(new AvailabilityException(now.AddHours(random.Next(0, 72)), now.AddHours(random.Next(72, 100)), "works"), now);
            }
            l.Publish(true, now);
            items.Add(l);
        }
        batchDb.Listings.AddRange(items);
        await batchDb.SaveChangesAsync();
        var quote = new Quote(100, 10, 0, 110, "usd", 0, 0, 1, "hourly");
        foreach (var l in items.Where((_, i) => i % 7 == 0))
        {
            var start = now.AddHours(random.Next(0, 96));
            var b = Booking.Hold(l.Id, host, Guid.NewGuid(), Guid.NewGuid(), start, start.AddHours(random.Next(1, 30)), quote, "moderate", null, null, null, now);
            b.Confirm(Guid.NewGuid(), now);
            batchDb.Bookings.Add(b);
        }
        await batchDb.SaveChangesAsync();
    }
    if (provider == "postgres")
    {
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
    }
    Console.WriteLine($"{provider}: {listingsCount} listings ready (seeded in {seedWatch.Elapsed.TotalSeconds:F0} s)");
}

var queryList = Enumerable.Range(0, queries).Select(_ =>
{
    var from = now.AddHours(random.Next(1, 80));
    return new SpotQuery(40.5 + random.NextDouble() * 0.5, -74.25 + random.NextDouble() * 0.5, radius, null, from, from.AddHours(random.Next(1, 12)), 480, null, "distance");
}).ToList();

Console.WriteLine($"load average before: {LoadAverage()}");
var parkingOptions = new ParkingOptions();
var indexed = new List<double>();
var first = 0.0;
var found = 0L;
foreach (var (query, i) in queryList.Select((q, i) => (q, i)))
{
    await using var db = create();
    var search = new SpotSearch(db, parkingOptions);
    var watch = Stopwatch.StartNew();
    var hits = await search.MatchesAsync(query, CancellationToken.None);
    watch.Stop();
    if (i == 0)
    {
        first = watch.Elapsed.TotalMilliseconds;
    }
    if (i >= warmup)
    {
        indexed.Add(watch.Elapsed.TotalMilliseconds);
    }
    found += hits.Count;
}
var full = new List<double>();
var mismatches = 0;
foreach (var query in queryList.Take(scans))
{
    await using var db = create();
    var search = new SpotSearch(db, parkingOptions);
    var watch = Stopwatch.StartNew();
    var reference = await search.FullScanAsync(query, CancellationToken.None);
    watch.Stop();
    full.Add(watch.Elapsed.TotalMilliseconds);
    await using var db2 = create();
    var hits = await new SpotSearch(db2, parkingOptions).MatchesAsync(query, CancellationToken.None);
    if (!hits.Select(h => h.Listing.Id).SequenceEqual(reference.Select(h => h.Listing.Id)))
    {
        mismatches++;
    }
}
Console.WriteLine($"indexed search  first query {first:F1} ms (cold: JIT, new connection, server caches, prepare); next {warmup - 1} left out as warm-up");
Console.WriteLine($"indexed search  ({indexed.Count} queries, radius {radius} m, avg {found / (double)queries:F1} hits): p50 {P(indexed, 50):F2} ms  p99 {P(indexed, 99):F2} ms  max {indexed.Max():F2} ms");
if (full.Count > 0)
{
    Console.WriteLine($"full scan       ({full.Count} queries): p50 {P(full, 50):F0} ms  p99 {P(full, 99):F0} ms");
}
Console.WriteLine($"answers equal on {full.Count - mismatches}/{full.Count} compared queries");
Console.WriteLine($"load average after: {LoadAverage()}");
return mismatches == 0 ? 0 : 1;

static double P(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static Dictionary<string, string> Args(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }
    return result;
}
