using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform.Messaging;
using Pitlane.Modules.Payments.Idempotency;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Simulator;
using Pitlane.Modules.Payments.Webhooks;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Payments;

/// <summary>
/// The Payments module's store (tables payments_*): the ledger, intents, refunds, payouts, disputes, received webhook
/// events and idempotency keys; and, under payments_sim_*, the built-in processor's own records. Journal entries and
/// lines are append-only: <see cref="SaveChanges(bool)"/> refuses to update or delete them.
/// </summary>
public abstract class PaymentsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__payments_migrations";

    public DbSet<LedgerAccount> Accounts => Set<LedgerAccount>();
    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();
    public DbSet<JournalLine> JournalLines => Set<JournalLine>();
    public DbSet<PaymentIntent> Intents => Set<PaymentIntent>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<Payout> Payouts => Set<Payout>();
    public DbSet<Dispute> Disputes => Set<Dispute>();
    public DbSet<ReceivedEvent> ReceivedEvents => Set<ReceivedEvent>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    public DbSet<SimIntent> SimIntents => Set<SimIntent>();
    public DbSet<SimPaymentMethod> SimPaymentMethods => Set<SimPaymentMethod>();
    public DbSet<SimBalanceTransaction> SimBalanceTransactions => Set<SimBalanceTransaction>();
    public DbSet<SimPayout> SimPayouts => Set<SimPayout>();
    public DbSet<SimRefund> SimRefunds => Set<SimRefund>();
    public DbSet<SimEvent> SimEvents => Set<SimEvent>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseLedgerRewrites();
        AnnounceIntentChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseLedgerRewrites();
        AnnounceIntentChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RefuseLedgerRewrites()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is JournalEntry or JournalLine && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The ledger is append-only: correct an entry with a reversing entry.");
            }
        }
    }

    /// <summary>
    /// One <see cref="PaymentIntentStatusChanged"/> per intent whose status or money changed in this save, written to the
    /// outbox in the same transaction (every path that changes an intent, API call or webhook, goes through here).
    /// </summary>
    private void AnnounceIntentChanges()
    {
        foreach (var entry in ChangeTracker.Entries<PaymentIntent>().ToList())
        {
            var intent = entry.Entity;
            string previous;
            if (entry.State == EntityState.Added)
            {
                previous = "";
            }
            else if (entry.State == EntityState.Modified)
            {
                previous = (string)entry.Property(i => i.Status).OriginalValue!;
                var moved = entry.Property(i => i.AmountReceived).IsModified || entry.Property(i => i.AmountRefunded).IsModified
                    || entry.Property(i => i.AmountDisputed).IsModified || entry.Property(i => i.AmountCapturable).IsModified;
                if (previous == intent.Status && !moved)
                {
                    continue;
                }
            }
            else
            {
                continue;
            }
            this.AddOutboxEvent(new PaymentIntentStatusChanged(
                intent.Id, intent.OrganizationId, intent.PayeeOrganizationId, intent.CustomerId, intent.Reference, intent.Status, previous,
                intent.Amount, intent.AmountCapturable, intent.AmountReceived, intent.AmountRefunded, intent.AmountDisputed, intent.Currency)
            {
                OccurredAt = new DateTimeOffset(intent.UpdatedAt, TimeSpan.Zero),
            });
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<LedgerAccount>(account =>
        {
            account.ToTable("payments_accounts");
            account.HasKey(a => a.Id);
            account.Property(a => a.OwnerKind).HasMaxLength(20);
            account.Property(a => a.Code).HasMaxLength(40);
            account.Property(a => a.Currency).HasMaxLength(3);
            account.HasIndex(a => new { a.OwnerKind, a.OwnerId, a.Code, a.Currency }).IsUnique();
        });
        builder.Entity<JournalEntry>(entry =>
        {
            entry.ToTable("payments_journal_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Kind).HasMaxLength(20);
            entry.Property(e => e.Description).HasMaxLength(300);
            entry.HasIndex(e => e.ReferenceId);
            entry.HasMany(e => e.Lines).WithOne().HasForeignKey(l => l.EntryId);
            entry.Navigation(e => e.Lines).HasField("_lines");
        });
        builder.Entity<JournalLine>(line =>
        {
            line.ToTable("payments_journal_lines");
            line.HasKey(l => l.Id);
            line.Property(l => l.Currency).HasMaxLength(3);
            line.HasOne<LedgerAccount>().WithMany().HasForeignKey(l => l.AccountId).OnDelete(DeleteBehavior.Restrict);
            line.HasIndex(l => new { l.AccountId, l.EntryId });
        });
        builder.Entity<PaymentIntent>(intent =>
        {
            intent.ToTable("payments_intents");
            intent.HasKey(i => i.Id);
            intent.Property(i => i.Processor).HasMaxLength(20);
            intent.Property(i => i.ProcessorId).HasMaxLength(100);
            intent.Property(i => i.ClientSecret).HasMaxLength(200);
            intent.Property(i => i.Currency).HasMaxLength(3);
            intent.Property(i => i.CaptureMethod).HasMaxLength(20);
            intent.Property(i => i.Status).HasMaxLength(30);
            intent.Property(i => i.PaymentMethod).HasMaxLength(100);
            intent.Property(i => i.Description).HasMaxLength(500);
            intent.Property(i => i.Reference).HasMaxLength(200);
            intent.HasIndex(i => i.Reference);
            intent.Property(i => i.LastPaymentError).HasMaxLength(300);
            intent.Property(i => i.NextActionUrl).HasMaxLength(500);
            intent.Property(i => i.Version).IsConcurrencyToken();
            intent.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
            intent.HasIndex(i => new { i.PayeeOrganizationId, i.CreatedAt });
            intent.HasIndex(i => new { i.CustomerId, i.CreatedAt });
            intent.HasIndex(i => new { i.Processor, i.ProcessorId });
            intent.Ignore(i => i.PayeeShare);
            intent.Ignore(i => i.Refundable);
        });
        builder.Entity<Refund>(refund =>
        {
            refund.ToTable("payments_refunds");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.ProcessorId).HasMaxLength(100);
            refund.Property(r => r.Currency).HasMaxLength(3);
            refund.Property(r => r.Reason).HasMaxLength(40);
            refund.Property(r => r.Status).HasMaxLength(20);
            refund.HasIndex(r => r.ProcessorId).IsUnique();
            refund.HasIndex(r => r.IntentId);
        });
        builder.Entity<Payout>(payout =>
        {
            payout.ToTable("payments_payouts");
            payout.HasKey(p => p.Id);
            payout.Property(p => p.Currency).HasMaxLength(3);
            payout.Property(p => p.Status).HasMaxLength(20);
            payout.Property(p => p.ProcessorId).HasMaxLength(100);
            payout.Property(p => p.FailureCode).HasMaxLength(60);
            payout.Property(p => p.Version).IsConcurrencyToken();
            payout.HasIndex(p => new { p.OrganizationId, p.CreatedAt });
            payout.HasIndex(p => p.Status);
            payout.HasIndex(p => p.ProcessorId);
        });
        builder.Entity<Dispute>(dispute =>
        {
            dispute.ToTable("payments_disputes");
            dispute.HasKey(d => d.Id);
            dispute.Property(d => d.ProcessorId).HasMaxLength(100);
            dispute.Property(d => d.Currency).HasMaxLength(3);
            dispute.Property(d => d.Status).HasMaxLength(30);
            dispute.HasIndex(d => d.ProcessorId).IsUnique();
        });
        builder.Entity<ReceivedEvent>(received =>
        {
            received.ToTable("payments_received_events");
            received.HasKey(e => new { e.Processor, e.Id });
            received.Property(e => e.Id).HasMaxLength(100);
            received.Property(e => e.Processor).HasMaxLength(20);
            received.Property(e => e.Type).HasMaxLength(80);
            received.Property(e => e.Outcome).HasMaxLength(40);
        });
        builder.Entity<IdempotencyRecord>(key =>
        {
            key.ToTable("payments_idempotency_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Scope).HasMaxLength(100);
            key.Property(k => k.Key).HasMaxLength(255);
            key.Property(k => k.Fingerprint).HasMaxLength(64);
            key.Property(k => k.ContentType).HasMaxLength(200);
            key.Property(k => k.Location).HasMaxLength(500);
            key.HasIndex(k => new { k.Scope, k.Key }).IsUnique();
            key.HasIndex(k => k.CreatedAt);
        });

        builder.Entity<SimIntent>(intent =>
        {
            intent.ToTable("payments_sim_intents");
            intent.HasKey(i => i.Id);
            intent.Property(i => i.Id).HasMaxLength(100);
            intent.Property(i => i.ClientSecret).HasMaxLength(200);
            intent.Property(i => i.IdempotencyKey).HasMaxLength(255);
            intent.HasIndex(i => i.IdempotencyKey).IsUnique();
            intent.Property(i => i.Currency).HasMaxLength(3);
            intent.Property(i => i.CaptureMethod).HasMaxLength(20);
            intent.Property(i => i.Status).HasMaxLength(30);
            intent.Property(i => i.PaymentMethod).HasMaxLength(100);
            intent.Property(i => i.ErrorCode).HasMaxLength(60);
            intent.Property(i => i.ErrorMessage).HasMaxLength(200);
            intent.Property(i => i.Version).IsConcurrencyToken();
        });
        builder.Entity<SimPaymentMethod>(method =>
        {
            method.ToTable("payments_sim_payment_methods");
            method.HasKey(m => m.Id);
            method.Property(m => m.Id).HasMaxLength(100);
            method.Property(m => m.Behavior).HasMaxLength(30);
            method.Property(m => m.Brand).HasMaxLength(20);
            method.Property(m => m.Last4).HasMaxLength(4);
            method.HasIndex(m => m.CustomerId);
        });
        builder.Entity<SimBalanceTransaction>(txn =>
        {
            txn.ToTable("payments_sim_balance_transactions");
            txn.HasKey(t => t.Id);
            txn.Property(t => t.Id).HasMaxLength(100);
            txn.Property(t => t.Type).HasMaxLength(30);
            txn.Property(t => t.Currency).HasMaxLength(3);
            txn.Property(t => t.Source).HasMaxLength(100);
            txn.HasIndex(t => t.CreatedAt);
            txn.HasIndex(t => t.Source);
        });
        builder.Entity<SimPayout>(payout =>
        {
            payout.ToTable("payments_sim_payouts");
            payout.HasKey(p => p.Id);
            payout.Property(p => p.Id).HasMaxLength(100);
            payout.Property(p => p.IdempotencyKey).HasMaxLength(255);
            payout.HasIndex(p => p.IdempotencyKey).IsUnique();
            payout.Property(p => p.Currency).HasMaxLength(3);
            payout.Property(p => p.Status).HasMaxLength(20);
            payout.Property(p => p.FailureCode).HasMaxLength(60);
        });
        builder.Entity<SimRefund>(refund =>
        {
            refund.ToTable("payments_sim_refunds");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.Id).HasMaxLength(100);
            refund.Property(r => r.IdempotencyKey).HasMaxLength(255);
            refund.HasIndex(r => r.IdempotencyKey).IsUnique();
            refund.Property(r => r.IntentId).HasMaxLength(100);
            refund.Property(r => r.Status).HasMaxLength(20);
        });
        builder.Entity<SimEvent>(evt =>
        {
            evt.ToTable("payments_sim_events");
            evt.HasKey(e => e.Id);
            evt.Property(e => e.Id).HasMaxLength(100);
            evt.Property(e => e.Type).HasMaxLength(80);
            evt.Property(e => e.Payload).HasMaxLength(16000);
            evt.HasIndex(e => new { e.DeliveredAt, e.DueAt });
        });
        builder.MapPlatformTables();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => UtcTimestamps.Apply(configurationBuilder);
}

public sealed class SqlitePaymentsDbContext(DbContextOptions<SqlitePaymentsDbContext> options) : PaymentsDbContext(options);

public sealed class PostgresPaymentsDbContext(DbContextOptions<PostgresPaymentsDbContext> options) : PaymentsDbContext(options);
