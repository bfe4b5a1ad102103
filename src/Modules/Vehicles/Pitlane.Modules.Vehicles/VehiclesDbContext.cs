using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Vehicles;

/// <summary>
/// The Vehicles module's store: the shared vehicle record (vehicles) and the vPIC answer cache
/// (vehicles_vin_decode_cache), with its own migration history. A vehicle holds its organisation's id, not a foreign
/// key: organisations belong to the Accounts module.
/// </summary>
public abstract class VehiclesDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__vehicles_migrations";

    public DbSet<Vehicle> Vehicles => Set<Vehicle>();
    public DbSet<VinDecodeCacheEntry> VinDecodeCache => Set<VinDecodeCacheEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Vehicle>(vehicle =>
        {
            vehicle.ToTable("vehicles");
            vehicle.HasKey(v => v.Id);
            vehicle.Property(v => v.Vin).HasMaxLength(17).IsRequired();
            vehicle.HasIndex(v => new { v.OrganizationId, v.Vin }).IsUnique();
            vehicle.Property(v => v.Make).HasMaxLength(80);
            vehicle.Property(v => v.Manufacturer).HasMaxLength(120);
            vehicle.Property(v => v.Model).HasMaxLength(120);
            vehicle.Property(v => v.Trim).HasMaxLength(120);
            vehicle.Property(v => v.BodyClass).HasMaxLength(120);
            vehicle.Property(v => v.Engine).HasMaxLength(120);
            vehicle.Property(v => v.FuelType).HasMaxLength(60);
            vehicle.Property(v => v.Country).HasMaxLength(60);
            vehicle.Property(v => v.PlantCountry).HasMaxLength(60);
            vehicle.Property(v => v.DecodeSource).HasMaxLength(20);
            vehicle.Property(v => v.Plate).HasMaxLength(20);
            vehicle.Property(v => v.Nickname).HasMaxLength(80);
            vehicle.Property(v => v.CheckDigitOverrideReason).HasMaxLength(VehicleRegistration.MaxOverrideReasonLength);
        });
        builder.Entity<VinDecodeCacheEntry>(cache =>
        {
            cache.ToTable("vehicles_vin_decode_cache");
            cache.HasKey(c => c.Vin);
            cache.Property(c => c.Vin).HasMaxLength(17);
            cache.Property(c => c.Payload).HasMaxLength(8000);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteVehiclesDbContext(DbContextOptions<SqliteVehiclesDbContext> options) : VehiclesDbContext(options);

public sealed class PostgresVehiclesDbContext(DbContextOptions<PostgresVehiclesDbContext> options) : VehiclesDbContext(options);
