using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Pitlane.Platform.Tenancy;

/// <summary>
/// The house pattern of signed links (report shares, approval links, media links): base64url (RFC 4648 §5, no padding)
/// of id (16, big-endian GUID) ‖ [version (4, big-endian)] ‖ expiry (8, big-endian Unix seconds) ‖ the first 16 bytes
/// of HMAC-SHA256 over the bytes before it, keyed with HKDF-SHA256 (RFC 5869) of the server secret under a purpose of
/// its own, so a token of one kind never opens another. Nothing is stored per token: revocation is a version the owner
/// bumps (or the thing deleted). Every malformed, forged or expired token reads as null alike.
/// </summary>
public sealed class SignedIdTokens
{
    private const int IdLength = 16;
    private const int VersionLength = 4;
    private const int ExpiryLength = 8;
    private const int MacLength = 16;

    private readonly byte[] _key;
    private readonly bool _versioned;
    private readonly int _signedLength;

    /// <param name="purpose">The HKDF info, e.g. "pitlane.media-link": one per kind of link.</param>
    /// <param name="versioned">Whether the token carries a version (44 bytes, 59 characters) or not (40 bytes, 54).</param>
    public SignedIdTokens(IServerSecret secret, string purpose, bool versioned)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey(purpose, 32);
        _versioned = versioned;
        _signedLength = IdLength + (versioned ? VersionLength : 0) + ExpiryLength;
        TokenChars = ((_signedLength + MacLength) * 4 + 2) / 3;
    }

    /// <summary>Characters of a token (base64url without padding).</summary>
    public int TokenChars { get; }

    private int TokenLength => _signedLength + MacLength;

    public string Issue(Guid id, int version, DateTime expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        id.TryWriteBytes(token[..IdLength], bigEndian: true, out _);
        if (_versioned)
        {
            BinaryPrimitives.WriteInt32BigEndian(token.Slice(IdLength, VersionLength), version);
        }
        BinaryPrimitives.WriteInt64BigEndian(token.Slice(_signedLength - ExpiryLength, ExpiryLength), ToUnix(expiresAt));
        Mac(token[.._signedLength], token[_signedLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The id and version (0 when unversioned) of an authentic, unexpired token; null for every other string alike.</summary>
    public (Guid Id, int Version)? Read(string? token, DateTime now)
    {
        // Anything of another length is not a token, and is not worth decoding.
        if (token is null || token.Length != TokenChars)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[TokenLength];
        // The status form never throws (TryDecodeFromChars throws on non-zero unused bits in the last character);
        // re-encoding rejects a variant whose unused bits differ but decodes to the same bytes.
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != TokenLength
            || !string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            return null;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[.._signedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[_signedLength..]))
        {
            return null;
        }
        if (BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(_signedLength - ExpiryLength, ExpiryLength)) <= ToUnix(now))
        {
            return null;
        }
        var version = _versioned ? BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(IdLength, VersionLength)) : 0;
        return (new Guid(bytes[..IdLength], bigEndian: true), version);
    }

    private static long ToUnix(DateTime instant) => new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc)).ToUnixTimeSeconds();

    private void Mac(ReadOnlySpan<byte> signed, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, signed, full);
        full[..MacLength].CopyTo(mac);
    }
}
