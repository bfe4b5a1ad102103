using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Messaging.FollowUps;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Messaging;

/// <summary>
/// The Messaging module's store: threads and their messages, opted-out numbers, each shop's quiet hours and the
/// follow-up reminders. Customers and repair orders are the Shop module's: only their ids are kept here.
/// </summary>
public abstract class MessagingDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__messaging_migrations";

    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<SmsOptOut> OptOuts => Set<SmsOptOut>();
    public DbSet<ShopMessagingSettings> Settings => Set<ShopMessagingSettings>();
    public DbSet<FollowUp> FollowUps => Set<FollowUp>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<Conversation>(c =>
        {
            c.ToTable("messaging_conversations");
            c.HasKey(x => x.Id);
            c.HasIndex(x => new { x.OrganizationId, x.CustomerId }).IsUnique();
            c.HasIndex(x => new { x.OrganizationId, x.LastMessageAt });
            c.HasIndex(x => new { x.OrganizationId, x.Phone });
            c.Property(x => x.Phone).HasMaxLength(20);
            c.Property(x => x.CustomerName).HasMaxLength(200);
            c.Property(x => x.LastPreview).HasMaxLength(140);
        });
        builder.Entity<Message>(m =>
        {
            m.ToTable("messaging_messages");
            m.HasKey(x => x.Id);
            m.HasIndex(x => new { x.ConversationId, x.CreatedAt });
            m.HasIndex(x => new { x.OrganizationId, x.RepairOrderId });
            m.HasIndex(x => new { x.OrganizationId, x.Channel, x.CreatedAt });
            // A MessageSid is unique at Twilio: a replayed inbound webhook finds its row instead of adding a second.
            m.HasIndex(x => x.ProviderId).IsUnique();
            m.Property(x => x.Direction).HasConversion<string>().HasMaxLength(10);
            m.Property(x => x.Channel).HasMaxLength(10);
            m.Property(x => x.To).HasMaxLength(320);
            m.Property(x => x.From).HasMaxLength(320);
            m.Property(x => x.Subject).HasMaxLength(300);
            m.Property(x => x.Body).HasMaxLength(20_000);
            m.Property(x => x.HtmlBody).HasMaxLength(60_000);
            m.Property(x => x.Template).HasMaxLength(40);
            m.Property(x => x.Status).HasMaxLength(20);
            m.Property(x => x.ProviderId).HasMaxLength(100);
            m.Property(x => x.ErrorCode).HasMaxLength(20);
            m.Property(x => x.Error).HasMaxLength(500);
        });
        builder.Entity<SmsOptOut>(o =>
        {
            o.ToTable("messaging_sms_opt_outs");
            o.HasKey(x => new { x.OrganizationId, x.Phone });
            o.Property(x => x.Phone).HasMaxLength(20);
            o.Property(x => x.Source).HasMaxLength(100);
        });
        builder.Entity<ShopMessagingSettings>(s =>
        {
            s.ToTable("messaging_settings");
            s.HasKey(x => x.OrganizationId);
            s.Property(x => x.TimeZone).HasMaxLength(60);
            s.Property(x => x.ShopName).HasMaxLength(120);
        });
        builder.Entity<FollowUp>(f =>
        {
            f.ToTable("messaging_follow_ups");
            f.HasKey(x => x.Id);
            f.HasIndex(x => new { x.OrganizationId, x.Kind, x.JobId }).IsUnique();
            f.HasIndex(x => new { x.OrganizationId, x.CustomerId });
            f.Property(x => x.Kind).HasMaxLength(20);
            f.Property(x => x.Text).HasMaxLength(500);
            f.Property(x => x.Status).HasMaxLength(20);
            f.Property(x => x.Outcome).HasMaxLength(300);
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqliteMessagingDbContext(DbContextOptions<SqliteMessagingDbContext> options) : MessagingDbContext(options);

public sealed class PostgresMessagingDbContext(DbContextOptions<PostgresMessagingDbContext> options) : MessagingDbContext(options);
