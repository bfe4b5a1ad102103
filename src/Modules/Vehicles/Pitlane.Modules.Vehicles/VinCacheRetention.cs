using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Retention;

namespace Pitlane.Modules.Vehicles;

/// <summary>vPIC answers older than the cache lifetime: never read again (a newer decode replaces them), so deleted.</summary>
public sealed class VinCacheRetention(VehiclesDbContext db) : IRetentionTask
{
    public string What => "stale VIN decodes";

    public Task<int> PurgeAsync(DateTime now, CancellationToken ct)
    {
        var cutoff = now - VinDecodingService.CacheLifetime;
        return db.VinDecodeCache.Where(c => c.FetchedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
