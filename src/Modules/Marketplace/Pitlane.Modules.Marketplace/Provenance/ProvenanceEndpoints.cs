using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;
using Pitlane.Provenance;

namespace Pitlane.Modules.Marketplace.Provenance;

public sealed record InclusionProofResponse(long Index, long TreeSize, string LeafHash, IReadOnlyList<string> Proof);
public sealed record ConsistencyProofResponse(long First, long Second, IReadOnlyList<string> Proof);
public sealed record EntryResponse(long Index, string Entry, PartEvent? Event);
public sealed record ProvenEntry(long Index, string Entry, PartEvent? Event, IReadOnlyList<string> Proof);

/// <summary>
/// What <c>pitlane provenance verify</c> needs to check a part's history offline: the signed checkpoint, and every entry
/// for the serial number with its inclusion proof against that checkpoint.
/// </summary>
public sealed record PartHistoryBundle(string Origin, string Serial, long TreeSize, string RootHash, string Checkpoint, IReadOnlyList<ProvenEntry> Entries);

/// <summary>A checkpoint's Hedera anchor; <c>MirrorLink</c> is the mirror node's own record of the message, when confirmed.</summary>
public sealed record AnchorResponse(
    string TopicId, string Status, string Message, long? SequenceNumber, string? ConsensusTimestamp, string? RunningHash,
    string? TransactionId, DateTime? SubmittedAt, DateTime? ConfirmedAt, int Attempts, string? LastError, string? MirrorLink)
{
    public static AnchorResponse From(Hedera.LogAnchor a, string? mirrorUrl) => new(
        a.TopicId, a.Status, a.Message, a.SequenceNumber, a.ConsensusTimestamp, a.RunningHash, a.TransactionId, a.SubmittedAt, a.ConfirmedAt, a.Attempts, a.LastError,
        a.SequenceNumber is { } seq && !string.IsNullOrWhiteSpace(mirrorUrl)
            ? $"{mirrorUrl.TrimEnd('/')}/api/v1/topics/{Uri.EscapeDataString(a.TopicId)}/messages/{seq.ToString(CultureInfo.InvariantCulture)}"
            : null);
}

/// <summary>One signed checkpoint with its Hedera anchor (null when anchoring is off or has not reached it).</summary>
public sealed record CheckpointResponse(long Size, string RootHash, string Note, DateTime CreatedAt, string AnchorMessage, AnchorResponse? Anchor);

public sealed record RecordPartEventRequest(string? Event, string? Vin, string? PartNumber, string? Brand, string? Note);

/// <summary>
/// /api/v1/provenance: the public, read-only face of the log (checkpoint, key, C2SP tiles and entry bundles, proofs,
/// a part's history bundle), anonymous and rate-limited per client; and the organisation API to record part events.
/// </summary>
public static class ProvenanceEndpoints
{
    public const string RateLimitPolicy = "provenance-public";
    public const int MaxEntriesPerRequest = 1000;

    public static IEndpointRouteBuilder MapProvenanceEndpoints(this IEndpointRouteBuilder routes)
    {
        var log = routes.MapGroup("/api/v1/provenance").WithTags("Provenance").AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        log.MapGet("/checkpoint", Checkpoint);
        log.MapGet("/key", Key);
        log.MapGet("/checkpoints/{size:long}", CheckpointOf);
        log.MapGet("/tile/{**path}", Tile);
        log.MapGet("/entries", Entries);
        log.MapGet("/proof/inclusion", Inclusion);
        log.MapGet("/proof/consistency", Consistency);
        log.MapGet("/parts/{serial}", Part);

        var parts = routes.MapTenantApi("/api/v1/marketplace/parts", "Marketplace");
        parts.MapPost("/{serial}/events", Record).RequirePermission(MarketplacePermissions.RecordPartEvents);
        return routes;
    }

    private static async Task<IResult> Checkpoint(ProvenanceLog log, CancellationToken ct)
    {
        var (_, _, note) = await log.CheckpointAsync(ct);
        return TypedResults.Text(note, "text/plain; charset=utf-8");
    }

    private static async Task<IResult> CheckpointOf(long size, ProvenanceLog log, MarketplaceOptions options, CancellationToken ct)
    {
        if (await log.CheckpointOfAsync(size, ct) is not { } checkpoint)
        {
            return Problems.NotFound("The log has no checkpoint of that size.");
        }
        var anchor = await log.AnchorOfAsync(size, ct);
        return TypedResults.Ok(new CheckpointResponse(checkpoint.Size, Convert.ToBase64String(checkpoint.RootHash), checkpoint.Note, checkpoint.CreatedAt,
            Hedera.CheckpointAnchorer.MessageFor(log.Origin, checkpoint.Size, checkpoint.Note),
            anchor is null ? null : AnchorResponse.From(anchor, options.Hedera.MirrorUrl)));
    }

    private static async Task<IResult> Key(ProvenanceLog log, CancellationToken ct) =>
        TypedResults.Text(await log.VerifierKeyAsync(ct) + "\n", "text/plain; charset=utf-8");

    /// <summary>C2SP tlog-tiles: tile/L/N[.p/W] (hashes) and tile/entries/N[.p/W] (length-prefixed entries), for the latest checkpoint.</summary>
    private static async Task<IResult> Tile(string path, ProvenanceLog log, CancellationToken ct)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return Problems.NotFound("No such tile.");
        }
        var levelPart = path[..slash];
        var rest = path[(slash + 1)..];
        var width = TileLayout.Width;
        var partial = rest.IndexOf(".p/", StringComparison.Ordinal);
        if (partial >= 0)
        {
            if (!int.TryParse(rest[(partial + 3)..], NumberStyles.None, CultureInfo.InvariantCulture, out width) || width is < 1 or >= TileLayout.Width)
            {
                return Problems.NotFound("No such tile.");
            }
            rest = rest[..partial];
        }
        if (TileLayout.DecodeIndex(rest) is not { } index)
        {
            return Problems.NotFound("No such tile.");
        }
        var (size, _, _) = await log.CheckpointAsync(ct);
        if (levelPart == "entries")
        {
            if (TileLayout.WidthAt(0, index, size) < width)
            {
                return Problems.NotFound("No such entry bundle in the latest checkpoint.");
            }
            var entries = await log.EntriesAsync(index * TileLayout.Width, width, ct);
            return TypedResults.Bytes(TileLayout.EntryBundle(entries.Select(e => e.Data)), "application/octet-stream");
        }
        if (!int.TryParse(levelPart, NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level > 7
            || TileLayout.WidthAt(level, index, size) < width
            || await log.TileAsync(level, index, ct) is not { } hashes || hashes.Length < width * MerkleHash.Size)
        {
            return Problems.NotFound("No such tile in the latest checkpoint.");
        }
        return TypedResults.Bytes(hashes[..(width * MerkleHash.Size)], "application/octet-stream");
    }

    private static async Task<IResult> Entries(ProvenanceLog log, CancellationToken ct, long? start = null, int? count = null)
    {
        var (size, _, _) = await log.CheckpointAsync(ct);
        var check = new Validation()
            .Require(start is null or >= 0, "start", "start is an entry index, 0 or more.")
            .Require(count is null or (>= 1 and <= MaxEntriesPerRequest), "count", $"count must be between 1 and {MaxEntriesPerRequest}.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var first = start ?? 0;
        var take = (int)Math.Max(0, Math.Min(count ?? 100, size - first));
        var entries = take == 0 ? [] : await log.EntriesAsync(first, take, ct);
        return TypedResults.Ok(entries.Select(e => new EntryResponse(e.Index, Convert.ToBase64String(e.Data), PartEvent.FromEntry(e.Data))).ToList());
    }

    private static async Task<IResult> Inclusion(ProvenanceLog log, CancellationToken ct, long? index = null, long? size = null)
    {
        var (latest, _, _) = await log.CheckpointAsync(ct);
        var treeSize = size ?? latest;
        var check = new Validation()
            .Require(index is not null, "index", "index is required.")
            .Require(treeSize >= 1 && treeSize <= latest, "size", $"size must be between 1 and the latest checkpoint's {latest}.")
            .Require(index is null || (index >= 0 && index < treeSize), "index", "index must be below the tree size.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var entry = (await log.EntriesAsync(index!.Value, 1, ct)).Single();
        var proof = await log.InclusionProofAsync(index.Value, treeSize, ct);
        return TypedResults.Ok(new InclusionProofResponse(index.Value, treeSize, Convert.ToBase64String(MerkleHash.Leaf(entry.Data)), proof.Select(Convert.ToBase64String).ToList()));
    }

    private static async Task<IResult> Consistency(ProvenanceLog log, CancellationToken ct, long? first = null, long? second = null)
    {
        var (latest, _, _) = await log.CheckpointAsync(ct);
        var to = second ?? latest;
        var check = new Validation()
            .Require(first is >= 0, "first", "first is required: the older tree size.")
            .Require(to >= 0 && to <= latest, "second", $"second must be at most the latest checkpoint's {latest}.")
            .Require(first is null || first <= to, "first", "first must not exceed second.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var proof = await log.ConsistencyProofAsync(first!.Value, to, ct);
        return TypedResults.Ok(new ConsistencyProofResponse(first.Value, to, proof.Select(Convert.ToBase64String).ToList()));
    }

    private static async Task<IResult> Part(string serial, ProvenanceLog log, CancellationToken ct)
    {
        if (Serials.Normalize(serial) is not { } normalized)
        {
            return Problems.Invalid("serial", Serials.Rule);
        }
        return TypedResults.Ok(await HistoryAsync(log, normalized, ct));
    }

    internal static async Task<PartHistoryBundle> HistoryAsync(ProvenanceLog log, string serial, CancellationToken ct)
    {
        var (size, root, note) = await log.CheckpointAsync(ct);
        var entries = await log.EntriesOfAsync(serial, size, ct);
        var proven = new List<ProvenEntry>(entries.Count);
        foreach (var entry in entries)
        {
            var proof = await log.InclusionProofAsync(entry.Index, size, ct);
            proven.Add(new ProvenEntry(entry.Index, Convert.ToBase64String(entry.Data), PartEvent.FromEntry(entry.Data), proof.Select(Convert.ToBase64String).ToList()));
        }
        return new PartHistoryBundle(log.Origin, serial, size, Convert.ToBase64String(root), note, proven);
    }

    private static async Task<IResult> Record(string serial, RecordPartEventRequest request, OrganizationScope scope, ProvenanceLog log, TimeProvider time, CancellationToken ct)
    {
        var normalized = Serials.Normalize(serial);
        var vin = request.Vin?.Trim().ToUpperInvariant();
        var check = new Validation()
            .Require(normalized is not null, "serial", Serials.Rule)
            .Require(request.Event is PartEvents.Manufactured or PartEvents.Installed or PartEvents.Removed, "event",
                "event must be manufactured, installed or removed (listed, sold and shipped are recorded by the marketplace itself).")
            .Require(request.Event is not PartEvents.Installed || (vin is { Length: 17 } && vin.All(char.IsAsciiLetterOrDigit)), "vin", "Installing needs the 17-character VIN of the vehicle.")
            .Require(request.PartNumber is null || request.PartNumber.Length <= 60, "partNumber", "partNumber is at most 60 characters.")
            .Require(request.Brand is null || request.Brand.Length <= 80, "brand", "brand is at most 80 characters.")
            .Require(request.Note is null || request.Note.Length <= 500, "note", "note is at most 500 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var @event = new PartEvent(normalized!, request.Event!, time.GetUtcNow().UtcDateTime, scope.OrganizationId,
            request.PartNumber?.Trim(), request.Brand?.Trim(), vin, Note: request.Note?.Trim());
        await log.SaveWithEventsAsync([@event], ct);
        return TypedResults.Created($"/api/v1/provenance/parts/{Uri.EscapeDataString(normalized!)}", await HistoryAsync(log, normalized!, ct));
    }
}

public static class Serials
{
    public const string Rule = "A serial number is 3 to 80 letters, digits, '-' or '.'.";

    /// <summary>Upper-case, trimmed; null when it is not a serial number.</summary>
    public static string? Normalize(string? serial)
    {
        var s = serial?.Trim().ToUpperInvariant();
        return s is { Length: >= 3 and <= 80 } && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? s : null;
    }
}
