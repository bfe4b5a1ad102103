using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Parking;

/// <summary>
/// The Parking module's store: listings with their weekly rules and exceptions, bookings, location samples and consent
/// records. Organisations and people are ids (they belong to Accounts). The spatial index is created by the migrations
/// in SQL: a PostGIS GiST index on PostgreSQL, an R*Tree virtual table kept by triggers on SQLite.
/// </summary>
public abstract class ParkingDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__parking_migrations";

    /// <summary>No two bookings holding one spot overlap (PostgreSQL; SQLite serialises the check instead).</summary>
    public const string NoOverlapConstraint = "parking_bookings_no_overlap";

    public DbSet<Listing> Listings => Set<Listing>();
    public DbSet<AvailabilityRule> Rules => Set<AvailabilityRule>();
    public DbSet<AvailabilityException> Exceptions => Set<AvailabilityException>();
    public DbSet<ListingPhoto> Photos => Set<ListingPhoto>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<LocationSample> Locations => Set<LocationSample>();
    public DbSet<ConsentRecord> Consents => Set<ConsentRecord>();
    public DbSet<TeslaAccount> TeslaAccounts => Set<TeslaAccount>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Listing>(listing =>
        {
            listing.ToTable("parking_listings");
            listing.HasKey(l => l.Id);
            listing.Property(l => l.Title).HasMaxLength(120).IsRequired();
            listing.Property(l => l.Address).HasMaxLength(300).IsRequired();
            listing.Property(l => l.TimeZone).HasMaxLength(64);
            listing.Property(l => l.AccessInstructions).HasMaxLength(2000);
            listing.Property(l => l.HouseRules).HasMaxLength(2000);
            listing.Property(l => l.Currency).HasMaxLength(3);
            listing.Property(l => l.CancellationPolicy).HasMaxLength(20);
            listing.Property(l => l.SuspensionReason).HasMaxLength(300);
            listing.Property(l => l.Openings).HasMaxLength(Availability.MaxPackedLength);
            listing.HasIndex(l => l.HostOrganizationId);
            listing.HasIndex(l => l.SpatialKey).IsUnique();
            listing.HasMany(l => l.Rules).WithOne().HasForeignKey(r => r.ListingId).OnDelete(DeleteBehavior.Cascade);
            listing.HasMany(l => l.Exceptions).WithOne().HasForeignKey(e => e.ListingId).OnDelete(DeleteBehavior.Cascade);
            listing.Navigation(l => l.Rules).UsePropertyAccessMode(PropertyAccessMode.Field);
            listing.Navigation(l => l.Exceptions).UsePropertyAccessMode(PropertyAccessMode.Field);
            listing.HasMany(l => l.Photos).WithOne().HasForeignKey(p => p.ListingId).OnDelete(DeleteBehavior.Cascade);
            listing.Navigation(l => l.Photos).UsePropertyAccessMode(PropertyAccessMode.Field);
        });
        builder.Entity<ListingPhoto>(photo =>
        {
            photo.ToTable("parking_listing_photos");
            photo.HasKey(p => p.Id);
            photo.HasIndex(p => new { p.ListingId, p.MediaId }).IsUnique();
        });
        builder.Entity<AvailabilityRule>(rule =>
        {
            rule.ToTable("parking_availability_rules");
            rule.HasKey(r => r.Id);
            rule.HasIndex(r => r.ListingId);
        });
        builder.Entity<AvailabilityException>(exception =>
        {
            exception.ToTable("parking_availability_exceptions");
            exception.HasKey(e => e.Id);
            exception.Property(e => e.Reason).HasMaxLength(200);
            exception.HasIndex(e => new { e.ListingId, e.StartsAt });
        });
        builder.Entity<Booking>(booking =>
        {
            booking.ToTable("parking_bookings");
            booking.HasKey(b => b.Id);
            booking.Property(b => b.Status).HasMaxLength(20).IsConcurrencyToken();
            booking.Property(b => b.SettlingToken).IsConcurrencyToken();
            booking.Property(b => b.Currency).HasMaxLength(3);
            booking.Property(b => b.CancellationPolicy).HasMaxLength(20);
            booking.Property(b => b.VehiclePlate).HasMaxLength(20);
            booking.Property(b => b.ArrivalSource).HasMaxLength(20);
            booking.Property(b => b.DisputedBy).HasMaxLength(10);
            booking.Property(b => b.DisputeReason).HasMaxLength(2000);
            booking.Property(b => b.DisputeResolution).HasMaxLength(2000);
            booking.Property(b => b.Review).HasMaxLength(2000);
            booking.HasIndex(b => new { b.ListingId, b.StartsAt });
            booking.HasIndex(b => b.DriverOrganizationId);
            booking.HasIndex(b => b.HostOrganizationId);
            booking.HasIndex(b => b.DriverUserId);
            booking.HasIndex(b => b.PaymentIntentId);
            booking.Property(b => b.TeslaVin).HasMaxLength(17);
            booking.HasIndex(b => b.NextPollAt);
            booking.HasOne<Listing>().WithMany().HasForeignKey(b => b.ListingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<LocationSample>(sample =>
        {
            sample.ToTable("parking_location_samples");
            sample.HasKey(s => s.Id);
            sample.Property(s => s.Source).HasMaxLength(20);
            sample.HasIndex(s => new { s.BookingId, s.At });
            sample.HasIndex(s => s.At);
        });
        builder.Entity<ConsentRecord>(consent =>
        {
            consent.ToTable("parking_consents");
            consent.HasKey(c => c.Id);
            consent.Property(c => c.Purpose).HasMaxLength(40);
            consent.HasIndex(c => new { c.UserId, c.At });
        });
        builder.Entity<TeslaAccount>(account =>
        {
            account.ToTable("parking_tesla_accounts");
            account.HasKey(a => a.UserId);
            account.Property(a => a.ProtectedAccessToken).HasMaxLength(8000);
            account.Property(a => a.ProtectedRefreshToken).HasMaxLength(8000);
            account.Property(a => a.ApiBaseUrl).HasMaxLength(200);
            account.Property(a => a.PendingState).HasMaxLength(100);
            account.Property(a => a.PendingVerifier).HasMaxLength(100);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteParkingDbContext(DbContextOptions<SqliteParkingDbContext> options) : ParkingDbContext(options);

public sealed class PostgresParkingDbContext(DbContextOptions<PostgresParkingDbContext> options) : ParkingDbContext(options);
