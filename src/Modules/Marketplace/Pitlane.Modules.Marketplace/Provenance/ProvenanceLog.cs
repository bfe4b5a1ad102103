using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Provenance;

namespace Pitlane.Modules.Marketplace.Provenance;

public static class PartEvents
{
    public const string Manufactured = "manufactured";
    public const string Listed = "listed";
    public const string Sold = "sold";
    public const string Shipped = "shipped";
    public const string Installed = "installed";
    public const string Removed = "removed";

    public static readonly string[] All = [Manufactured, Listed, Sold, Shipped, Installed, Removed];
}

/// <summary>
/// One event in a part's life, as logged: the entry is this record's JSON (camelCase, nulls left out) and the log
/// commits to those exact bytes. <c>By</c> is the organisation that recorded it.
/// </summary>
public sealed record PartEvent(
    string Serial, string Event, DateTime At, Guid By, string? PartNumber = null, string? Brand = null, string? Vin = null, Guid? OrderId = null, string? Note = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public byte[] ToEntry() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static PartEvent? FromEntry(byte[] entry)
    {
        try
        {
            return JsonSerializer.Deserialize<PartEvent>(entry, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The checkpoint signer, resolved once per process: the configured key, or the one stored on first use.</summary>
public sealed class LogKeyHolder(MarketplaceOptions options, TimeProvider time, IServiceScopeFactory scopes)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private NoteSigner? signer;

    public async Task<NoteSigner> SignerAsync(CancellationToken ct)
    {
        if (signer is { } known)
        {
            return known;
        }
        await gate.WaitAsync(ct);
        try
        {
            if (signer is not null)
            {
                return signer;
            }
            if (!string.IsNullOrWhiteSpace(options.SigningKey))
            {
                return signer = NoteSigner.Parse(options.SigningKey);
            }
            // Its own context: the caller's may hold unsaved changes that must not be committed with the key.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
            if (await db.LogKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == 1, ct) is { } stored)
            {
                return signer = NoteSigner.Parse(stored.PrivateKey);
            }
            var generated = NoteSigner.Generate(options.LogOrigin);
            await using var save = await db.Database.BeginTransactionAsync(ct);
            db.LogKeys.Add(new LogKey(generated.PrivateKey, time.GetUtcNow().UtcDateTime));
            try
            {
                await db.SaveChangesAsync(ct);
                await save.CommitAsync(ct);
                return signer = generated;
            }
            catch (DbUpdateException)
            {
                // Another instance stored its key first: use that one.
                await save.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var winner = await db.LogKeys.AsNoTracking().FirstAsync(k => k.Id == 1, ct);
                return signer = NoteSigner.Parse(winner.PrivateKey);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>The module's tiles as a <see cref="ITileStore"/>: reads see this context's pending writes, writes wait for SaveChanges.</summary>
internal sealed class EfTileStore(MarketplaceDbContext db) : ITileStore
{
    public async ValueTask<byte[]?> ReadTileAsync(int level, long index, CancellationToken cancellationToken = default) =>
        (await db.LogTiles.FindAsync([level, index], cancellationToken))?.Hashes;

    public async ValueTask WriteTilesAsync(IReadOnlyList<TileData> tiles, CancellationToken cancellationToken = default)
    {
        foreach (var tile in tiles)
        {
            if (await db.LogTiles.FindAsync([tile.Level, tile.Index], cancellationToken) is { } existing)
            {
                existing.Hashes = tile.Hashes;
            }
            else
            {
                db.LogTiles.Add(new LogTile(tile.Level, tile.Index, tile.Hashes));
            }
        }
    }
}

/// <summary>
/// The provenance log: appends part events (entries, tiles and a new signed checkpoint in the caller's SaveChanges, so an
/// order and its "sold" entry commit together), and answers checkpoints, tiles and proofs. Appends are serialised in
/// this process; the entry index is the primary key, so a second writer instance fails instead of forking the log.
/// </summary>
public sealed class ProvenanceLog(MarketplaceDbContext db, MarketplaceOptions options, LogKeyHolder keys, TimeProvider time)
{
    private static readonly SemaphoreSlim AppendGate = new(1, 1);

    public string Origin => options.LogOrigin;

    public async Task<string> VerifierKeyAsync(CancellationToken ct) => (await keys.SignerAsync(ct)).VerifierKey;

    public async Task<LogCheckpoint?> LatestAsync(CancellationToken ct) =>
        await db.LogCheckpoints.AsNoTracking().OrderByDescending(c => c.Size).FirstOrDefaultAsync(ct);

    /// <summary>The latest signed checkpoint; for a log with no entry yet, a freshly signed one of size 0.</summary>
    public async Task<(long Size, byte[] Root, string Note)> CheckpointAsync(CancellationToken ct)
    {
        if (await LatestAsync(ct) is { } latest)
        {
            return (latest.Size, latest.RootHash, latest.Note);
        }
        var signer = await keys.SignerAsync(ct);
        var empty = new Checkpoint(Origin, 0, MerkleHash.EmptyRoot());
        return (0, empty.RootHash, empty.Sign(signer));
    }

    /// <summary>Adds the events and the new checkpoint, then saves everything the context holds, in one transaction.</summary>
    public async Task SaveWithEventsAsync(IReadOnlyList<PartEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            await db.SaveChangesAsync(ct);
            return;
        }
        var signer = await keys.SignerAsync(ct);
        await AppendGate.WaitAsync(ct);
        try
        {
            var size = await db.LogCheckpoints.MaxAsync(c => (long?)c.Size, ct) ?? 0;
            var now = time.GetUtcNow().UtcDateTime;
            var entries = events.Select(e => e.ToEntry()).ToArray();
            for (var i = 0; i < entries.Length; i++)
            {
                db.LogEntries.Add(new LogEntry(size + i, events[i].Serial, entries[i], now));
            }
            var (newSize, root) = await TileLog.AppendAsync(new EfTileStore(db), size, entries, ct);
            var note = new Checkpoint(Origin, newSize, root).Sign(signer);
            db.LogCheckpoints.Add(new LogCheckpoint(newSize, root, note, now));
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            AppendGate.Release();
        }
    }

    public async Task<LogCheckpoint?> CheckpointOfAsync(long size, CancellationToken ct) =>
        await db.LogCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Size == size, ct);

    public async Task<Hedera.LogAnchor?> AnchorOfAsync(long size, CancellationToken ct) =>
        await db.LogAnchors.AsNoTracking().FirstOrDefaultAsync(a => a.CheckpointSize == size, ct);

    /// <summary>The newest checkpoint of at most <paramref name="maxSize"/> entries whose Hedera anchor is confirmed.</summary>
    public async Task<Hedera.LogAnchor?> LatestConfirmedAnchorAsync(long maxSize, CancellationToken ct) =>
        await db.LogAnchors.AsNoTracking().Where(a => a.Status == Hedera.AnchorStatus.Confirmed && a.CheckpointSize <= maxSize)
            .OrderByDescending(a => a.CheckpointSize).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<LogEntry>> EntriesOfAsync(string serial, long treeSize, CancellationToken ct) =>
        await db.LogEntries.AsNoTracking().Where(e => e.Serial == serial && e.Index < treeSize).OrderBy(e => e.Index).ToListAsync(ct);

    public async Task<IReadOnlyList<LogEntry>> EntriesAsync(long start, int count, CancellationToken ct) =>
        await db.LogEntries.AsNoTracking().Where(e => e.Index >= start && e.Index < start + count).OrderBy(e => e.Index).ToListAsync(ct);

    public async Task<IReadOnlyList<byte[]>> InclusionProofAsync(long index, long treeSize, CancellationToken ct) =>
        await TileLog.InclusionProofAsync(new ReadOnlyTiles(db), index, treeSize, ct);

    public async Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long first, long second, CancellationToken ct) =>
        await TileLog.ConsistencyProofAsync(new ReadOnlyTiles(db), first, second, ct);

    public async Task<byte[]?> TileAsync(int level, long index, CancellationToken ct) =>
        (await db.LogTiles.AsNoTracking().FirstOrDefaultAsync(t => t.Level == level && t.TileIndex == index, ct))?.Hashes;

    private sealed class ReadOnlyTiles(MarketplaceDbContext db) : ITileStore
    {
        public async ValueTask<byte[]?> ReadTileAsync(int level, long index, CancellationToken cancellationToken = default) =>
            (await db.LogTiles.AsNoTracking().FirstOrDefaultAsync(t => t.Level == level && t.TileIndex == index, cancellationToken))?.Hashes;

        public ValueTask WriteTilesAsync(IReadOnlyList<TileData> tiles, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Proofs never write tiles.");
    }
}
