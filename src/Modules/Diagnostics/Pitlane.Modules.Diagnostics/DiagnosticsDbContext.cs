using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// The Diagnostics module's store (diag_* tables) with its own migration history. Scans, clearings and service entries
/// hold their vehicle's and organisation's ids, not foreign keys: those belong to the Vehicles and Accounts modules,
/// and <see cref="VehicleDeletedHandler"/> removes a deleted vehicle's diagnostics.
/// </summary>
public abstract class DiagnosticsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__diagnostics_migrations";

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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ConfigureDiagnostics();
        modelBuilder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteDiagnosticsDbContext(DbContextOptions<SqliteDiagnosticsDbContext> options) : DiagnosticsDbContext(options);

public sealed class PostgresDiagnosticsDbContext(DbContextOptions<PostgresDiagnosticsDbContext> options) : DiagnosticsDbContext(options);

/// <summary>Tables, keys and indexes of the module's entities.</summary>
internal static class DiagnosticsModelConfiguration
{
    public static void ConfigureDiagnostics(this ModelBuilder builder)
    {
        builder.Entity<ScanAdapter>(adapter =>
        {
            adapter.ToTable("diag_adapters");
            adapter.HasKey(a => a.Id);
            adapter.Property(a => a.Name).HasMaxLength(80);
            adapter.Property(a => a.Uri).HasMaxLength(300);
            adapter.Property(a => a.Kind).HasConversion<string>().HasMaxLength(10);
            adapter.HasIndex(a => new { a.OrganizationId, a.Name }).IsUnique();
        });
        builder.Entity<ScanAgent>(agent =>
        {
            agent.ToTable("diag_agents");
            agent.HasKey(a => a.Id);
            agent.Property(a => a.Name).HasMaxLength(80);
            agent.Property(a => a.KeyHash).HasMaxLength(32);
            agent.HasIndex(a => a.KeyHash).IsUnique();
            agent.HasIndex(a => a.OrganizationId);
        });
        builder.Entity<Scan>(scan =>
        {
            scan.ToTable("diag_scans");
            scan.HasKey(s => s.Id);
            scan.Property(s => s.ExpectedVin).HasMaxLength(17);
            scan.Property(s => s.Vin).HasMaxLength(17);
            scan.Property(s => s.AdapterName).HasMaxLength(80);
            scan.Property(s => s.Status).HasConversion<string>().HasMaxLength(10);
            scan.Property(s => s.Stage).HasMaxLength(40);
            scan.Property(s => s.Protocol).HasMaxLength(80);
            scan.Property(s => s.Error).HasMaxLength(2000);
            scan.Property(s => s.ClaimedByInstance).HasMaxLength(64);
            scan.HasIndex(s => new { s.OrganizationId, s.VehicleId, s.CreatedAt });
            scan.HasIndex(s => new { s.AgentId, s.Status });
            scan.HasIndex(s => new { s.KioskId, s.Status });
        });
        builder.Entity<Kiosk>(kiosk =>
        {
            kiosk.ToTable("diag_kiosks");
            kiosk.HasKey(k => k.Id);
            kiosk.Property(k => k.Name).HasMaxLength(80);
            kiosk.Property(k => k.PairingCodeHash).HasMaxLength(32);
            kiosk.Property(k => k.SecretHash).HasMaxLength(32);
            kiosk.HasIndex(k => new { k.OrganizationId, k.Name }).IsUnique();
            kiosk.HasIndex(k => k.PairingCodeHash);
            kiosk.HasOne<ScanAdapter>().WithMany().HasForeignKey(k => k.AdapterId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<CodeClearing>(clearing =>
        {
            clearing.ToTable("diag_code_clearings");
            clearing.HasKey(c => c.Id);
            clearing.Property(c => c.ExpectedVin).HasMaxLength(17);
            clearing.Property(c => c.Vin).HasMaxLength(17);
            clearing.Property(c => c.AdapterName).HasMaxLength(80);
            clearing.Property(c => c.Status).HasConversion<string>().HasMaxLength(10);
            clearing.Property(c => c.Stage).HasMaxLength(40);
            clearing.Property(c => c.ClearedBy).HasMaxLength(200);
            clearing.Property(c => c.Result).HasMaxLength(4000);
            clearing.Property(c => c.Error).HasMaxLength(2000);
            clearing.Property(c => c.ClaimedByInstance).HasMaxLength(64);
            clearing.HasIndex(c => new { c.OrganizationId, c.VehicleId, c.CreatedAt });
            clearing.HasIndex(c => new { c.AgentId, c.Status });
        });
        builder.Entity<DiagnosticReport>(report =>
        {
            report.ToTable("diag_reports");
            report.HasKey(r => r.Id);
            report.Property(r => r.Status).HasConversion<string>().HasMaxLength(10);
            report.Property(r => r.Error).HasMaxLength(2000);
            // Two people re-sharing (or one sharing while another revokes) at the same moment: the second save fails
            // instead of leaving two live versions of the link.
            report.Property(r => r.ShareVersion).IsConcurrencyToken();
            report.HasIndex(r => new { r.OrganizationId, r.ScanId });
            report.HasOne<Scan>().WithMany().HasForeignKey(r => r.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ShopProfile>(shop =>
        {
            shop.ToTable("diag_shop_profiles");
            shop.HasKey(s => s.OrganizationId);
            shop.Property(s => s.Address).HasMaxLength(200);
            shop.Property(s => s.Phone).HasMaxLength(40);
            shop.Property(s => s.Currency).HasMaxLength(3);
            shop.Property(s => s.TaxRatePercent).HasPrecision(5, 2);
        });
        builder.Entity<LaborOperation>(labor =>
        {
            labor.ToTable("diag_labor_operations");
            labor.HasKey(l => new { l.OrganizationId, l.Key });
            labor.Property(l => l.Key).HasMaxLength(60);
            labor.Property(l => l.Name).HasMaxLength(120);
            labor.Property(l => l.Hours).HasPrecision(6, 2);
        });
        builder.Entity<PartPrice>(part =>
        {
            part.ToTable("diag_part_prices");
            part.HasKey(p => p.Id);
            part.Property(p => p.PartNumber).HasMaxLength(60);
            part.Property(p => p.Description).HasMaxLength(160);
            part.Property(p => p.LaborOperationKey).HasMaxLength(60);
            part.Property(p => p.Quantity).HasPrecision(9, 3);
            part.HasIndex(p => new { p.OrganizationId, p.PartNumber }).IsUnique();
            part.HasIndex(p => new { p.OrganizationId, p.LaborOperationKey });
        });
        builder.Entity<ServiceEntry>(entry =>
        {
            entry.ToTable("diag_service_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Key).HasMaxLength(40);
            entry.Property(e => e.Note).HasMaxLength(500);
            entry.HasIndex(e => new { e.OrganizationId, e.VehicleId, e.PerformedOn });
        });
        builder.Entity<InterpretationRecord>(record =>
        {
            record.ToTable("diag_interpretations");
            record.HasKey(r => r.Id);
            record.Property(r => r.Source).HasMaxLength(120);
            record.Property(r => r.Model).HasMaxLength(100);
            record.Property(r => r.Outcome).HasMaxLength(20);
            record.Property(r => r.Error).HasMaxLength(2000);
            record.HasIndex(r => new { r.OrganizationId, r.ScanId, r.CreatedAt });
            record.HasOne<Scan>().WithMany().HasForeignKey(r => r.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
