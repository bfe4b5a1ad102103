namespace Pitlane.Provenance;

/// <summary>Reads hashes of complete subtrees from tiles. A hash at level k = 8L + r, index i is the root of the
/// 2^r level-8L hashes i·2^r.. in tile L, so each read touches one tile; tiles are cached for the reader's life.</summary>
public sealed class TileHashReader(ITileStore store)
{
    private readonly Dictionary<(int, long), byte[]> cache = [];

    public int TilesRead => cache.Count;

    /// <summary>Hash of the complete subtree at (level, index): leaves index·2^level .. (index+1)·2^level − 1.</summary>
    public async ValueTask<byte[]> SubtreeAsync(int level, long index, CancellationToken cancellationToken = default)
    {
        var tileLevel = level / TileLayout.Height;
        var r = level % TileLayout.Height;
        var first = index << r;
        var tileIndex = first / TileLayout.Width;
        var offset = (int)(first % TileLayout.Width);
        var count = 1 << r;
        if (!cache.TryGetValue((tileLevel, tileIndex), out var tile))
        {
            tile = await store.ReadTileAsync(tileLevel, tileIndex, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Tile {tileLevel}/{tileIndex} is missing from the store.");
            cache[(tileLevel, tileIndex)] = tile;
        }
        if (tile.Length < (offset + count) * MerkleHash.Size)
        {
            throw new InvalidOperationException($"Tile {tileLevel}/{tileIndex} is shorter than the tree needs.");
        }
        if (count == 1)
        {
            return tile.AsSpan(offset * MerkleHash.Size, MerkleHash.Size).ToArray();
        }
        var hashes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = tile.AsSpan((offset + i) * MerkleHash.Size, MerkleHash.Size).ToArray();
        }
        return MerkleHash.Root(hashes);
    }

    /// <summary>MTH(D[start:end]) for a subtree of the RFC 9162 recursion (start aligned to the split).</summary>
    public async ValueTask<byte[]> RangeAsync(long start, long end, CancellationToken cancellationToken = default)
    {
        var n = end - start;
        if (MerkleHash.IsPowerOfTwo(n) && start % n == 0)
        {
            var level = System.Numerics.BitOperations.Log2((ulong)n);
            return await SubtreeAsync(level, start >> level, cancellationToken).ConfigureAwait(false);
        }
        var k = MerkleHash.LargestPowerOfTwoBelow(n);
        var left = await RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false);
        var right = await RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false);
        return MerkleHash.Node(left, right);
    }
}

/// <summary>An append-only RFC 9162 log over tiles: appends write only the tiles they change, and tree heads and
/// proofs read O(log n) hashes, never the whole tree.</summary>
public static class TileLog
{
    public static async ValueTask<byte[]> RootAsync(ITileStore store, long treeSize, CancellationToken cancellationToken = default)
    {
        if (treeSize == 0)
        {
            return MerkleHash.EmptyRoot();
        }
        return await new TileHashReader(store).RangeAsync(0, treeSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 9162 §2.1.3.1 PATH(m, D[n]), deepest sibling first.</summary>
    public static async ValueTask<IReadOnlyList<byte[]>> InclusionProofAsync(ITileStore store, long index, long treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, treeSize);
        var reader = new TileHashReader(store);
        var path = new List<byte[]>();
        await PathAsync(reader, index, 0, treeSize, path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private static async ValueTask PathAsync(TileHashReader reader, long m, long start, long end, List<byte[]> path, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (n == 1)
        {
            return;
        }
        var k = MerkleHash.LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            await PathAsync(reader, m, start, start + k, path, cancellationToken).ConfigureAwait(false);
            path.Add(await reader.RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await PathAsync(reader, m - k, start + k, end, path, cancellationToken).ConfigureAwait(false);
            path.Add(await reader.RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 &lt; m &lt; n; empty when m is 0 or n.</summary>
    public static async ValueTask<IReadOnlyList<byte[]>> ConsistencyProofAsync(ITileStore store, long size1, long size2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        var proof = new List<byte[]>();
        if (size1 == 0 || size1 == size2)
        {
            return proof;
        }
        await SubProofAsync(new TileHashReader(store), size1, 0, size2, true, proof, cancellationToken).ConfigureAwait(false);
        return proof;
    }

    private static async ValueTask SubProofAsync(TileHashReader reader, long m, long start, long end, bool complete, List<byte[]> proof, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(await reader.RangeAsync(start, end, cancellationToken).ConfigureAwait(false));
            }
            return;
        }
        var k = MerkleHash.LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            await SubProofAsync(reader, m, start, start + k, complete, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await reader.RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await SubProofAsync(reader, m - k, start + k, end, false, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await reader.RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Appends entries to a log of <paramref name="treeSize"/> entries and writes the changed tiles in one
    /// call. Returns the new size and root. The right edge (one complete subtree per set bit of the size) is read
    /// from the tiles, so appending needs no full recompute.</summary>
    public static async ValueTask<(long Size, byte[] Root)> AppendAsync(ITileStore store, long treeSize, IReadOnlyList<byte[]> entries, CancellationToken cancellationToken = default)
    {
        var leafHashes = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            leafHashes[i] = MerkleHash.Leaf(entries[i]);
        }
        return await AppendLeafHashesAsync(store, treeSize, leafHashes, cancellationToken).ConfigureAwait(false);
    }

    public static async ValueTask<(long Size, byte[] Root)> AppendLeafHashesAsync(ITileStore store, long treeSize, IReadOnlyList<byte[]> leafHashes, CancellationToken cancellationToken = default)
    {
        var reader = new TileHashReader(store);
        // The right edge: (level, hash) of each complete subtree, largest first.
        var edge = new List<(int Level, byte[] Hash)>();
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((treeSize & (1L << level)) != 0)
            {
                edge.Add((level, await reader.SubtreeAsync(level, start >> level, cancellationToken).ConfigureAwait(false)));
                start += 1L << level;
            }
        }

        var dirty = new Dictionary<(int, long), MemoryStream>();
        async ValueTask Store(int level, long index, byte[] hash)
        {
            if (level % TileLayout.Height != 0)
            {
                return;
            }
            var tileLevel = level / TileLayout.Height;
            var tileIndex = index / TileLayout.Width;
            if (!dirty.TryGetValue((tileLevel, tileIndex), out var buffer))
            {
                buffer = new MemoryStream();
                var existing = await store.ReadTileAsync(tileLevel, tileIndex, cancellationToken).ConfigureAwait(false);
                var keep = (int)(index % TileLayout.Width) * MerkleHash.Size;
                if (existing is not null)
                {
                    if (existing.Length < keep)
                    {
                        throw new InvalidOperationException($"Tile {tileLevel}/{tileIndex} is shorter than the tree needs.");
                    }
                    buffer.Write(existing, 0, keep);
                }
                dirty[(tileLevel, tileIndex)] = buffer;
            }
            buffer.Write(hash);
        }

        var size = treeSize;
        foreach (var leaf in leafHashes)
        {
            var hash = leaf;
            var level = 0;
            var index = size;
            await Store(0, index, hash).ConfigureAwait(false);
            while (edge.Count > 0 && edge[^1].Level == level)
            {
                hash = MerkleHash.Node(edge[^1].Hash, hash);
                edge.RemoveAt(edge.Count - 1);
                level++;
                index >>= 1;
                await Store(level, index, hash).ConfigureAwait(false);
            }
            edge.Add((level, hash));
            size++;
        }

        if (dirty.Count > 0)
        {
            await store.WriteTilesAsync(
                [.. dirty.Select(d => new TileData(d.Key.Item1, d.Key.Item2, d.Value.ToArray()))],
                cancellationToken).ConfigureAwait(false);
        }

        var root = size == 0 ? MerkleHash.EmptyRoot() : edge[^1].Hash;
        for (var i = edge.Count - 2; i >= 0; i--)
        {
            root = MerkleHash.Node(edge[i].Hash, root);
        }
        return (size, root);
    }
}
