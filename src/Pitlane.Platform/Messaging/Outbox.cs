using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;

namespace Pitlane.Platform.Messaging;

/// <summary>
/// An integration event waiting to be published (the transactional outbox): written in the same transaction as the
/// change it describes, so an event exists exactly when its change committed. <see cref="OutboxDispatcher"/> publishes
/// rows in <see cref="Sequence"/> order and marks them published. The order is that of the rows visible when the
/// dispatcher reads: PostgreSQL hands out identity values at insert, so two transactions that commit in the opposite
/// order can be published in commit order rather than insert order, and a row waiting for a retry lets later rows
/// pass. Consumers get at-least-once delivery and must not depend on a global order across aggregates.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage() { }

    /// <summary>Database-assigned, increasing: the publishing order.</summary>
    public long Sequence { get; private set; }
    public Guid EventId { get; private set; }
    public string Type { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTime OccurredAt { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    /// <summary>Set when <see cref="MessagingOptions.MaxDeliveries"/> publish attempts failed: the outbox's dead letter.</summary>
    public DateTime? DeadAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTime? NextAttemptAt { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>A dispatcher's claim on the row, so two instances do not publish the same rows at the same time.</summary>
    public Guid? ClaimToken { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }

    internal static OutboxMessage For(EventEnvelope envelope) => new()
    {
        EventId = envelope.Id,
        Type = envelope.Type,
        Payload = System.Text.Encoding.UTF8.GetString(envelope.Body.Span),
        OccurredAt = envelope.OccurredAt.UtcDateTime,
    };

    internal EventEnvelope ToEnvelope() =>
        new(EventId, Type, new DateTimeOffset(OccurredAt, TimeSpan.Zero), System.Text.Encoding.UTF8.GetBytes(Payload));
}

/// <summary>A (consumer, event) pair already processed: makes at-least-once delivery effectively-once for work handlers.</summary>
public sealed class InboxEntry(string consumer, Guid eventId, DateTime processedAt)
{
    public string Consumer { get; private set; } = consumer;
    public Guid EventId { get; private set; } = eventId;
    public DateTime ProcessedAt { get; private set; } = processedAt;
}

public static class OutboxExtensions
{
    /// <summary>
    /// Adds the event to the outbox of this context: it is stored by the caller's next SaveChanges, in the caller's
    /// transaction, and published only after that commits. Never publish after SaveChanges instead (a dual write).
    /// </summary>
    public static void AddOutboxEvent(this DbContext db, IntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(integrationEvent);
        db.Set<OutboxMessage>().Add(OutboxMessage.For(EventRegistry.Serialize(integrationEvent)));
    }
}

public static class MessagingModel
{
    /// <summary>Tables of the platform's messaging: platform_outbox, platform_inbox and platform_jobs.</summary>
    public static void ConfigureMessaging(this ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("platform_outbox");
            outbox.HasKey(o => o.Sequence);
            outbox.Property(o => o.Sequence).ValueGeneratedOnAdd();
            outbox.HasIndex(o => o.EventId).IsUnique();
            outbox.Property(o => o.Type).HasMaxLength(200).IsRequired();
            outbox.Property(o => o.Payload).IsRequired();
            outbox.Property(o => o.LastError).HasMaxLength(2000);
            // The dispatcher's query: unpublished, live rows in order.
            outbox.HasIndex(o => new { o.PublishedAt, o.DeadAt, o.Sequence });
        });
        builder.Entity<InboxEntry>(inbox =>
        {
            inbox.ToTable("platform_inbox");
            inbox.HasKey(i => new { i.Consumer, i.EventId });
            inbox.Property(i => i.Consumer).HasMaxLength(200);
            inbox.HasIndex(i => i.ProcessedAt);
        });
        builder.Entity<Job>(job =>
        {
            job.ToTable("platform_jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Type).HasMaxLength(200).IsRequired();
            job.Property(j => j.Payload).IsRequired();
            job.Property(j => j.State).HasConversion(s => JobStates.Name(s), s => JobStates.Parse(s)).HasMaxLength(20);
            job.Property(j => j.ProgressMessage).HasMaxLength(500);
            job.Property(j => j.LeaseOwner).HasMaxLength(200);
            job.Property(j => j.Error).HasMaxLength(4000);
            job.HasIndex(j => new { j.State, j.NextAttemptAt });
            job.HasIndex(j => new { j.OrganizationId, j.CreatedAt });
        });
    }
}
