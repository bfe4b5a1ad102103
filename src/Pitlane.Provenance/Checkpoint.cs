using System.Globalization;

namespace Pitlane.Provenance;

/// <summary>A C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, each ending in a newline.</summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash)
{
    public string Body => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(RootHash)}\n";

    public string Sign(NoteSigner signer) => SignedNote.Sign(Body, signer);

    /// <summary>Parses a checkpoint body (extension lines after the third are allowed and ignored).</summary>
    public static Checkpoint? ParseBody(string body)
    {
        var lines = body.Split('\n');
        if (lines.Length < 4 || lines[^1] != "" || lines[0].Length == 0
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || size.ToString(CultureInfo.InvariantCulture) != lines[1])
        {
            return null;
        }
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return null;
        }
        return root.Length == MerkleHash.Size ? new Checkpoint(lines[0], size, root) : null;
    }

    /// <summary>Opens a signed checkpoint with the log's verifier key and checks its origin; null when anything fails.</summary>
    public static Checkpoint? Open(string signedNote, NoteVerifier verifier, string? expectedOrigin = null)
    {
        var body = SignedNote.Open(signedNote, verifier);
        var checkpoint = body is null ? null : ParseBody(body);
        return checkpoint is not null && (expectedOrigin is null || checkpoint.Origin == expectedOrigin) ? checkpoint : null;
    }
}
