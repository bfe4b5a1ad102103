using Pitlane.Diagnostics.Lane;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pitlane.Identity;
using Pitlane.Organizations;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Vehicles;

namespace Pitlane.Platform.Persistence;

/// <summary>
/// One database, one context; each module configures its own tables (prefixed by module) in its own method below and
/// no module queries another module's tables. Provider-specific subclasses exist only so that each provider keeps its
/// own migration history (ADR 0002).
/// </summary>
public abstract class PitlaneDbContext(DbContextOptions options)
    : IdentityDbContext<PitlaneUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<Vehicle> Vehicles => Set<Vehicle>();
    public DbSet<VinDecodeCacheEntry> VinDecodeCache => Set<VinDecodeCacheEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboxEntry> Inbox => Set<InboxEntry>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<ScanAdapter> ScanAdapters => Set<ScanAdapter>();
    public DbSet<ScanAgent> ScanAgents => Set<ScanAgent>();
    public DbSet<Scan> Scans => Set<Scan>();
    public DbSet<CodeClearing> CodeClearings => Set<CodeClearing>();
    public DbSet<Kiosk> Kiosks => Set<Kiosk>();
    public DbSet<DiagnosticReport> DiagnosticReports => Set<DiagnosticReport>();
    public DbSet<ShopProfile> ShopProfiles => Set<ShopProfile>();
    public DbSet<LaborOperation> LaborOperations => Set<LaborOperation>();
    public DbSet<PartPrice> PartPrices => Set<PartPrice>();
    public DbSet<InterpretationRecord> Interpretations => Set<InterpretationRecord>();
    public DbSet<ServiceEntry> ServiceEntries => Set<ServiceEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        ConfigureIdentity(builder);
        ConfigureOrganizations(builder);
        ConfigureVehicles(builder);
        builder.ConfigureMessaging();
        builder.ConfigureDiagnostics();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        UtcTimestamps.Apply(configurationBuilder);
    }

    private static void ConfigureIdentity(ModelBuilder builder)
    {
        builder.Entity<PitlaneUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(100);
        });
        builder.Entity<RefreshToken>(token =>
        {
            token.ToTable("identity_refresh_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.TokenHash).HasMaxLength(32);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasIndex(t => t.UserId);
        });
    }

    private static void ConfigureOrganizations(ModelBuilder builder)
    {
        builder.Entity<Organization>(org =>
        {
            org.ToTable("org_organizations");
            org.HasKey(o => o.Id);
            org.Property(o => o.Name).HasMaxLength(120);
            org.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        });
        builder.Entity<Membership>(member =>
        {
            member.ToTable("org_memberships");
            member.HasKey(m => new { m.OrganizationId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            member.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<PitlaneUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static void ConfigureVehicles(ModelBuilder builder)
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
            vehicle.HasOne<Organization>().WithMany().HasForeignKey(v => v.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<VinDecodeCacheEntry>(cache =>
        {
            cache.ToTable("vehicles_vin_decode_cache");
            cache.HasKey(c => c.Vin);
            cache.Property(c => c.Vin).HasMaxLength(17);
            cache.Property(c => c.Payload).HasMaxLength(8000);
        });
    }

}

/// <summary>Every timestamp is UTC; SQLite returns DateTime without a kind, so the kind is restored on read.</summary>
public static class UtcTimestamps
{
    public static void Apply(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v.Value : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

public sealed class SqlitePitlaneDbContext(DbContextOptions<SqlitePitlaneDbContext> options) : PitlaneDbContext(options);

public sealed class PostgresPitlaneDbContext(DbContextOptions<PostgresPitlaneDbContext> options) : PitlaneDbContext(options);
