namespace Pitlane.Provenance.Tests;

/// <summary>The signed-note vector of golang.org/x/mod sumdb/note (the C2SP signed-note reference).</summary>
public sealed class SignedNoteTests
{
    private const string PrivateKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string VerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string Signed = Text + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    [Fact]
    public void Given_reference_private_key_Then_signature_matches_the_vector_byte_for_byte()
    {
        var signer = NoteSigner.Parse(PrivateKey);
        Assert.Equal(0xc74f20a3u, signer.KeyId);
        Assert.Equal(VerifierKey, signer.VerifierKey);
        Assert.Equal(PrivateKey, signer.PrivateKey);
        Assert.Equal(Signed, SignedNote.Sign(Text, signer));
    }

    [Fact]
    public void Given_reference_verifier_Then_note_opens_and_altered_note_does_not()
    {
        var verifier = NoteVerifier.Parse(VerifierKey);
        Assert.Equal(Text, SignedNote.Open(Signed, verifier));
        Assert.Null(SignedNote.Open(Signed.Replace("problem,", "problems,", StringComparison.Ordinal), verifier));
        Assert.Null(SignedNote.Open(Signed.Replace("x08go", "x08gp", StringComparison.Ordinal), verifier));
        Assert.Null(SignedNote.Open(Text, verifier));
        // A signature by another key only: nothing verifies.
        const string enoch = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
        Assert.Null(SignedNote.Open(Signed, NoteVerifier.Parse(enoch)));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")]
    [InlineData("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3")]
    public void Given_mangled_verifier_key_Then_it_is_rejected(string vkey)
    {
        Assert.False(NoteVerifier.TryParse(vkey, out _));
    }

    [Fact]
    public void Given_checkpoint_Then_it_signs_opens_and_checks_origin()
    {
        var signer = NoteSigner.Generate("pitlane.example/parts");
        var checkpoint = new Checkpoint("pitlane.example/parts", 42, MerkleHash.Leaf([1]));
        var note = checkpoint.Sign(signer);
        Assert.StartsWith("pitlane.example/parts\n42\n", note, StringComparison.Ordinal);
        var verifier = NoteVerifier.Parse(signer.VerifierKey);
        var opened = Checkpoint.Open(note, verifier, "pitlane.example/parts");
        Assert.NotNull(opened);
        Assert.Equal(42, opened.Size);
        Assert.Equal(checkpoint.RootHash, opened.RootHash);
        Assert.Null(Checkpoint.Open(note, verifier, "another.example/log"));
        Assert.Null(Checkpoint.Open(note.Replace("\n42\n", "\n43\n", StringComparison.Ordinal), verifier));
    }
}
