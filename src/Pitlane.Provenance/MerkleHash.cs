using System.Security.Cryptography;

namespace Pitlane.Provenance;

/// <summary>RFC 9162 §2.1.1 tree hashing with SHA-256: leaf = H(0x00 || entry), node = H(0x01 || left || right),
/// the empty tree = H("").</summary>
public static class MerkleHash
{
    public const int Size = 32;

    public static byte[] EmptyRoot() => SHA256.HashData([]);

    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([0x00]);
        sha.AppendData(entry);
        return sha.GetHashAndReset();
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Size];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>MTH of a list of leaf hashes by the RFC 9162 recursive definition (split at the largest power of two
    /// smaller than n). Used for small in-memory trees and inside a tile.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes) =>
        leafHashes.Count == 0 ? EmptyRoot() : Root(leafHashes, 0, leafHashes.Count);

    private static byte[] Root(IReadOnlyList<byte[]> hashes, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return hashes[start];
        }
        var k = (int)LargestPowerOfTwoBelow(n);
        return Node(Root(hashes, start, start + k), Root(hashes, start + k, end));
    }

    /// <summary>The largest power of two strictly smaller than n (n &gt; 1), where RFC 9162 splits a tree.</summary>
    public static long LargestPowerOfTwoBelow(long n) => 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)));

    public static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;
}
