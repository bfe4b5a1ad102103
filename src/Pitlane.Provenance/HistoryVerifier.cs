namespace Pitlane.Provenance;

public sealed record ProvenEntryInput(long Index, byte[] Entry, IReadOnlyList<byte[]> Proof);

public sealed record EntryCheck(long Index, bool Included);

/// <summary>The outcome of checking a part's history offline: the checkpoint's signature and each entry's inclusion.</summary>
public sealed record HistoryCheck(bool CheckpointValid, Checkpoint? Checkpoint, IReadOnlyList<EntryCheck> Entries)
{
    public bool AllValid => CheckpointValid && Entries.All(e => e.Included);
}

/// <summary>
/// Checks downloaded proofs with nothing but the log's public key: the checkpoint note must carry a valid Ed25519
/// signature by that key (and the expected origin), and every entry must be included in the tree it signs (RFC 9162
/// §2.1.3.2). Nothing is fetched: a verifier that trusts the key needs no trust in the server that sent the bundle.
/// </summary>
public static class HistoryVerifier
{
    public static HistoryCheck Verify(string checkpointNote, NoteVerifier key, string? expectedOrigin, IEnumerable<ProvenEntryInput> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var checkpoint = Checkpoint.Open(checkpointNote, key, expectedOrigin);
        if (checkpoint is null)
        {
            return new HistoryCheck(false, null, [.. entries.Select(e => new EntryCheck(e.Index, false))]);
        }
        var checks = entries.Select(e => new EntryCheck(e.Index,
            ProofVerifier.VerifyInclusion(e.Index, checkpoint.Size, MerkleHash.Leaf(e.Entry), e.Proof, checkpoint.RootHash))).ToList();
        return new HistoryCheck(true, checkpoint, checks);
    }
}
