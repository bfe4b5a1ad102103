using System.Buffers.Text;
using System.Security.Cryptography;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>
/// The invitation link's token: base64url of id (16 bytes) ‖ random secret (16) ‖ HMAC-SHA256(id ‖ secret) (32) under a
/// key derived from the server secret for this purpose alone. A changed character fails the HMAC before any database
/// read; the store keeps only SHA-256 of the 64 bytes, so a copy of the database yields no usable link.
/// </summary>
public sealed class InvitationLinks(IServerSecret secret)
{
    private const int IdLength = 16;
    private const int SecretLength = 16;
    private const int MacLength = 32;
    private const int Length = IdLength + SecretLength + MacLength;

    /// <summary>The longest token text (86 characters) this reads; anything longer is not a link of ours.</summary>
    public const int MaxTokenLength = 86;

    private readonly byte[] _key = secret.DeriveKey("pitlane/accounts/invitation-links/v1", 32);

    public (string Token, byte[] Hash) Issue(Guid id)
    {
        var raw = new byte[Length];
        id.TryWriteBytes(raw.AsSpan(0, IdLength));
        RandomNumberGenerator.Fill(raw.AsSpan(IdLength, SecretLength));
        HMACSHA256.HashData(_key, raw.AsSpan(0, IdLength + SecretLength), raw.AsSpan(IdLength + SecretLength));
        return (Base64Url.EncodeToString(raw), SHA256.HashData(raw));
    }

    /// <summary>The invitation id and the hash to compare with the stored one, or null when the token is not one this server signed.</summary>
    public (Guid Id, byte[] Hash)? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }
        Span<byte> raw = stackalloc byte[Length + 3];
        if (!Base64Url.IsValid(token) || !Base64Url.TryDecodeFromChars(token, raw, out var written) || written != Length)
        {
            return null;
        }
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, raw[..(IdLength + SecretLength)], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw.Slice(IdLength + SecretLength, MacLength)))
        {
            return null;
        }
        return (new Guid(raw[..IdLength]), SHA256.HashData(raw[..Length]));
    }
}
