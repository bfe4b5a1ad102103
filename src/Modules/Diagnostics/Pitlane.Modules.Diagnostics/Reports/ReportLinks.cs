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
public sealed class ReportLinks(IServerSecret secret)
{
    private readonly SignedIdTokens _tokens = new(secret, "pitlane.report-share", versioned: true);

    /// <summary>A token for <paramref name="reportId"/> at <paramref name="version"/>, valid until <paramref name="expiresAt"/> (to the second).</summary>
    public string Issue(Guid reportId, int version, DateTime expiresAt)
        => _tokens.Issue(reportId, version, expiresAt);

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
    internal (Guid ReportId, int Version)? Read(string? token, DateTime now) => _tokens.Read(token, now);
}
