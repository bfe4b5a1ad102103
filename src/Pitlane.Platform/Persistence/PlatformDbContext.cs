using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Persistence;

/// <summary>
/// The kernel's own store: the outbox, the inbox and the jobs (platform_*), with its own migration history
/// (<see cref="HistoryTable"/>). Module contexts map the same tables through <see cref="PlatformTables.MapPlatformTables"/>
/// so that a module writes its change, its outbox rows and its jobs in one transaction, but only this context migrates
/// them. Provider subclasses exist only so that each provider keeps its own migrations (ADR 0007).
/// </summary>
public abstract class PlatformDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__platform_migrations";

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboxEntry> Inbox => Set<InboxEntry>();
    public DbSet<Job> Jobs => Set<Job>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ConfigureMessaging();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options);

public sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options);

public static class PlatformTables
{
    /// <summary>
    /// Maps the kernel's outbox, inbox and jobs tables into a module's context, excluded from the module's migrations
    /// (the kernel context owns them). Call it from every module context's OnModelCreating.
    /// </summary>
    public static ModelBuilder MapPlatformTables(this ModelBuilder modelBuilder)
    {
        modelBuilder.ConfigureMessaging();
        modelBuilder.Entity<OutboxMessage>().ToTable("platform_outbox", table => table.ExcludeFromMigrations());
        modelBuilder.Entity<InboxEntry>().ToTable("platform_inbox", table => table.ExcludeFromMigrations());
        modelBuilder.Entity<Job>().ToTable("platform_jobs", table => table.ExcludeFromMigrations());
        return modelBuilder;
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
