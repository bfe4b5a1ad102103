using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Media;

/// <summary>
/// Signed links to one file: base64url (RFC 4648 §5, no padding) of 40 bytes: media id (16, big-endian GUID) ‖ expiry
/// (8, big-endian Unix seconds) ‖ the first 16 bytes of HMAC-SHA256 over the 24 bytes before it, keyed with HKDF-SHA256
/// of the server secret (info "pitlane.media-link"). Nothing is stored per link; deleting the file ends every link to it.
/// </summary>
public sealed class MediaLinks
{
    private const int IdLength = 16;
    private const int SignedLength = IdLength + 8;
    private const int MacLength = 16;
    private const int TokenLength = SignedLength + MacLength;

    /// <summary>Characters of a token: 40 bytes in base64url without padding.</summary>
    public const int TokenChars = 54;

    private readonly byte[] _key;

    public MediaLinks(IServerSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("pitlane.media-link", 32);
    }

    public string Issue(Guid id, DateTime expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        id.TryWriteBytes(token[..IdLength], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(token.Slice(IdLength, 8), new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc)).ToUnixTimeSeconds());
        Mac(token[..SignedLength], token[SignedLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The media id of an authentic, unexpired token; null for every other case alike.</summary>
    public Guid? Read(string? token, DateTime now)
    {
        if (token is not { Length: TokenChars })
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[TokenLength];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != TokenLength
            || !string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            return null;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..SignedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[SignedLength..]))
        {
            return null;
        }
        var expires = BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(IdLength, 8));
        if (expires <= new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)).ToUnixTimeSeconds())
        {
            return null;
        }
        return new Guid(bytes[..IdLength], bigEndian: true);
    }

    private void Mac(ReadOnlySpan<byte> signed, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, signed, full);
        full[..MacLength].CopyTo(mac);
    }
}
