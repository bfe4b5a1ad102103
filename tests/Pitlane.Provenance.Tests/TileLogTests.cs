using System.Text;

namespace Pitlane.Provenance.Tests;

public sealed class TileLogTests
{
    private static byte[] Entry(long i) => Encoding.UTF8.GetBytes($"entry {i}");

    [Fact]
    public async Task Given_appends_in_batches_Then_roots_match_the_recursive_definition_across_tile_levels()
    {
        // 70 000 entries: three tile levels (level 2 starts at 65 536), appended in uneven batches.
        const int count = 70_000;
        var store = new MemoryTileStore();
        var leaves = new List<byte[]>(count);
        long size = 0;
        var random = new Random(7);
        while (size < count)
        {
            var batch = (int)Math.Min(count - size, random.Next(1, 700));
            var entries = Enumerable.Range(0, batch).Select(i => Entry(size + i)).ToArray();
            leaves.AddRange(entries.Select(e => MerkleHash.Leaf(e)));
            (size, _) = await TileLog.AppendAsync(store, size, entries);
        }
        foreach (var n in new long[] { 1, 255, 256, 257, 65_535, 65_536, 65_537, count })
        {
            Assert.Equal(MerkleHash.Root(leaves.Take((int)n).ToList()), await TileLog.RootAsync(store, n));
        }
    }

    [Fact]
    public async Task Given_every_small_tree_Then_every_inclusion_and_consistency_proof_verifies()
    {
        var store = new MemoryTileStore();
        var leaves = new List<byte[]>();
        for (long n = 1; n <= 40; n++)
        {
            await TileLog.AppendAsync(store, n - 1, [Entry(n - 1)]);
            leaves.Add(MerkleHash.Leaf(Entry(n - 1)));
        }
        for (var n = 1; n <= 40; n++)
        {
            var root = MerkleHash.Root(leaves.Take(n).ToList());
            for (var i = 0; i < n; i++)
            {
                var proof = await TileLog.InclusionProofAsync(store, i, n);
                Assert.True(ProofVerifier.VerifyInclusion(i, n, leaves[i], proof, root), $"inclusion {i} in {n}");
                Assert.False(ProofVerifier.VerifyInclusion(i, n, leaves[(i + 1) % n == i ? i : (i + 1) % n], proof, root) && n > 1, $"wrong leaf {i} in {n}");
            }
            for (var m = 0; m <= n; m++)
            {
                var proof = await TileLog.ConsistencyProofAsync(store, m, n);
                var oldRoot = MerkleHash.Root(leaves.Take(m).ToList());
                Assert.True(ProofVerifier.VerifyConsistency(m, n, oldRoot, root, proof), $"consistency {m} to {n}");
            }
        }
    }

    [Fact]
    public async Task Given_altered_stored_entry_Then_its_inclusion_proof_fails_against_the_signed_root()
    {
        var store = new MemoryTileStore();
        var entries = Enumerable.Range(0, 1000).Select(i => Entry(i)).ToArray();
        var (size, root) = await TileLog.AppendAsync(store, 0, entries);
        var proof = await TileLog.InclusionProofAsync(store, 421, size);
        Assert.True(ProofVerifier.VerifyInclusion(421, size, MerkleHash.Leaf(entries[421]), proof, root));

        var altered = Encoding.UTF8.GetBytes("entry 421 (installed on another VIN)");
        Assert.False(ProofVerifier.VerifyInclusion(421, size, MerkleHash.Leaf(altered), proof, root));

        // Rewriting the stored leaf hash in its tile: proofs the log now serves no longer match the signed root.
        var tile = (await store.ReadTileAsync(0, 1))!;
        MerkleHash.Leaf(altered).CopyTo(tile, (421 - 256) * MerkleHash.Size);
        await store.WriteTilesAsync([new TileData(0, 1, tile)]);
        var neighbour = await TileLog.InclusionProofAsync(store, 420, size);
        Assert.False(ProofVerifier.VerifyInclusion(420, size, MerkleHash.Leaf(entries[420]), neighbour, root));
        var forged = await TileLog.InclusionProofAsync(store, 421, size);
        Assert.False(ProofVerifier.VerifyInclusion(421, size, MerkleHash.Leaf(altered), forged, root));
    }

    [Fact]
    public async Task Given_two_checkpoints_Then_consistency_between_them_verifies()
    {
        var store = new MemoryTileStore();
        var (size1, root1) = await TileLog.AppendAsync(store, 0, Enumerable.Range(0, 777).Select(i => Entry(i)).ToArray());
        var (size2, root2) = await TileLog.AppendAsync(store, size1, Enumerable.Range(777, 5000).Select(i => Entry(i)).ToArray());
        var proof = await TileLog.ConsistencyProofAsync(store, size1, size2);
        Assert.True(ProofVerifier.VerifyConsistency(size1, size2, root1, root2, proof));
        Assert.False(ProofVerifier.VerifyConsistency(size1, size2, root2, root1, proof));
    }

    [Fact]
    public async Task Given_large_tree_Then_a_proof_reads_few_tiles()
    {
        var store = new MemoryTileStore();
        var batch = Enumerable.Range(0, 100_000).Select(i => MerkleHash.Leaf(Entry(i))).ToArray();
        var (size, root) = await TileLog.AppendLeafHashesAsync(store, 0, batch);
        store.Reads = 0;
        var proof = await TileLog.InclusionProofAsync(store, 54_321, size);
        Assert.True(ProofVerifier.VerifyInclusion(54_321, size, batch[54_321], proof, root));
        Assert.InRange(store.Reads, 1, 3 * 17);
    }

    [Theory]
    [InlineData(0, "000")]
    [InlineData(67, "067")]
    [InlineData(1234067, "x001/x234/067")]
    public void Tile_index_encoding_follows_tlog_tiles(long index, string encoded)
    {
        Assert.Equal(encoded, TileLayout.EncodeIndex(index));
        Assert.Equal(index, TileLayout.DecodeIndex(encoded));
    }

    [Fact]
    public void Tile_paths_and_entry_bundles_follow_tlog_tiles()
    {
        Assert.Equal("tile/0/x001/x234/067", TileLayout.TilePath(0, 1234067, 256));
        Assert.Equal("tile/1/000.p/7", TileLayout.TilePath(1, 0, 7));
        Assert.Equal("tile/entries/002.p/3", TileLayout.EntriesPath(2, 3));
        Assert.Null(TileLayout.DecodeIndex("x000/001"));
        Assert.Equal(3, TileLayout.WidthAt(0, 1, 259));
        Assert.Equal(1, TileLayout.WidthAt(1, 0, 259));
        var bundle = TileLayout.EntryBundle([[1, 2], [], [3]]);
        Assert.Equal(new byte[] { 0, 2, 1, 2, 0, 0, 0, 1, 3 }, bundle);
        Assert.Equal(3, TileLayout.ParseEntryBundle(bundle).Count);
    }
}
