using System.Text;
using BenchmarkDotNet.Attributes;
using Pitlane.Provenance;

namespace Pitlane.Benchmarks;

/// <summary>
/// Provenance log (issue 17): a log of 1 million part events kept as C2SP tiles. Appends per second (a batch of 1000
/// events onto the 1M-entry log, tiles rewritten), inclusion and consistency proof generation at 1M, and the tree head.
/// The reference is what a log without stored interior hashes does for one tree head: recompute MTH over all 1M leaf
/// hashes.
/// </summary>
[MemoryDiagnoser]
public class ProvenanceBenchmarks
{
    private const int Size = 1_000_000;
    private byte[][] _leafHashes = null!;
    private byte[][] _batch = null!;
    private MemoryTileStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _leafHashes = new byte[Size][];
        for (var i = 0; i < Size; i++)
        {
            _leafHashes[i] = MerkleHash.Leaf(Encoding.UTF8.GetBytes($"{{\"serial\":\"SN{i:D8}\",\"event\":\"installed\",\"vin\":\"WVWZZZ1KZAW{i % 1_000_000:D6}\"}}"));
        }
        _store = new MemoryTileStore();
        TileLog.AppendLeafHashesAsync(_store, 0, _leafHashes).AsTask().GetAwaiter().GetResult();
        _batch = [.. Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"{{\"serial\":\"NEW{i:D6}\",\"event\":\"listed\"}}"))];
    }

    [Benchmark(Baseline = true)]
    public byte[] Reference_full_recompute_of_the_tree_head() => MerkleHash.Root(_leafHashes);

    [Benchmark]
    public async Task<byte[]> Tree_head_from_tiles() => await TileLog.RootAsync(_store, Size);

    /// <summary>A fresh store per call would measure copying; instead each call appends onto a copy-on-write view of
    /// the 1M log, so every call starts at exactly 1M entries.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public async Task<long> Append_1000_events_at_1M()
    {
        var (size, _) = await TileLog.AppendAsync(new OverlayStore(_store), Size, _batch);
        return size;
    }

    [Benchmark]
    public async Task<int> Inclusion_proof_at_1M()
    {
        var index = (_next = (_next + 7919) % Size);
        var proof = await TileLog.InclusionProofAsync(_store, index, Size);
        return proof.Count;
    }

    [Benchmark]
    public async Task<int> Consistency_proof_at_1M()
    {
        var old = 1 + (_next = (_next + 7919) % (Size - 1));
        var proof = await TileLog.ConsistencyProofAsync(_store, old, Size);
        return proof.Count;
    }

    private sealed class OverlayStore(ITileStore inner) : ITileStore
    {
        private readonly Dictionary<(int, long), byte[]> written = [];

        public ValueTask<byte[]?> ReadTileAsync(int level, long index, CancellationToken cancellationToken = default) =>
            written.TryGetValue((level, index), out var tile) ? ValueTask.FromResult<byte[]?>(tile) : inner.ReadTileAsync(level, index, cancellationToken);

        public ValueTask WriteTilesAsync(IReadOnlyList<TileData> tiles, CancellationToken cancellationToken = default)
        {
            foreach (var tile in tiles)
            {
                written[(tile.Level, tile.Index)] = tile.Hashes;
            }
            return ValueTask.CompletedTask;
        }
    }
}
