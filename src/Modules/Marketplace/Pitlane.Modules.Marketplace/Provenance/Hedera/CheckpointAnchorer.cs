using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

public sealed record AnchorRound(int Queued, int Submitted, int Failed, int Confirmed);

/// <summary>
/// Anchors signed checkpoints on a Hedera topic, in rounds: queue every checkpoint that has no anchor yet, confirm the
/// submitted ones from the mirror node, submit the due ones. Nothing here runs inside an append: a node or mirror that is
/// down only leaves anchors pending, to be retried with back-off.
/// </summary>
public sealed class CheckpointAnchorer(
    IServiceScopeFactory scopes, MarketplaceOptions marketplace, HederaConsensusClient node, HederaMirrorClient mirror, TimeProvider time, ILogger<CheckpointAnchorer> logger)
{
    private const int MaxMirrorPages = 20;
    private readonly HederaAnchorOptions options = marketplace.Hedera;

    /// <summary>The text submitted for a checkpoint: anyone holding the signed note can recompute it.</summary>
    public static string MessageFor(string origin, long size, string signedNote) =>
        $"pitlane-checkpoint {origin} {size} {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(signedNote)))}";

    public async Task<AnchorRound> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var topic = options.TopicId.Trim();

        var fresh = await db.LogCheckpoints.AsNoTracking()
            .Where(c => !db.LogAnchors.Any(a => a.CheckpointSize == c.Size))
            .OrderBy(c => c.Size).Take(500).ToListAsync(ct);
        foreach (var checkpoint in fresh)
        {
            db.LogAnchors.Add(new LogAnchor(checkpoint.Size, topic, MessageFor(marketplace.LogOrigin, checkpoint.Size, checkpoint.Note), now));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance queued them first.
            db.ChangeTracker.Clear();
        }

        var confirmed = await ConfirmAsync(db, topic, now, ct);
        await db.SaveChangesAsync(ct); // so the unseen ones, pending again, are found below
        var (submitted, failed) = await SubmitDueAsync(db, topic, now, ct);
        await db.SaveChangesAsync(ct);
        return new AnchorRound(fresh.Count, submitted, failed, confirmed);
    }

    private async Task<int> ConfirmAsync(MarketplaceDbContext db, string topic, DateTime now, CancellationToken ct)
    {
        var waiting = await db.LogAnchors.Where(a => a.Status == AnchorStatus.Submitted && a.TopicId == topic).ToListAsync(ct);
        if (waiting.Count == 0)
        {
            return 0;
        }
        var after = await db.LogAnchors.Where(a => a.TopicId == topic && a.SequenceNumber != null).MaxAsync(a => a.SequenceNumber, ct) ?? 0;
        IReadOnlyList<MirrorTopicMessage> messages;
        try
        {
            messages = await mirror.MessagesAfterAsync(topic, after, MaxMirrorPages, ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Hedera mirror node lookup failed, retrying next round: {Error}", e.Message);
            return 0;
        }
        var byMessage = waiting.ToDictionary(a => a.Message, StringComparer.Ordinal);
        var count = 0;
        foreach (var message in messages.OrderBy(m => m.SequenceNumber))
        {
            if (message.Message is null || message.ConsensusTimestamp is null || message.RunningHash is null || message.SequenceNumber < 1)
            {
                continue;
            }
            var buffer = new byte[message.Message.Length];
            if (!Convert.TryFromBase64String(message.Message, buffer, out var length))
            {
                continue;
            }
            if (byMessage.Remove(Encoding.UTF8.GetString(buffer, 0, length), out var anchor))
            {
                anchor.Confirmed(message.SequenceNumber, message.ConsensusTimestamp, message.RunningHash, now);
                count++;
            }
        }
        foreach (var unseen in byMessage.Values.Where(a => a.SubmittedAt + TimeSpan.FromMinutes(options.ConfirmMinutes) <= now))
        {
            unseen.NotSeen(now);
        }
        return count;
    }

    private async Task<(int Submitted, int Failed)> SubmitDueAsync(MarketplaceDbContext db, string topic, DateTime now, CancellationToken ct)
    {
        // Anchors queued for another topic (the setting changed) stay as they are: their text names no topic, but their row does.
        var due = await db.LogAnchors.Where(a => a.Status == AnchorStatus.Pending && a.NextAttemptAt <= now && a.TopicId == topic).OrderBy(a => a.CheckpointSize).Take(50).ToListAsync(ct);
        var (submitted, failed) = (0, 0);
        foreach (var anchor in due)
        {
            var outcome = await node.SubmitAsync(Encoding.UTF8.GetBytes(anchor.Message), time.GetUtcNow(), ct);
            if (outcome.Accepted)
            {
                anchor.Submitted(outcome.TransactionId, now);
                submitted++;
                continue;
            }
            anchor.Failed(outcome.Error ?? "refused", now, TimeSpan.FromSeconds(options.IntervalSeconds));
            failed++;
            logger.LogWarning("Anchoring checkpoint {Size} on Hedera failed, retrying later: {Error}", anchor.CheckpointSize, outcome.Error);
            // One failure usually means the node is down or the operator is wrong: the rest wait for the next round.
            foreach (var rest in due.Where(a => a.Status == AnchorStatus.Pending && a.Attempts == 0 && a != anchor))
            {
                rest.Failed("Waiting: the previous submission failed. " + outcome.Error, now, TimeSpan.FromSeconds(options.IntervalSeconds));
            }
            break;
        }
        return (submitted, failed);
    }
}

/// <summary>Runs <see cref="CheckpointAnchorer"/> every IntervalSeconds when Pitlane:Marketplace:Hedera:Enabled is set.</summary>
public sealed class HederaAnchorWorker(CheckpointAnchorer anchorer, MarketplaceOptions options, TimeProvider time, ILogger<HederaAnchorWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Hedera.IntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var round = await anchorer.RunOnceAsync(stoppingToken);
                if (round.Submitted + round.Confirmed + round.Failed > 0)
                {
                    logger.LogInformation("Hedera anchoring: {Submitted} submitted, {Confirmed} confirmed, {Failed} failed", round.Submitted, round.Confirmed, round.Failed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Hedera anchoring round failed; retrying next round");
            }
        }
    }
}
