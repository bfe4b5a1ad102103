using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Estimator;

/// <summary>
/// The Estimator's store: quotes (with their full document: jobs, lines, every offer, the optimiser's and the
/// greedy choice, explanations and the 12-step log), supplier orders, the shop's book times and its pricing
/// settings. Vehicles and organisations are referenced by id only.
/// </summary>
public abstract class EstimatorDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__estimator_migrations";

    public DbSet<Quote> Quotes => Set<Quote>();
    public DbSet<PartsOrder> Orders => Set<PartsOrder>();
    public DbSet<ShopBookTime> BookTimes => Set<ShopBookTime>();
    public DbSet<ShopPricing> Pricing => Set<ShopPricing>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Quote>(q =>
        {
            q.ToTable("estimator_quotes");
            q.HasKey(x => x.Id);
            q.HasIndex(x => new { x.OrganizationId, x.CreatedAt });
            q.Property(x => x.VehicleTitle).HasMaxLength(200);
            q.Property(x => x.Currency).HasMaxLength(3);
            q.Property(x => x.Status).HasMaxLength(20);
            q.Property(x => x.Document).IsRequired();
            q.Property(x => x.Version).IsConcurrencyToken();
        });
        builder.Entity<PartsOrder>(o =>
        {
            o.ToTable("estimator_orders");
            o.HasKey(x => x.Id);
            o.HasIndex(x => new { x.OrganizationId, x.QuoteId });
            o.HasIndex(x => x.PunchoutSessionId);
            o.Property(x => x.SupplierId).HasMaxLength(40);
            o.Property(x => x.SupplierName).HasMaxLength(120);
            o.Property(x => x.SupplierOrderId).HasMaxLength(120);
            o.Property(x => x.Status).HasMaxLength(40);
            o.Property(x => x.PunchoutSessionId).HasMaxLength(120);
            o.Property(x => x.RedirectUrl).HasMaxLength(500);
            o.Property(x => x.Lines).IsRequired();
        });
        builder.Entity<ShopBookTime>(b =>
        {
            b.ToTable("estimator_book_times");
            b.HasKey(x => x.Id);
            b.HasIndex(x => new { x.OrganizationId, x.OperationCode, x.Make, x.Model }).IsUnique();
            b.Property(x => x.OperationCode).HasMaxLength(40);
            b.Property(x => x.Make).HasMaxLength(80);
            b.Property(x => x.Model).HasMaxLength(120);
        });
        builder.Entity<ShopPricing>(p =>
        {
            p.ToTable("estimator_pricing");
            p.HasKey(x => x.OrganizationId);
            p.Property(x => x.Document).IsRequired();
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteEstimatorDbContext(DbContextOptions<SqliteEstimatorDbContext> options) : EstimatorDbContext(options);

public sealed class PostgresEstimatorDbContext(DbContextOptions<PostgresEstimatorDbContext> options) : EstimatorDbContext(options);

/// <summary>A stored quote: its totals as columns (for lists), the rest as its JSON document (<see cref="QuoteDocument"/>).</summary>
public sealed class Quote
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid VehicleId { get; set; }
    public string VehicleTitle { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string Currency { get; set; } = "USD";
    public string Status { get; set; } = "quoted";
    public long PartsTotal { get; set; }
    public long LaborTotal { get; set; }
    public long GrandTotal { get; set; }
    public long PartsGrossProfit { get; set; }
    public long GreedyGrossProfit { get; set; }
    public string Document { get; set; } = "";
    public int Version { get; set; }
}

/// <summary>An order to one supplier for the chosen lines of a quote.</summary>
public sealed class PartsOrder
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid QuoteId { get; set; }
    public string SupplierId { get; set; } = "";
    public string SupplierName { get; set; } = "";
    public string? SupplierOrderId { get; set; }
    public string Status { get; set; } = "placed";
    public DateTime PlacedAt { get; set; }
    public DateTime? ExpectedAt { get; set; }
    public long TotalCost { get; set; }
    public string? PunchoutSessionId { get; set; }
    public string? RedirectUrl { get; set; }
    public string Lines { get; set; } = "[]";
}

/// <summary>The shop's own book time for an operation, for all vehicles or one make/model; it wins over the generic default.</summary>
public sealed class ShopBookTime
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string OperationCode { get; set; } = "";
    public string? Make { get; set; }
    public string? Model { get; set; }
    public int TenthsOfHour { get; set; }
}

/// <summary>The shop's labor rates, markup matrix and parts rules, as one JSON document (<see cref="PricingSettings"/>).</summary>
public sealed class ShopPricing
{
    public Guid OrganizationId { get; set; }
    public string Document { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}
