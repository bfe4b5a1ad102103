using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.Porter;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Shop;

/// <summary>
/// The Shop module's store (tables shop_*): customers and their vehicles (the Vehicles module's ids, no foreign key),
/// repair orders with jobs, lines, payments and credit notes, the audit trail, settings, canned jobs, bays and bookings.
/// </summary>
public abstract class ShopDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__shop_migrations";

    /// <summary>The PostgreSQL exclusion constraint that makes an overlapping live booking of one bay impossible.</summary>
    public const string NoOverlapConstraint = "shop_bay_bookings_no_overlap";

    /// <summary>The PostgreSQL exclusion constraint that makes lending one loaner twice for overlapping periods impossible.</summary>
    public const string NoLoanerOverlapConstraint = "shop_loaner_agreements_no_overlap";

    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerVehicle> CustomerVehicles => Set<CustomerVehicle>();
    public DbSet<RepairOrder> RepairOrders => Set<RepairOrder>();
    public DbSet<RepairOrderJob> Jobs => Set<RepairOrderJob>();
    public DbSet<ShopAuditEntry> Audit => Set<ShopAuditEntry>();
    public DbSet<ShopSettings> Settings => Set<ShopSettings>();
    public DbSet<CannedJob> CannedJobs => Set<CannedJob>();
    public DbSet<Bay> Bays => Set<Bay>();
    public DbSet<BayBooking> Bookings => Set<BayBooking>();
    public DbSet<TimeEntry> TimeEntries => Set<TimeEntry>();
    public DbSet<Loaner> Loaners => Set<Loaner>();
    public DbSet<LoanerAgreement> LoanerAgreements => Set<LoanerAgreement>();
    public DbSet<VehicleCheck> VehicleChecks => Set<VehicleCheck>();
    public DbSet<Imports.ImportConnection> ImportConnections => Set<Imports.ImportConnection>();
    public DbSet<Imports.ImportRun> ImportRuns => Set<Imports.ImportRun>();
    public DbSet<Imports.ExternalRef> ExternalRefs => Set<Imports.ExternalRef>();
    public DbSet<ScanIntakeClaim> ScanIntakeClaims => Set<ScanIntakeClaim>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Customer>(c =>
        {
            c.ToTable("shop_customers");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedNever();
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            c.Property(x => x.PreferredContact).HasConversion<string>().HasMaxLength(20);
            c.Property(x => x.Name).HasMaxLength(200).IsRequired();
            c.Property(x => x.SearchName).HasMaxLength(200).IsRequired();
            c.Property(x => x.Phone).HasMaxLength(40);
            c.Property(x => x.PhoneDigits).HasMaxLength(40);
            c.Property(x => x.Email).HasMaxLength(254);
            c.Property(x => x.SearchEmail).HasMaxLength(254);
            c.Property(x => x.SmsConsentSource).HasMaxLength(200);
            c.Property(x => x.EmailConsentSource).HasMaxLength(200);
            c.Property(x => x.ExternalRef).HasMaxLength(100);
            c.HasIndex(x => new { x.OrganizationId, x.SearchName });
            c.HasIndex(x => new { x.OrganizationId, x.ExternalRef }).IsUnique();
            c.Ignore(x => x.Changes);
        });
        builder.Entity<CustomerVehicle>(v =>
        {
            v.ToTable("shop_customer_vehicles");
            v.HasKey(x => x.Id);
            v.Property(x => x.Id).ValueGeneratedNever();
            v.Property(x => x.Vin).HasMaxLength(17).IsRequired();
            v.HasIndex(x => new { x.CustomerId, x.VehicleId }).IsUnique();
            v.HasIndex(x => new { x.OrganizationId, x.VehicleId });
            v.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RepairOrder>(r =>
        {
            r.ToTable("shop_repair_orders");
            r.HasKey(x => x.Id);
            r.Property(x => x.Id).ValueGeneratedNever();
            r.HasIndex(x => new { x.OrganizationId, x.Number }).IsUnique();
            r.HasIndex(x => new { x.OrganizationId, x.Status });
            r.HasIndex(x => new { x.OrganizationId, x.CustomerId });
            r.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            r.Property(x => x.Currency).HasMaxLength(3).IsRequired();
            r.Property(x => x.InvoiceNumber).HasMaxLength(40);
            r.Property(x => x.Version).IsConcurrencyToken();
            r.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
            r.HasMany(x => x.Jobs).WithOne().HasForeignKey(j => j.RepairOrderId).OnDelete(DeleteBehavior.Cascade);
            r.HasMany(x => x.Payments).WithOne().HasForeignKey(p => p.RepairOrderId).OnDelete(DeleteBehavior.Cascade);
            r.HasMany(x => x.CreditNotes).WithOne().HasForeignKey(p => p.RepairOrderId).OnDelete(DeleteBehavior.Cascade);
            r.Ignore(x => x.Changes);
            r.Ignore(x => x.Taxes);
        });
        builder.Entity<RepairOrderJob>(j =>
        {
            j.ToTable("shop_ro_jobs");
            j.HasKey(x => x.Id);
            j.Property(x => x.Id).ValueGeneratedNever();
            j.Property(x => x.Title).HasMaxLength(200).IsRequired();
            j.Property(x => x.Concern).HasMaxLength(2000);
            j.Property(x => x.Cause).HasMaxLength(2000);
            j.Property(x => x.Correction).HasMaxLength(2000);
            j.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            j.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.JobId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RepairOrderLine>(l =>
        {
            l.ToTable("shop_ro_lines");
            l.HasKey(x => x.Id);
            l.Property(x => x.Id).ValueGeneratedNever();
            l.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            l.Property(x => x.AppliesTo).HasConversion<string>().HasMaxLength(20);
            l.Property(x => x.Description).HasMaxLength(300).IsRequired();
            l.Property(x => x.PartNumber).HasMaxLength(60);
            l.Property(x => x.LaborCategory).HasMaxLength(40);
        });
        builder.Entity<RepairOrderPayment>(p =>
        {
            p.ToTable("shop_ro_payments");
            p.HasKey(x => x.Id);
            p.Property(x => x.Id).ValueGeneratedNever();
            p.Property(x => x.Method).HasMaxLength(20);
            p.Property(x => x.Reference).HasMaxLength(200);
            p.HasIndex(x => x.PaymentIntentId).IsUnique();
        });
        builder.Entity<CreditNote>(c =>
        {
            c.ToTable("shop_credit_notes");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedNever();
            c.Property(x => x.Number).HasMaxLength(40);
            c.Property(x => x.Reason).HasMaxLength(500);
        });
        builder.Entity<ShopAuditEntry>(a =>
        {
            a.ToTable("shop_audit");
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).ValueGeneratedNever();
            a.Property(x => x.EntityType).HasMaxLength(40);
            a.Property(x => x.Field).HasMaxLength(200);
            a.Property(x => x.Before).HasMaxLength(2000);
            a.Property(x => x.After).HasMaxLength(2000);
            a.HasIndex(x => new { x.OrganizationId, x.EntityType, x.EntityId, x.At });
        });
        builder.Entity<ShopSettings>(s =>
        {
            s.ToTable("shop_settings");
            s.HasKey(x => x.OrganizationId);
            s.Property(x => x.OrganizationId).ValueGeneratedNever();
            s.Property(x => x.Currency).HasMaxLength(3);
            s.Property(x => x.TimeZone).HasMaxLength(60).HasDefaultValue("UTC");
            Json(s.Property(x => x.LaborRates));
            Json(s.Property(x => x.MarkupMatrix));
            s.Ignore(x => x.Taxes);
            s.Ignore(x => x.Zone);
        });
        builder.Entity<CannedJob>(c =>
        {
            c.ToTable("shop_canned_jobs");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedNever();
            c.Property(x => x.Name).HasMaxLength(200);
            c.Property(x => x.Definition).HasMaxLength(20_000);
            c.HasIndex(x => new { x.OrganizationId, x.Name }).IsUnique();
        });
        builder.Entity<Bay>(b =>
        {
            b.ToTable("shop_bays");
            b.HasKey(x => x.Id);
            b.Property(x => x.Id).ValueGeneratedNever();
            b.Property(x => x.Name).HasMaxLength(80);
            b.Property(x => x.TimeZone).HasMaxLength(60);
            b.Property(x => x.CalendarFeedHash).HasMaxLength(64);
            b.HasIndex(x => new { x.OrganizationId, x.Name }).IsUnique();
        });
        builder.Entity<BayBooking>(b =>
        {
            b.ToTable("shop_bay_bookings");
            b.HasKey(x => x.Id);
            b.Property(x => x.Id).ValueGeneratedNever();
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(x => new { x.BayId, x.StartsAt });
            b.HasIndex(x => new { x.OrganizationId, x.StartsAt });
            b.HasOne<Bay>().WithMany().HasForeignKey(x => x.BayId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<TimeEntry>(t =>
        {
            t.ToTable("shop_time_entries");
            t.HasKey(x => x.Id);
            t.Property(x => x.Id).ValueGeneratedNever();
            // One running job per technician: the same filter reads alike on SQLite and PostgreSQL.
            t.HasIndex(x => new { x.OrganizationId, x.TechnicianId }).IsUnique().HasFilter("\"EndedAt\" IS NULL").HasDatabaseName("IX_shop_time_entries_running");
            t.HasIndex(x => new { x.RepairOrderId, x.JobId });
        });
        builder.Entity<Loaner>(l =>
        {
            l.ToTable("shop_loaners");
            l.HasKey(x => x.Id);
            l.Property(x => x.Id).ValueGeneratedNever();
            l.Property(x => x.Name).HasMaxLength(80);
            l.Property(x => x.Plate).HasMaxLength(15);
            l.HasIndex(x => new { x.OrganizationId, x.Name }).IsUnique();
        });
        builder.Entity<LoanerAgreement>(a =>
        {
            a.ToTable("shop_loaner_agreements");
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).ValueGeneratedNever();
            a.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            a.Property(x => x.DamageOut).HasMaxLength(2000);
            a.Property(x => x.DamageIn).HasMaxLength(2000);
            a.HasIndex(x => new { x.LoanerId, x.StartsAt });
            a.HasIndex(x => new { x.OrganizationId, x.StartsAt });
            a.HasOne<Loaner>().WithMany().HasForeignKey(x => x.LoanerId).OnDelete(DeleteBehavior.Cascade);
            a.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<VehicleCheck>(c =>
        {
            c.ToTable("shop_vehicle_checks");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedNever();
            c.Property(x => x.Direction).HasConversion<string>().HasMaxLength(10);
            c.Property(x => x.KeyTag).HasMaxLength(20);
            c.Property(x => x.Notes).HasMaxLength(2000);
            Json(c.Property(x => x.PhotoIds));
            c.HasIndex(x => new { x.OrganizationId, x.VehicleId, x.At });
            c.HasIndex(x => new { x.OrganizationId, x.RepairOrderId });
        });
        builder.Entity<Imports.ImportConnection>(c =>
        {
            c.ToTable("shop_import_connections");
            c.HasKey(x => new { x.OrganizationId, x.Source });
            c.Property(x => x.Source).HasMaxLength(20);
            c.Property(x => x.Environment).HasMaxLength(20);
            c.Property(x => x.ClientId).HasMaxLength(200);
            c.Property(x => x.ProtectedSecret).HasMaxLength(2000);
        });
        builder.Entity<Imports.ImportRun>(r =>
        {
            r.ToTable("shop_import_runs");
            r.HasKey(x => x.Id);
            r.Property(x => x.Id).ValueGeneratedNever();
            r.Property(x => x.Source).HasMaxLength(20);
            r.Property(x => x.FileName).HasMaxLength(200);
            r.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            r.Property(x => x.Summary).HasMaxLength(200_000);
            r.Property(x => x.Error).HasMaxLength(2000);
            r.HasIndex(x => new { x.OrganizationId, x.CreatedAt });
            r.Ignore(x => x.IsActive);
        });
        builder.Entity<Imports.ExternalRef>(e =>
        {
            e.ToTable("shop_external_refs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Source).HasMaxLength(20);
            e.Property(x => x.EntityType).HasMaxLength(20);
            e.Property(x => x.ExternalId).HasMaxLength(100);
            e.Property(x => x.Fingerprint).HasMaxLength(64);
            // One Pitlane row per outside record: a re-import finds it instead of creating a duplicate.
            e.HasIndex(x => new { x.OrganizationId, x.Source, x.EntityType, x.ExternalId }).IsUnique();
            e.HasIndex(x => new { x.OrganizationId, x.EntityType, x.LocalId });
        });
        builder.Entity<ScanIntakeClaim>(c =>
        {
            c.ToTable("shop_scan_intakes");
            // One claim per scan: of concurrent "create repair order" clicks on one scan, one inserts it and adds the jobs.
            c.HasKey(x => new { x.OrganizationId, x.ScanId });
        });
        builder.MapPlatformTables();
    }

    private static void Json<T>(PropertyBuilder<List<T>> property) => property
        .HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web),
            v => JsonSerializer.Deserialize<List<T>>(v, JsonSerializerOptions.Web) ?? new List<T>(),
            new ValueComparer<List<T>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()))
        .HasMaxLength(4000);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AnnounceDeclinedJobs();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AnnounceDeclinedJobs();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// One <see cref="Contracts.RepairOrderJobDeclined"/> per job that became declined in this save, in its transaction
    /// (every path that declines a job, the advisor's or the customer's, saves its RO through here).
    /// </summary>
    private void AnnounceDeclinedJobs()
    {
        foreach (var entry in ChangeTracker.Entries<RepairOrderJob>().ToList())
        {
            if (entry.State != EntityState.Modified || entry.Entity.Status != JobStatus.Declined
                || entry.Property(j => j.Status).OriginalValue == JobStatus.Declined)
            {
                continue;
            }
            var job = entry.Entity;
            var order = ChangeTracker.Entries<RepairOrder>().Select(o => o.Entity).FirstOrDefault(o => o.Id == job.RepairOrderId);
            if (order is null)
            {
                continue;
            }
            this.AddOutboxEvent(new Contracts.RepairOrderJobDeclined(order.OrganizationId, order.Id, job.Id, order.CustomerId, job.Title)
            {
                OccurredAt = new DateTimeOffset(DateTime.SpecifyKind(order.UpdatedAt, DateTimeKind.Utc), TimeSpan.Zero),
            });
        }
    }
}

public sealed class SqliteShopDbContext(DbContextOptions<SqliteShopDbContext> options) : ShopDbContext(options);

public sealed class PostgresShopDbContext(DbContextOptions<PostgresShopDbContext> options) : ShopDbContext(options);

/// <summary>A shop's reusable job ("front brake pads and rotors"): the <see cref="Contracts.NewShopJob"/> it adds, as JSON.</summary>
public sealed class CannedJob
{
    private CannedJob()
    {
    }

    public CannedJob(Guid organizationId, string name, string definition)
    {
        Id = Guid.CreateVersion7();
        OrganizationId = organizationId;
        Name = name;
        Definition = definition;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string Name { get; private set; } = "";

    public string Definition { get; private set; } = "";
}
