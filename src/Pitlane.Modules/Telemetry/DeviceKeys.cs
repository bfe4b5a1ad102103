using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Vehicles;

namespace Pitlane.Telemetry;

/// <summary>
/// Resolves a device key to its device. Every batch needs this, so answers are cached by the key's hash for
/// <see cref="Lifetime"/>: a revocation on this instance takes effect at once, on other instances within the lifetime.
/// A device whose vehicle was deleted or moved to another organisation is refused.
/// </summary>
public sealed class DeviceKeys(IMemoryCache cache, IServiceScopeFactory scopes)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    /// <summary>Keys are 43 base64url characters (32 bytes); anything far longer is refused before hashing.</summary>
    private const int MaxKeyLength = 128;

    public async ValueTask<DeviceIdentity?> AuthenticateAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return null;
        }
        var hash = Device.HashKey(key);
        var cacheKey = CacheKey(hash);
        if (cache.TryGetValue(cacheKey, out DeviceIdentity? identity))
        {
            return identity;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TelemetryDbContext>();
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.KeyHash == hash, ct);
        identity = null;
        if (device is { IsRevoked: false }
            && await scope.ServiceProvider.GetRequiredService<VehicleDirectory>().BelongsToAsync(device.VehicleId, device.OrganizationId, ct))
        {
            identity = new DeviceIdentity(device.Id, device.OrganizationId, device.VehicleId);
        }
        cache.Set(cacheKey, identity, Lifetime);
        return identity;
    }

    public void Forget(byte[] keyHash) => cache.Remove(CacheKey(keyHash));

    private static string CacheKey(byte[] hash) => "telemetry-device:" + Convert.ToHexString(hash);
}
