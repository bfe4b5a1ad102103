using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Vin;
using Pitlane.Vin.Vpic;

namespace Pitlane.Modules.Vehicles;

public sealed class VinDecodeCacheEntry
{
    public string Vin { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime FetchedAt { get; set; }
}

/// <summary>What the platform knows about a VIN: the local decoder's answer, enriched by vPIC when it was reachable.</summary>
public sealed record VinDecoding(
    VinDecodeResult Local,
    VpicDecodeResult? Vpic,
    IReadOnlyDictionary<string, string> Sources)
{
    public string Vin => Local.Vin;
    public int? ModelYear => Local.ModelYear ?? Vpic?.ModelYear;
    public string? Make => Vpic?.Make ?? Local.Make;
    public string? Manufacturer => Local.Manufacturer ?? Vpic?.Manufacturer;
    public string? Model => Vpic?.Model;
    public string? Trim => Vpic?.Trim;
    public string? BodyClass => Vpic?.BodyClass;
    public string? Engine => Vpic is null ? null : DescribeEngine(Vpic);
    public string? FuelType => Vpic?.FuelType;
    public string? Country => Local.Country;
    public string? PlantCountry => Vpic?.PlantCountry;
    public string Source => Vpic is null ? "local" : "local+vpic";

    private static string? DescribeEngine(VpicDecodeResult vpic)
    {
        var parts = new List<string>(3);
        if (vpic.DisplacementL is { } litres)
        {
            parts.Add(FormattableString.Invariant($"{litres:0.0} L"));
        }
        if (vpic.EngineCylinders is { } cylinders)
        {
            parts.Add(FormattableString.Invariant($"{cylinders} cyl"));
        }
        if (!string.IsNullOrEmpty(vpic.EngineModel))
        {
            parts.Add(vpic.EngineModel);
        }
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}

/// <summary>
/// Local decode always; NHTSA vPIC on top when enabled and reachable. vPIC answers are cached in the database
/// (they do not change for a VIN), and after a failure vPIC is left alone for a cool-down so an offline
/// installation pays the timeout once, not on every request.
/// </summary>
public sealed class VinDecodingService(
    VehiclesDbContext db,
    VpicClient vpic,
    IOptions<VpicOptions> options,
    VpicCircuit circuit,
    TimeProvider time,
    ILogger<VinDecodingService> logger)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromDays(90);

    public async Task<VinDecoding> DecodeAsync(string vin, CancellationToken ct)
    {
        var local = VinDecoder.Decode(vin, time.GetUtcNow().Year);
        VpicDecodeResult? remote = null;
        if (local.IsWellFormed)
        {
            remote = await LookUpVpicAsync(local, ct);
        }
        return new VinDecoding(local, remote, SourcesOf(local, remote));
    }

    private async Task<VpicDecodeResult?> LookUpVpicAsync(VinDecodeResult local, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var cached = await db.VinDecodeCache.AsNoTracking().FirstOrDefaultAsync(c => c.Vin == local.Vin, ct);
        if (cached is not null && now - cached.FetchedAt < CacheLifetime)
        {
            return JsonSerializer.Deserialize<VpicDecodeResult>(cached.Payload);
        }
        if (!circuit.IsClosed(now))
        {
            return null;
        }
        try
        {
            var result = await vpic.DecodeAsync(local.Vin, local.ModelYear, ct);
            circuit.RecordSuccess();
            await StoreAsync(local.Vin, result, now, ct);
            return result;
        }
        catch (Exception e) when (e is VpicException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Offline or vPIC down: the local decoder answers alone, and vPIC rests for the cool-down.
            circuit.RecordFailure(now, TimeSpan.FromSeconds(settings.CooldownSeconds));
            logger.LogWarning("vPIC lookup failed, answering from the local decoder: {Reason}", e.Message);
            return null;
        }
    }

    private async Task StoreAsync(string vin, VpicDecodeResult result, DateTime now, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(result);
        var entry = await db.VinDecodeCache.FirstOrDefaultAsync(c => c.Vin == vin, ct);
        if (entry is null)
        {
            db.VinDecodeCache.Add(new VinDecodeCacheEntry { Vin = vin, Payload = payload, FetchedAt = now });
        }
        else
        {
            entry.Payload = payload;
            entry.FetchedAt = now;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request cached the same VIN first; theirs is as good as ours.
            db.ChangeTracker.Clear();
        }
    }

    private static Dictionary<string, string> SourcesOf(VinDecodeResult local, VpicDecodeResult? remote)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        void Mark(string field, bool fromLocal, bool fromRemote)
        {
            if (fromLocal)
            {
                sources[field] = "local";
            }
            else if (fromRemote)
            {
                sources[field] = "vpic";
            }
        }
        Mark("modelYear", local.ModelYear is not null, remote?.ModelYear is not null);
        Mark("make", local.Make is not null && remote?.Make is null, remote?.Make is not null);
        Mark("manufacturer", local.Manufacturer is not null, remote?.Manufacturer is not null);
        Mark("country", local.Country is not null, false);
        Mark("model", false, remote?.Model is not null);
        Mark("trim", false, remote?.Trim is not null);
        Mark("bodyClass", false, remote?.BodyClass is not null);
        Mark("engine", false, remote is not null && (remote.DisplacementL is not null || remote.EngineCylinders is not null || remote.EngineModel is not null));
        Mark("fuelType", false, remote?.FuelType is not null);
        Mark("plantCountry", false, remote?.PlantCountry is not null);
        return sources;
    }
}

/// <summary>Shared across requests: remembers when vPIC last failed.</summary>
public sealed class VpicCircuit
{
    private long _openUntilTicks;

    public bool IsClosed(DateTime now) => now.Ticks >= Interlocked.Read(ref _openUntilTicks);

    public void RecordFailure(DateTime now, TimeSpan cooldown) => Interlocked.Exchange(ref _openUntilTicks, (now + cooldown).Ticks);

    public void RecordSuccess() => Interlocked.Exchange(ref _openUntilTicks, 0);
}
