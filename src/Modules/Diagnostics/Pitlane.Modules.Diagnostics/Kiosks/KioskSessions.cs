using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Accounts.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// What the kiosk screen's pages (/Kiosk, /Kiosk/Pair) and the public report page need, over the module's store:
/// the pages call this, never the context.
/// </summary>
public sealed class KioskSessions(DiagnosticsDbContext db, IOrganizationDirectory organizations, ReportLinks links,
    DiagnosticsQueries queries, IOptions<DiagnosticsOptions> options, TimeProvider time)
{
    /// <summary>The paired kiosk of the request's device cookie, or null.</summary>
    public Task<Kiosk?> AuthenticateAsync(HttpContext http) => KioskApi.AuthenticateAsync(http, db, time);

    /// <summary>A report of one of the kiosk's own scans of the last Pitlane:Diagnostics:KioskResultMinutes, or null.</summary>
    public Task<DiagnosticReport?> OwnReportAsync(Kiosk kiosk, Guid reportId, CancellationToken ct) =>
        KioskApi.OwnReportAsync(reportId, kiosk, time.GetUtcNow().UtcDateTime.AddMinutes(-options.Value.KioskResultMinutes), db, ct);

    public Task<AdapterChoice?> AdapterAsync(Kiosk kiosk, CancellationToken ct) => queries.AdapterAsync(kiosk.OrganizationId, kiosk.AdapterId, ct);

    public async Task<string> OrganizationNameAsync(Kiosk kiosk, CancellationToken ct) => await organizations.NameOfAsync(kiosk.OrganizationId, ct) ?? "";

    public Task<(Kiosk Kiosk, string OrganizationName, string AdapterName)?> FindPairingAsync(string code, CancellationToken ct) =>
        KioskManagement.FindPairingAsync(db, organizations, code, time.GetUtcNow().UtcDateTime, ct);

    /// <summary>Pairs the device: the device cookie's value, or null when the link was used meanwhile.</summary>
    public Task<string?> PairAsync(Kiosk kiosk, CancellationToken ct) => KioskManagement.PairAsync(db, kiosk, time.GetUtcNow().UtcDateTime, ct);

    /// <summary>The report a share token opens (public /r/{token}), or null for every reason alike.</summary>
    public Task<DiagnosticReport?> OpenSharedAsync(string? token, CancellationToken ct) => links.OpenAsync(db, token, time.GetUtcNow().UtcDateTime, ct);
}
