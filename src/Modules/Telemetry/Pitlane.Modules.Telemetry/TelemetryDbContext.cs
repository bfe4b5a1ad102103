using Pitlane.Platform.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// The Telemetry module's own data: devices through EF Core, and the hot tables (samples, batch ids, latest values,
/// per-minute rollups) created by raw SQL in the migrations and written through <see cref="TelemetryStore"/>, because
/// binary COPY and prepared per-row commands are what make ingest fast. Its migration history lives in
/// <see cref="HistoryTable"/>, apart from the main context's. Vehicles are read only through
/// <see cref="Pitlane.Modules.Vehicles.Contracts.IVehicleDirectory"/>.
/// </summary>
public abstract class TelemetryDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__telemetry_migrations";

    public DbSet<Device> Devices => Set<Device>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Device>(device =>
        {
            device.ToTable("telemetry_devices");
            device.HasKey(d => d.Id);
            device.Property(d => d.Name).HasMaxLength(Device.MaxNameLength).IsRequired();
            device.Property(d => d.KeyHash).HasMaxLength(32).IsRequired();
            device.Property(d => d.KeyPrefix).HasMaxLength(8).IsRequired();
            device.HasIndex(d => d.KeyHash).IsUnique();
            device.HasIndex(d => new { d.OrganizationId, d.VehicleId });
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        Pitlane.Platform.Persistence.UtcTimestamps.Apply(configurationBuilder);
    }
}

public sealed class SqliteTelemetryDbContext(DbContextOptions<SqliteTelemetryDbContext> options) : TelemetryDbContext(options);

public sealed class PostgresTelemetryDbContext(DbContextOptions<PostgresTelemetryDbContext> options) : TelemetryDbContext(options);

/// <summary>
/// A dongle or scanner that sends samples for one vehicle. Its key is shown once at creation; only the key's SHA-256
/// is stored, so a database leak does not hand out working keys.
/// </summary>
public sealed class Device : IOrganizationOwned
{
    public const int MaxNameLength = 80;

    private Device() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid VehicleId { get; private set; }
    public string Name { get; private set; } = "";
    public byte[] KeyHash { get; private set; } = [];
    /// <summary>The key's first characters, so people can tell their devices apart without the key.</summary>
    public string KeyPrefix { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Creates a device and its key: 32 random bytes, base64url (RFC 4648 §5), returned to the caller once.</summary>
    public static (Device Device, string Key) Create(Guid organizationId, Guid vehicleId, string name, DateTime now)
    {
        var key = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var device = new Device
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = organizationId,
            VehicleId = vehicleId,
            Name = name.Trim(),
            KeyHash = HashKey(key),
            KeyPrefix = key[..8],
            CreatedAt = now,
        };
        return (device, key);
    }

    public void Revoke(DateTime now) => RevokedAt ??= now;

    public static byte[] HashKey(string key) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
}
