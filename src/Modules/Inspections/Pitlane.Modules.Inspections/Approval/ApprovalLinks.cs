using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Approval;

/// <summary>
/// Approval link tokens, in the house pattern of report share links: base64url (RFC 4648 §5, no padding) of 44 bytes:
/// inspection id (16, big-endian GUID) ‖ share version (4, big-endian) ‖ expiry (8, big-endian Unix seconds) ‖ the first
/// 16 bytes of HMAC-SHA256 over the 28 bytes before it, keyed by HKDF-SHA256 (RFC 5869) of the server secret with info
/// "pitlane.inspection-approval". Nothing about a token is stored: the inspection's share version revokes old ones.
/// </summary>
public sealed class ApprovalLinks
{
    public const string PathPrefix = "/i/";
    private const int IdLength = 16;
    private const int SignedLength = IdLength + 4 + 8;
    private const int MacLength = 16;
    private const int TokenLength = SignedLength + MacLength;
    private const int TokenChars = 59;

    private readonly byte[] _key;

    public ApprovalLinks(IServerSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("pitlane.inspection-approval", 32);
    }

    public string Issue(Guid inspectionId, int version, DateTime expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        inspectionId.TryWriteBytes(token[..IdLength], bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(token.Slice(IdLength, 4), version);
        BinaryPrimitives.WriteInt64BigEndian(token.Slice(IdLength + 4, 8), new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc)).ToUnixTimeSeconds());
        Mac(token[..SignedLength], token[SignedLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The claims of an authentic, unexpired token; null for every other string alike.</summary>
    public (Guid InspectionId, int Version)? Read(string? token, DateTime now)
    {
        if (token is not { Length: TokenChars })
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[TokenLength];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != TokenLength)
        {
            return null;
        }
        // The last character carries two unused bits: re-encoding rejects a variant that decodes to the same bytes.
        if (!string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            return null;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..SignedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[SignedLength..]))
        {
            return null;
        }
        var expires = BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(IdLength + 4, 8));
        if (expires <= new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)).ToUnixTimeSeconds())
        {
            return null;
        }
        return (new Guid(bytes[..IdLength], bigEndian: true), BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(IdLength, 4)));
    }

    private void Mac(ReadOnlySpan<byte> signed, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, signed, full);
        full[..MacLength].CopyTo(mac);
    }
}
