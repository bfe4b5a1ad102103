using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// Share tokens of health reports. A token is base64url (RFC 4648 §5, no padding) of 44 bytes:
/// report id (16, big-endian GUID) ‖ share version (4, big-endian) ‖ expiry (8, big-endian Unix seconds) ‖ the first 16
/// bytes of HMAC-SHA256 over the 28 bytes before it. The HMAC key is derived from the server's signing key with HKDF-SHA256
/// (RFC 5869, info "pitlane.report-share"), so it is never the JWT key itself. Nothing about a token is stored: the
/// report's <see cref="DiagnosticReport.ShareVersion"/> is what revokes old ones.
/// </summary>
public sealed class ReportLinks
{
    private const int IdLength = 16;
    private const int SignedLength = IdLength + 4 + 8;
    private const int MacLength = 16;
    private const int TokenLength = SignedLength + MacLength;

    private readonly byte[] _key;

    public ReportLinks(IServerSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("pitlane.report-share", 32);
    }

    /// <summary>A token for <paramref name="reportId"/> at <paramref name="version"/>, valid until <paramref name="expiresAt"/> (to the second).</summary>
    public string Issue(Guid reportId, int version, DateTime expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        reportId.TryWriteBytes(token[..IdLength], bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(token.Slice(IdLength, 4), version);
        BinaryPrimitives.WriteInt64BigEndian(token.Slice(IdLength + 4, 8), new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc)).ToUnixTimeSeconds());
        Mac(token[..SignedLength], token[SignedLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The share URL of a report: {baseUrl}/r/{token}.</summary>
    public Uri Url(string baseUrl, DiagnosticReport report) =>
        new($"{baseUrl.TrimEnd('/')}/r/{Issue(report.Id, report.ShareVersion, report.ShareExpiresAt)}", UriKind.Absolute);

    /// <summary>
    /// The report a token opens, or null, for every reason alike (malformed, forged, expired, revoked, superseded by a newer
    /// share, not ready): callers answer 404 without saying which.
    /// </summary>
    public async Task<DiagnosticReport?> OpenAsync(DiagnosticsDbContext db, string? token, DateTime now, CancellationToken ct)
    {
        if (Read(token, now) is not { } claims)
        {
            return null;
        }
        var report = await db.DiagnosticReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == claims.ReportId, ct);
        return report is { Status: ReportStatus.Ready, RevokedAt: null, Pdf: not null, Content: not null }
            && report.ShareVersion == claims.Version
            && report.ShareExpiresAt > now
            ? report
            : null;
    }

    /// <summary>The claims of an authentic, unexpired token; null otherwise.</summary>
    internal (Guid ReportId, int Version)? Read(string? token, DateTime now)
    {
        // 44 bytes encode to 59 characters; anything else is not a token (and is not worth decoding).
        if (token is not { Length: 59 })
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[TokenLength];
        // The status form never throws (TryDecodeFromChars throws on non-zero unused bits in the last character).
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
