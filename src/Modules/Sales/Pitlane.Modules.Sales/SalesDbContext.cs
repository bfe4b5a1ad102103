using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Sales;

/// <summary>
/// The Sales module's store: practice sessions (sales_sessions) and the feedback given during them
/// (sales_feedback). A session keeps the vehicle's id and title, not a foreign key: vehicles belong to Vehicles.
/// </summary>
public abstract class SalesDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__sales_migrations";

    public DbSet<PracticeSession> Sessions => Set<PracticeSession>();
    public DbSet<FeedbackEvent> Feedback => Set<FeedbackEvent>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<PracticeSession>(s =>
        {
            s.ToTable("sales_sessions");
            s.HasKey(x => x.Id);
            s.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            s.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            s.Property(x => x.TranscriptStatus).HasConversion<string>().HasMaxLength(20);
            s.Property(x => x.VehicleTitle).HasMaxLength(200);
            s.Property(x => x.Persona).HasMaxLength(PracticeSession.MaxPersona);
            s.Property(x => x.ObjectionScript).HasMaxLength(PracticeSession.MaxScript);
            s.Property(x => x.SalespersonName).HasMaxLength(200);
            s.Property(x => x.TranscriptSource).HasMaxLength(40);
            s.HasIndex(x => new { x.OrganizationId, x.SalespersonId, x.CreatedAt });
            s.HasIndex(x => new { x.OrganizationId, x.CreatedAt });
        });
        builder.Entity<FeedbackEvent>(f =>
        {
            f.ToTable("sales_feedback");
            f.HasKey(x => x.Id);
            f.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
            f.Property(x => x.Type).HasConversion<string>().HasMaxLength(20);
            f.Property(x => x.Severity).HasConversion<string>().HasMaxLength(20);
            f.Property(x => x.Message).HasMaxLength(300);
            f.HasIndex(x => new { x.SessionId, x.AtSeconds });
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteSalesDbContext(DbContextOptions<SqliteSalesDbContext> options) : SalesDbContext(options);

public sealed class PostgresSalesDbContext(DbContextOptions<PostgresSalesDbContext> options) : SalesDbContext(options);
