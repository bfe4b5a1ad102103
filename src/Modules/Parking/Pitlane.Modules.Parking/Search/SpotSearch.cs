using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform;

namespace Pitlane.Modules.Parking.Search;

/// <summary>A driver's search: a circle (point and radius) or map bounds, a window, a vehicle size, an order.</summary>
public sealed record SpotQuery(
    double? Latitude, double? Longitude, double? RadiusMeters, GeoBox? Bounds, DateTime From, DateTime To, int? LengthCm, int? HeightCm, string Sort)
{
    /// <summary>The box the spatial index is asked for: the bounds, or the circle's bounding box (never across the antimeridian).</summary>
    public GeoBox Box => Bounds ?? GeoBox.Around(Latitude!.Value, Longitude!.Value, RadiusMeters!.Value);

    public bool Contains(double latitude, double longitude, out double distance)
    {
        distance = Latitude is { } lat && Longitude is { } lon ? Geo.DistanceMeters(lat, lon, latitude, longitude) : 0;
        return Bounds is { } b ? b.Contains(latitude, longitude) : distance <= RadiusMeters;
    }
}

public sealed record GeoBox(double MinLatitude, double MinLongitude, double MaxLatitude, double MaxLongitude)
{
    public bool Contains(double latitude, double longitude) =>
        latitude >= MinLatitude && latitude <= MaxLatitude && longitude >= MinLongitude && longitude <= MaxLongitude;

    public static GeoBox Around(double latitude, double longitude, double radiusMeters)
    {
        var dLat = radiusMeters / Geo.EarthRadiusMeters * 180 / Math.PI;
        var cos = Math.Cos(latitude * Math.PI / 180);
        var dLon = cos < 1e-6 ? 180 : Math.Min(180, dLat / cos);
        // A little slack so float rounding in the index never drops a point on the circle's edge.
        dLat *= 1.0001;
        dLon *= 1.0001;
        return new(Math.Max(-90, latitude - dLat), Math.Max(-180, longitude - dLon), Math.Min(90, latitude + dLat), Math.Min(180, longitude + dLon));
    }
}

public static class Geo
{
    /// <summary>The IUGG mean Earth radius, as PostGIS uses for spherical distances.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Great-circle distance by the haversine formula.</summary>
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        const double rad = Math.PI / 180;
        var dLat = (lat2 - lat1) * rad;
        var dLon = (lon2 - lon1) * rad;
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(lat1 * rad) * Math.Cos(lat2 * rad) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}

public sealed record SpotHit(Listing Listing, double DistanceMeters, Quote Quote);

/// <summary>
/// Finds spots free for a whole window. The database narrows by the spatial index (PostGIS GiST on PostgreSQL, R*Tree
/// on SQLite), vehicle size, publication, and the absence of an overlapping holding booking or blocked time; the exact
/// circle and the weekly openings (local times in each spot's zone) are checked here on those candidates.
/// </summary>
public sealed class SpotSearch(ParkingDbContext db, ParkingOptions options)
{
    public const double MaxRadiusMeters = 50_000;

    public async Task<ListPage<SpotHit>> SearchAsync(SpotQuery query, PageRequest page, CancellationToken ct)
    {
        var hits = await MatchesAsync(query, ct);
        return new ListPage<SpotHit>(hits.Skip(page.Skip).Take(page.PageSize).ToList(), page.Number, page.PageSize, hits.Count);
    }

    /// <summary>Every matching spot in the query's order.</summary>
    public async Task<List<SpotHit>> MatchesAsync(SpotQuery query, CancellationToken ct)
    {
        var candidates = await Candidates(query).AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).AsSplitQuery().ToListAsync(ct);
        return Order(candidates.Select(l => Match(l, query)).OfType<SpotHit>(), query.Sort);
    }

    /// <summary>The same answer by reading every listing and every holding booking: the reference the index is tested and benchmarked against.</summary>
    public async Task<List<SpotHit>> FullScanAsync(SpotQuery query, CancellationToken ct)
    {
        var listings = await db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).AsSplitQuery().ToListAsync(ct);
        var busy = (await db.Bookings.AsNoTracking().Where(b => BookingStatus.Holding.Contains(b.Status)).Select(b => new { b.ListingId, b.StartsAt, b.EndsAt }).ToListAsync(ct))
            .ToLookup(b => b.ListingId);
        return Order(listings.Where(l => !busy[l.Id].Any(b => b.StartsAt < query.To && b.EndsAt > query.From)).Select(l => Match(l, query)).OfType<SpotHit>(), query.Sort);
    }

    private IQueryable<Listing> Candidates(SpotQuery query)
    {
        var box = query.Box;
        var boxed = db.Database.IsNpgsql()
            ? db.Listings.FromSqlInterpolated($"""SELECT * FROM parking_listings WHERE "Geom" && ST_MakeEnvelope({box.MinLongitude}, {box.MinLatitude}, {box.MaxLongitude}, {box.MaxLatitude}, 4326)""")
            : db.Listings.FromSqlInterpolated($"""SELECT * FROM parking_listings WHERE "SpatialKey" IN (SELECT id FROM parking_listings_rtree WHERE min_lat <= {box.MaxLatitude} AND max_lat >= {box.MinLatitude} AND min_lon <= {box.MaxLongitude} AND max_lon >= {box.MinLongitude})""");
        var from = query.From;
        var to = query.To;
        var holding = BookingStatus.Holding;
        return boxed.Where(l => l.Published
            && (query.LengthCm == null || l.MaxLengthCm >= query.LengthCm)
            && (query.HeightCm == null || l.MaxHeightCm >= query.HeightCm)
            && !db.Bookings.Any(b => b.ListingId == l.Id && holding.Contains(b.Status) && b.StartsAt < to && b.EndsAt > from)
            && !db.Exceptions.Any(e => e.ListingId == l.Id && e.StartsAt < to && e.EndsAt > from));
    }

    private SpotHit? Match(Listing l, SpotQuery query)
    {
        if (!l.Published || !l.Fits(query.LengthCm, query.HeightCm) || !query.Contains(l.Latitude, l.Longitude, out var distance)
            || (query.To - query.From).TotalMinutes < l.MinimumMinutes || !l.IsOpen(query.From, query.To))
        {
            return null;
        }
        return new SpotHit(l, distance, Pricing.For(l.Prices, l.Currency, query.From, query.To, options.ServiceFeeBasisPoints, options.TaxBasisPoints));
    }

    private static List<SpotHit> Order(IEnumerable<SpotHit> hits, string sort) => sort == "price"
        ? [.. hits.OrderBy(h => h.Quote.Total).ThenBy(h => h.DistanceMeters).ThenBy(h => h.Listing.Id)]
        : [.. hits.OrderBy(h => h.DistanceMeters).ThenBy(h => h.Listing.Id)];
}
