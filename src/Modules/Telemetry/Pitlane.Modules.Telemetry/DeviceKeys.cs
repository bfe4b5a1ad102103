using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Telemetry;

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
        identity = await LoadAsync(d => d.KeyHash == hash, ct);
        // Only known devices are cached: a flood of made-up keys must not fill the cache (it is rate-limited instead).
        if (identity is not null)
        {
            cache.Set(cacheKey, identity, Entry);
        }
        return identity;
    }

    /// <summary>
    /// The device with this id if it exists, is not revoked and its vehicle is still in its organisation; cached like
    /// keys. For MQTT ingest, where the device authenticated to the broker, not to Pitlane, and names itself by id in
    /// the topic: the id is not a secret, so this only refuses unknown and revoked devices.
    /// </summary>
    public async ValueTask<DeviceIdentity?> FindActiveAsync(Guid deviceId, CancellationToken ct)
    {
        var cacheKey = IdCacheKey(deviceId);
        if (cache.TryGetValue(cacheKey, out DeviceIdentity? identity))
        {
            return identity;
        }
        identity = await LoadAsync(d => d.Id == deviceId, ct);
        if (identity is not null)
        {
            cache.Set(cacheKey, identity, Entry);
        }
        return identity;
    }

    private async Task<DeviceIdentity?> LoadAsync(System.Linq.Expressions.Expression<Func<Device, bool>> match, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TelemetryDbContext>();
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(match, ct);
        if (device is { IsRevoked: false }
            && await scope.ServiceProvider.GetRequiredService<IVehicleDirectory>().BelongsToAsync(device.VehicleId, device.OrganizationId, ct))
        {
            return new DeviceIdentity(device.Id, device.OrganizationId, device.VehicleId);
        }
        return null;
    }

    /// <summary>Drops a revoked device from this instance's cache, by key (HTTP, WebSocket) and by id (MQTT).</summary>
    public void Forget(Guid deviceId, byte[] keyHash)
    {
        cache.Remove(CacheKey(keyHash));
        cache.Remove(IdCacheKey(deviceId));
    }

    private static MemoryCacheEntryOptions Entry => new() { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 };

    private static string CacheKey(byte[] hash) => "telemetry-device:" + Convert.ToHexString(hash);

    private static string IdCacheKey(Guid deviceId) => $"telemetry-device-id:{deviceId:N}";
}
