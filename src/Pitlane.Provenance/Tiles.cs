using System.Globalization;
using System.Text;

namespace Pitlane.Provenance;

/// <summary>Where a log keeps its hash tiles (C2SP tlog-tiles, height 8): the tile at level L, index N holds the
/// hashes of level 8L, indices 256N..256N+255, concatenated (32 bytes each). A partial tile holds fewer and only
/// ever grows; its prefix never changes, so a tile read for a larger tree serves every smaller one.</summary>
public interface ITileStore
{
    /// <summary>The tile's hashes, or null when no hash of it is stored yet.</summary>
    ValueTask<byte[]?> ReadTileAsync(int level, long index, CancellationToken cancellationToken = default);

    ValueTask WriteTilesAsync(IReadOnlyList<TileData> tiles, CancellationToken cancellationToken = default);
}

public sealed record TileData(int Level, long Index, byte[] Hashes)
{
    public int Width => Hashes.Length / MerkleHash.Size;
}

public static class TileLayout
{
    public const int Height = 8;
    public const int Width = 1 << Height;

    /// <summary>C2SP tlog-tiles path: "tile/L/N[.p/W]" with N written in groups of three digits, every group but
    /// the last prefixed by "x" (1234067 → x001/x234/067).</summary>
    public static string TilePath(int level, long index, int width) =>
        $"tile/{level.ToString(CultureInfo.InvariantCulture)}/{EncodeIndex(index)}{PartialSuffix(width)}";

    public static string EntriesPath(long index, int width) => $"tile/entries/{EncodeIndex(index)}{PartialSuffix(width)}";

    private static string PartialSuffix(int width) =>
        width == Width ? "" : ".p/" + width.ToString(CultureInfo.InvariantCulture);

    public static string EncodeIndex(long n)
    {
        var groups = new List<string>();
        do
        {
            groups.Add((n % 1000).ToString("000", CultureInfo.InvariantCulture));
            n /= 1000;
        }
        while (n > 0);
        groups.Reverse();
        var builder = new StringBuilder();
        for (var i = 0; i < groups.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }
            if (i < groups.Count - 1)
            {
                builder.Append('x');
            }
            builder.Append(groups[i]);
        }
        return builder.ToString();
    }

    /// <summary>Parses the index part of a tile path ("x001/x234/067"); null when it is not canonical.</summary>
    public static long? DecodeIndex(string encoded)
    {
        var parts = encoded.Split('/');
        long n = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            if (!last)
            {
                if (!part.StartsWith('x'))
                {
                    return null;
                }
                part = part[1..];
            }
            if (part.Length != 3 || !part.All(char.IsAsciiDigit) || n > long.MaxValue / 1000)
            {
                return null;
            }
            n = n * 1000 + int.Parse(part, CultureInfo.InvariantCulture);
        }
        // Canonical form: no leading zero groups.
        return EncodeIndex(n) == encoded ? n : null;
    }

    /// <summary>The width of tile (level, index) in a tree of the given size: 256 for a full tile, fewer for the
    /// right edge, 0 when the tile does not exist yet.</summary>
    public static int WidthAt(int level, long index, long treeSize)
    {
        var hashesAtLevel = treeSize >> (Height * level);
        var remaining = hashesAtLevel - index * Width;
        return remaining <= 0 ? 0 : (int)Math.Min(Width, remaining);
    }

    /// <summary>C2SP entry bundle: each entry as a big-endian uint16 length and its bytes.</summary>
    public static byte[] EntryBundle(IEnumerable<byte[]> entries)
    {
        using var stream = new MemoryStream();
        foreach (var entry in entries)
        {
            if (entry.Length > ushort.MaxValue)
            {
                throw new ArgumentException("An entry is longer than 65535 bytes.", nameof(entries));
            }
            stream.WriteByte((byte)(entry.Length >> 8));
            stream.WriteByte((byte)entry.Length);
            stream.Write(entry);
        }
        return stream.ToArray();
    }

    public static IReadOnlyList<byte[]> ParseEntryBundle(ReadOnlySpan<byte> bundle)
    {
        var entries = new List<byte[]>();
        while (bundle.Length > 0)
        {
            if (bundle.Length < 2)
            {
                throw new FormatException("Truncated entry bundle.");
            }
            var length = (bundle[0] << 8) | bundle[1];
            if (bundle.Length < 2 + length)
            {
                throw new FormatException("Truncated entry bundle.");
            }
            entries.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }
        return entries;
    }
}

/// <summary>An in-memory tile store, for tests, benchmarks and the offline verifier.</summary>
public sealed class MemoryTileStore : ITileStore
{
    private readonly Dictionary<(int, long), byte[]> tiles = [];

    public int Count => tiles.Count;

    public ValueTask<byte[]?> ReadTileAsync(int level, long index, CancellationToken cancellationToken = default)
    {
        Reads++;
        return ValueTask.FromResult(tiles.GetValueOrDefault((level, index)));
    }

    public ValueTask WriteTilesAsync(IReadOnlyList<TileData> written, CancellationToken cancellationToken = default)
    {
        foreach (var tile in written)
        {
            tiles[(tile.Level, tile.Index)] = tile.Hashes;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Counts reads, to show that a proof touches O(log n) tiles.</summary>
    public int Reads { get; set; }
}
