using System.Text.Json;

namespace Pitlane.Provenance.Tests;

/// <summary>Independent vectors: the RFC 6962/9162 reference tree (Certificate Transparency's eight leaves and
/// roots) and real responses of Google's Argon 2020 CT log as kept in golang.org/x/mod sumdb/tlog's testdata.</summary>
public sealed class Rfc9162VectorTests
{
    internal static readonly byte[][] ReferenceLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public async Task Given_reference_leaves_Then_tile_log_roots_match_every_size()
    {
        var store = new MemoryTileStore();
        Assert.Equal(ReferenceRoots[0], Convert.ToHexStringLower(await TileLog.RootAsync(store, 0)));
        long size = 0;
        for (var n = 1; n <= ReferenceLeaves.Length; n++)
        {
            var (newSize, root) = await TileLog.AppendAsync(store, size, [ReferenceLeaves[n - 1]]);
            size = newSize;
            Assert.Equal(ReferenceRoots[n], Convert.ToHexStringLower(root));
            Assert.Equal(ReferenceRoots[n], Convert.ToHexStringLower(await TileLog.RootAsync(store, n)));
        }
    }

    [Theory]
    [InlineData(0, new[] { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" })]
    [InlineData(5, new[] { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" })]
    public async Task Given_reference_tree_Then_inclusion_proof_matches_published_path(long index, string[] expected)
    {
        var store = new MemoryTileStore();
        await TileLog.AppendAsync(store, 0, ReferenceLeaves);
        var proof = await TileLog.InclusionProofAsync(store, index, 8);
        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        var root = Convert.FromHexString(ReferenceRoots[8]);
        Assert.True(ProofVerifier.VerifyInclusion(index, 8, MerkleHash.Leaf(ReferenceLeaves[index]), proof, root));
    }

    private static JsonElement Vector(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", name))).RootElement;

    private static byte[][] Hashes(JsonElement array) => [.. array.EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!))];

    [Fact]
    public void Given_argon2020_inclusion_proof_Then_it_verifies_and_an_altered_entry_does_not()
    {
        var sth = Vector("argon2020-sth.json");
        var size = sth.GetProperty("tree_size").GetInt64();
        var root = Convert.FromBase64String(sth.GetProperty("sha256_root_hash").GetString()!);
        var entry = Convert.FromBase64String(Vector("argon2020-entries.json").GetProperty("entries")[0].GetProperty("leaf_input").GetString()!);
        var proofJson = Vector("argon2020-proof.json");
        var index = proofJson.GetProperty("leaf_index").GetInt64();
        var proof = Hashes(proofJson.GetProperty("audit_path"));

        Assert.True(ProofVerifier.VerifyInclusion(index, size, MerkleHash.Leaf(entry), proof, root));

        entry[^3] ^= 0x01;
        Assert.False(ProofVerifier.VerifyInclusion(index, size, MerkleHash.Leaf(entry), proof, root));
        entry[^3] ^= 0x01;
        Assert.False(ProofVerifier.VerifyInclusion(index + 1, size, MerkleHash.Leaf(entry), proof, root));
        Assert.False(ProofVerifier.VerifyInclusion(index, size, MerkleHash.Leaf(entry), proof[..^1], root));
    }

    [Fact]
    public void Given_argon2020_consistency_proof_Then_it_verifies_and_a_wrong_old_root_does_not()
    {
        var sth = Vector("argon2020-sth.json");
        var size = sth.GetProperty("tree_size").GetInt64();
        var root = Convert.FromBase64String(sth.GetProperty("sha256_root_hash").GetString()!);
        var consistency = Vector("argon2020-consistency.json");
        var first = consistency.GetProperty("first").GetInt64();
        var firstRoot = Convert.FromBase64String(consistency.GetProperty("first_root").GetString()!);
        var proof = Hashes(consistency.GetProperty("consistency"));

        Assert.True(ProofVerifier.VerifyConsistency(first, size, firstRoot, root, proof));

        firstRoot[0] ^= 0x80;
        Assert.False(ProofVerifier.VerifyConsistency(first, size, firstRoot, root, proof));
        firstRoot[0] ^= 0x80;
        Assert.False(ProofVerifier.VerifyConsistency(first + 1, size, firstRoot, root, proof));
        Assert.False(ProofVerifier.VerifyConsistency(first, size, firstRoot, root, proof[1..]));
    }
}
