using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Cart;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Marketplace;

/// <summary>
/// The Marketplace store: listings with their fitment and shipping rows, orders, and the provenance log (entries, tiles,
/// signed checkpoints, the generated key). Organisations, vehicles and payments are referred to by id only.
/// </summary>
public abstract class MarketplaceDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__marketplace_migrations";

    public DbSet<Listing> Listings => Set<Listing>();
    public DbSet<Fitment> Fitments => Set<Fitment>();
    public DbSet<ShippingOption> ShippingOptions => Set<ShippingOption>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<LogEntry> LogEntries => Set<LogEntry>();
    public DbSet<LogTile> LogTiles => Set<LogTile>();
    public DbSet<LogCheckpoint> LogCheckpoints => Set<LogCheckpoint>();
    public DbSet<LogKey> LogKeys => Set<LogKey>();
    public DbSet<CartItem> CartItems => Set<CartItem>();

    /// <summary>Rows of the provider's full-text query (<see cref="ListingSearch"/>): no table of their own.</summary>
    public DbSet<SearchHit> SearchHits => Set<SearchHit>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Listing>(listing =>
        {
            listing.ToTable("market_listings");
            listing.HasKey(l => l.Id);
            listing.Property(l => l.Title).HasMaxLength(200).IsRequired();
            listing.Property(l => l.PartNumber).HasMaxLength(60).IsRequired();
            listing.Property(l => l.Brand).HasMaxLength(80).IsRequired();
            listing.Property(l => l.Condition).HasMaxLength(20).IsRequired();
            listing.Property(l => l.SerialNumber).HasMaxLength(80);
            listing.Property(l => l.Description).HasMaxLength(4000);
            listing.Property(l => l.Currency).HasMaxLength(3).IsRequired();
            listing.Property(l => l.SearchText).HasMaxLength(4500).IsRequired();
            listing.Property(l => l.Version).IsConcurrencyToken();
            listing.Property(l => l.PhotoIds).HasMaxLength(400).IsRequired();
            listing.Ignore(l => l.Photos);
            listing.HasIndex(l => new { l.Active, l.CreatedAt });
            listing.HasIndex(l => l.SellerOrganizationId);
            listing.HasMany(l => l.Fitments).WithOne().HasForeignKey(f => f.ListingId).OnDelete(DeleteBehavior.Cascade);
            listing.HasMany(l => l.ShippingOptions).WithOne().HasForeignKey(s => s.ListingId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Fitment>(fitment =>
        {
            fitment.ToTable("market_listing_fitments");
            fitment.HasKey(f => f.Id);
            fitment.Property(f => f.Make).HasMaxLength(80).IsRequired();
            fitment.Property(f => f.MakeKey).HasMaxLength(80).IsRequired();
            fitment.Property(f => f.Model).HasMaxLength(120).IsRequired();
            fitment.Property(f => f.ModelKey).HasMaxLength(120).IsRequired();
            fitment.Property(f => f.Engine).HasMaxLength(120);
            fitment.HasIndex(f => new { f.MakeKey, f.YearFrom, f.YearTo });
        });
        builder.Entity<ShippingOption>(shipping =>
        {
            shipping.ToTable("market_listing_shipping");
            shipping.HasKey(s => s.Id);
            shipping.Property(s => s.Name).HasMaxLength(80).IsRequired();
        });
        builder.Entity<Order>(order =>
        {
            order.ToTable("market_orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Title).HasMaxLength(200).IsRequired();
            order.Property(o => o.SerialNumber).HasMaxLength(80);
            order.Property(o => o.Currency).HasMaxLength(3).IsRequired();
            order.Property(o => o.ShippingOption).HasMaxLength(80).IsRequired();
            order.Property(o => o.Status).HasMaxLength(20).IsRequired();
            order.Property(o => o.Tracking).HasMaxLength(120);
            order.Property(o => o.DisputeReason).HasMaxLength(2000);
            order.Property(o => o.Version).IsConcurrencyToken();
            order.Property(o => o.EvidencePhotoIds).HasMaxLength(400).IsRequired();
            order.Property(o => o.RatingComment).HasMaxLength(1000);
            order.Ignore(o => o.EvidencePhotos);
            order.HasIndex(o => new { o.SellerOrganizationId, o.RatedAt });
            order.HasIndex(o => new { o.BuyerOrganizationId, o.CreatedAt });
            order.HasIndex(o => new { o.SellerOrganizationId, o.CreatedAt });
            order.HasIndex(o => new { o.Status, o.ReleaseDueAt });
        });
        builder.Entity<LogEntry>(entry =>
        {
            entry.ToTable("market_log_entries");
            entry.HasKey(e => e.Index);
            entry.Property(e => e.Index).ValueGeneratedNever();
            entry.Property(e => e.Serial).HasMaxLength(80).IsRequired();
            entry.Property(e => e.Data).IsRequired();
            entry.HasIndex(e => e.Serial);
        });
        builder.Entity<LogTile>(tile =>
        {
            tile.ToTable("market_log_tiles");
            tile.HasKey(t => new { t.Level, t.TileIndex });
            tile.Property(t => t.Hashes).IsRequired();
        });
        builder.Entity<LogCheckpoint>(checkpoint =>
        {
            checkpoint.ToTable("market_log_checkpoints");
            checkpoint.HasKey(c => c.Size);
            checkpoint.Property(c => c.Size).ValueGeneratedNever();
            checkpoint.Property(c => c.Note).HasMaxLength(2000).IsRequired();
        });
        builder.Entity<LogKey>(key =>
        {
            key.ToTable("market_log_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).ValueGeneratedNever();
            key.Property(k => k.PrivateKey).HasMaxLength(400).IsRequired();
        });
        builder.Entity<CartItem>(item =>
        {
            item.ToTable("market_cart_items");
            item.HasKey(i => i.Id);
            item.Property(i => i.ShippingOption).HasMaxLength(80).IsRequired();
            item.HasIndex(i => new { i.OrganizationId, i.UserId, i.ListingId }).IsUnique();
        });
        builder.Entity<SearchHit>(hit =>
        {
            hit.HasNoKey();
            hit.ToView(null);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteMarketplaceDbContext(DbContextOptions<SqliteMarketplaceDbContext> options) : MarketplaceDbContext(options);

public sealed class PostgresMarketplaceDbContext(DbContextOptions<PostgresMarketplaceDbContext> options) : MarketplaceDbContext(options);
