using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Pitlane.Provenance;

/// <summary>C2SP signed-note with Ed25519 (algorithm byte 0x01). The key id is the first four bytes of
/// SHA-256(name || 0x0A || 0x01 || public key); a signature line is "— name base64(key id || signature)".</summary>
public static class SignedNote
{
    public const byte Ed25519Algorithm = 0x01;
    private const string SignaturePrefix = "\u2014 ";

    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(buffer, 0);
        buffer[nameBytes.Length] = 0x0A;
        buffer[nameBytes.Length + 1] = Ed25519Algorithm;
        publicKey.CopyTo(buffer.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(buffer));
    }

    internal static bool IsValidKeyName(string name) =>
        name.Length > 0 && !name.Any(c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>Signs text (which must end in a newline) and returns the note: text, a blank line, the signature.</summary>
    public static string Sign(string text, NoteSigner signer)
    {
        if (text.Length == 0 || !text.EndsWith('\n'))
        {
            throw new ArgumentException("A note's text must end in a newline.", nameof(text));
        }
        var signature = signer.Sign(Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, signer.KeyId);
        signature.CopyTo(blob, 4);
        return text + "\n" + SignaturePrefix + signer.Name + " " + Convert.ToBase64String(blob) + "\n";
    }

    /// <summary>Opens a note: returns its text when at least one signature is by the verifier and verifies, null
    /// otherwise (malformed note, unknown key, bad signature).</summary>
    public static string? Open(string note, NoteVerifier verifier)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            return null;
        }
        var text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        var message = Encoding.UTF8.GetBytes(text);
        var verified = false;
        foreach (var line in lines)
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                return null;
            }
            var parts = line[SignaturePrefix.Length..].Split(' ');
            if (parts.Length != 2)
            {
                return null;
            }
            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                return null;
            }
            if (blob.Length < 5)
            {
                return null;
            }
            if (parts[0] != verifier.Name || BinaryPrimitives.ReadUInt32BigEndian(blob) != verifier.KeyId)
            {
                continue; // another witness's signature: not ours to check
            }
            if (!verifier.Verify(message, blob.AsSpan(4)))
            {
                return null;
            }
            verified = true;
        }
        return verified ? text : null;
    }
}

public sealed class NoteSigner
{
    private readonly Ed25519PrivateKeyParameters privateKey;

    public string Name { get; }
    public uint KeyId { get; }
    public byte[] PublicKey { get; }

    public NoteSigner(string name, ReadOnlySpan<byte> seed)
    {
        if (!SignedNote.IsValidKeyName(name))
        {
            throw new ArgumentException("A key name must not be empty nor hold '+' or spaces.", nameof(name));
        }
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }
        privateKey = new Ed25519PrivateKeyParameters(seed.ToArray());
        PublicKey = privateKey.GeneratePublicKey().GetEncoded();
        Name = name;
        KeyId = SignedNote.KeyId(name, PublicKey);
    }

    public static NoteSigner Generate(string name) => new(name, RandomNumberGenerator.GetBytes(32));

    /// <summary>Parses the Go/C2SP private key form "PRIVATE+KEY+name+hexid+base64(0x01 || seed)".</summary>
    public static NoteSigner Parse(string key)
    {
        var parts = key.Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
        {
            throw new FormatException("Not a signed-note private key.");
        }
        var blob = DecodeKey(parts[4]);
        var signer = new NoteSigner(parts[2], blob.AsSpan(1));
        if (!uint.TryParse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id) || parts[3].Length != 8 || id != signer.KeyId)
        {
            throw new FormatException("The private key's id does not match its name and key.");
        }
        return signer;
    }

    internal static byte[] DecodeKey(string base64)
    {
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new FormatException("The key is not base64.", e);
        }
        if (blob.Length != 33 || blob[0] != SignedNote.Ed25519Algorithm)
        {
            throw new FormatException("Only Ed25519 keys (algorithm 0x01, 32 bytes) are supported.");
        }
        return blob;
    }

    public string PrivateKey => $"PRIVATE+KEY+{Name}+{KeyId:x8}+{Convert.ToBase64String([SignedNote.Ed25519Algorithm, .. privateKey.GetEncoded()])}";

    public string VerifierKey => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([SignedNote.Ed25519Algorithm, .. PublicKey])}";

    public byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, privateKey);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }
}

public sealed class NoteVerifier
{
    private readonly Ed25519PublicKeyParameters publicKey;

    public string Name { get; }
    public uint KeyId { get; }

    private NoteVerifier(string name, uint keyId, byte[] key)
    {
        Name = name;
        KeyId = keyId;
        publicKey = new Ed25519PublicKeyParameters(key);
    }

    /// <summary>Parses a verifier key "name+hexid+base64(0x01 || public key)", checking the id against the key.</summary>
    public static NoteVerifier Parse(string vkey)
    {
        var parts = vkey.Split('+', 3);
        if (parts.Length != 3 || !SignedNote.IsValidKeyName(parts[0]) || parts[1].Length != 8
            || !uint.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id))
        {
            throw new FormatException("Not a signed-note verifier key (name+id+key).");
        }
        var blob = NoteSigner.DecodeKey(parts[2]);
        var key = blob[1..];
        if (SignedNote.KeyId(parts[0], key) != id)
        {
            throw new FormatException("The verifier key's id does not match its name and key.");
        }
        return new NoteVerifier(parts[0], id, key);
    }

    public static bool TryParse(string vkey, out NoteVerifier? verifier)
    {
        try
        {
            verifier = Parse(vkey);
            return true;
        }
        catch (FormatException)
        {
            verifier = null;
            return false;
        }
    }

    public bool Verify(byte[] message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature.ToArray());
    }
}
