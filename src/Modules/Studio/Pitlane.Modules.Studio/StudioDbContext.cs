using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Studio;

/// <summary>
/// The studio's store: listing photos (studio_photos: the original, cut-out and mask live in the media store, by id)
/// content projects (studio_projects, studio_pieces) and remote workers (studio_workers). Vehicles are kept by id only (Vehicles module).
/// </summary>
public abstract class StudioDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__studio_migrations";

    public DbSet<StudioPhoto> Photos => Set<StudioPhoto>();
    public DbSet<ContentProject> Projects => Set<ContentProject>();
    public DbSet<ContentPiece> Pieces => Set<ContentPiece>();
    public DbSet<StudioWorker> Workers => Set<StudioWorker>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<StudioPhoto>(photo =>
        {
            photo.ToTable("studio_photos");
            photo.HasKey(p => p.Id);
            photo.HasIndex(p => new { p.OrganizationId, p.VehicleId });
            photo.Property(p => p.FileName).HasMaxLength(200);
            photo.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            photo.Property(p => p.Error).HasMaxLength(500);
            photo.Property(p => p.BackdropKind).HasConversion<string>().HasMaxLength(20);
            photo.Property(p => p.BackdropTop).HasMaxLength(7);
            photo.Property(p => p.BackdropBottom).HasMaxLength(7);
            photo.Property(p => p.Timings).HasMaxLength(200);
            photo.Property(p => p.WorkerInstance).HasMaxLength(64);
            photo.Property(p => p.Stage).HasMaxLength(60);
            photo.Property(p => p.WorkerError).HasMaxLength(500);
            photo.HasIndex(p => new { p.OrganizationId, p.OfferedAt });
        });
        builder.Entity<ContentProject>(project =>
        {
            project.ToTable("studio_projects");
            project.HasKey(p => p.Id);
            project.HasIndex(p => new { p.OrganizationId, p.VehicleId });
            project.Property(p => p.Title).HasMaxLength(200);
            project.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            project.Property(p => p.Currency).HasMaxLength(3);
            project.Property(p => p.Tone).HasMaxLength(20);
            project.Property(p => p.Audience).HasMaxLength(200);
            project.Property(p => p.Highlights).HasMaxLength(2000);
            project.Property(p => p.Disclosure).HasMaxLength(2000);
            project.Property(p => p.Generator).HasMaxLength(40);
            project.HasMany(p => p.Pieces).WithOne().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ContentPiece>(piece =>
        {
            piece.ToTable("studio_pieces");
            piece.HasKey(p => p.Id);
            piece.HasIndex(p => new { p.ProjectId, p.Platform }).IsUnique();
            piece.Property(p => p.Platform).HasMaxLength(20);
            piece.Property(p => p.Text).HasMaxLength(8000);
        });
        builder.Entity<StudioWorker>(worker =>
        {
            worker.ToTable("studio_workers");
            worker.HasKey(w => w.Id);
            worker.HasIndex(w => w.KeyHash).IsUnique();
            worker.HasIndex(w => w.OrganizationId);
            worker.Property(w => w.Name).HasMaxLength(80);
            worker.Property(w => w.KeyHash).HasMaxLength(32);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteStudioDbContext(DbContextOptions<SqliteStudioDbContext> options) : StudioDbContext(options);

public sealed class PostgresStudioDbContext(DbContextOptions<PostgresStudioDbContext> options) : StudioDbContext(options);
