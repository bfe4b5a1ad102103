using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Inspections;

/// <summary>
/// The Inspections module's store: templates, inspections with their items and media, and the customer's decisions
/// through approval links. Repair orders, vehicles, customers and files belong to other modules: only their ids are kept.
/// </summary>
public abstract class InspectionsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__inspections_migrations";

    public DbSet<InspectionTemplate> Templates => Set<InspectionTemplate>();
    public DbSet<InspectionTemplateItem> TemplateItems => Set<InspectionTemplateItem>();
    public DbSet<Inspection> Inspections => Set<Inspection>();
    public DbSet<InspectionItem> Items => Set<InspectionItem>();
    public DbSet<InspectionMedia> Media => Set<InspectionMedia>();
    public DbSet<ApprovalDecision> Decisions => Set<ApprovalDecision>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<InspectionTemplate>(t =>
        {
            t.ToTable("inspections_templates");
            t.HasKey(x => x.Id);
            t.Property(x => x.Name).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            t.HasIndex(x => x.OrganizationId);
            t.HasMany(x => x.Items).WithOne().HasForeignKey(i => i.TemplateId).OnDelete(DeleteBehavior.Cascade);
            t.Navigation(x => x.Items).UsePropertyAccessMode(PropertyAccessMode.Property);
        });
        builder.Entity<InspectionTemplateItem>(i =>
        {
            i.ToTable("inspections_template_items");
            i.HasKey(x => x.Id);
            i.Property(x => x.Section).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            i.Property(x => x.Name).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            i.Property(x => x.Measurement).HasMaxLength(20);
            i.Property(x => x.JobTitle).HasMaxLength(InspectionRules.MaxNameLength);
            i.Property(x => x.JobHours).HasPrecision(6, 2);
        });
        builder.Entity<Inspection>(x =>
        {
            x.ToTable("inspections");
            x.HasKey(i => i.Id);
            x.HasIndex(i => new { i.OrganizationId, i.RepairOrderId });
            x.Property(i => i.TemplateName).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            x.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            x.Property(i => i.NarrationText).HasMaxLength(4000);
            x.Property(i => i.NarrationSource).HasMaxLength(20);
            x.Property(i => i.NarrationError).HasMaxLength(500);
            x.HasMany(i => i.Items).WithOne().HasForeignKey(i => i.InspectionId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<InspectionItem>(i =>
        {
            i.ToTable("inspections_items");
            i.HasKey(x => x.Id);
            i.Property(x => x.Section).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            i.Property(x => x.Name).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            i.Property(x => x.Measurement).HasMaxLength(20);
            i.Property(x => x.JobTitle).HasMaxLength(InspectionRules.MaxNameLength);
            i.Property(x => x.JobHours).HasPrecision(6, 2);
            i.Property(x => x.Rating).HasConversion<string>().HasMaxLength(10);
            i.Property(x => x.Notes).HasMaxLength(InspectionRules.MaxNotesLength);
            i.Property(x => x.MeasuredValue).HasPrecision(8, 2);
            i.HasMany(x => x.Media).WithOne().HasForeignKey(m => m.ItemId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<InspectionMedia>(m =>
        {
            m.ToTable("inspections_media");
            m.HasKey(x => x.Id);
            m.HasIndex(x => x.InspectionId);
            m.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            m.Property(x => x.Error).HasMaxLength(500);
        });
        builder.Entity<ApprovalDecision>(d =>
        {
            d.ToTable("inspections_approval_decisions");
            d.HasKey(x => x.Id);
            d.HasIndex(x => new { x.InspectionId, x.DecidedAt });
            d.Property(x => x.SignedName).HasMaxLength(InspectionRules.MaxNameLength).IsRequired();
            d.Property(x => x.IpAddress).HasMaxLength(64);
            d.Property(x => x.Outcome).HasMaxLength(200).IsRequired();
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteInspectionsDbContext(DbContextOptions<SqliteInspectionsDbContext> options) : InspectionsDbContext(options);

public sealed class PostgresInspectionsDbContext(DbContextOptions<PostgresInspectionsDbContext> options) : InspectionsDbContext(options);
