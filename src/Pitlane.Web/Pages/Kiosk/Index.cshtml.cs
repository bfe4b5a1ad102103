using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Diagnostics.Lane;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Pages.Diagnostics;
using Pitlane.Web.Pages.Shared;

namespace Pitlane.Web.Pages.Kiosk;

/// <summary>
/// /Kiosk: the customer kiosk on a paired screen (device mode). No one is signed in: the kiosk cookie allows its one
/// adapter and its own scans of the last Pitlane:Diagnostics:KioskResultMinutes (30) (the /api/v1/kiosk API). An unpaired or revoked screen says so.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(PitlaneDbContext db, IAntiforgery antiforgery, TimeProvider time) : PageModel
{
    public KioskScreen? Screen { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await KioskApi.AuthenticateAsync(HttpContext, db, time) is not { } kiosk)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == kiosk.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        var adapter = await db.ScanAdapters.AsNoTracking().Where(a => a.Id == kiosk.AdapterId)
            .Select(a => new AdapterChoice(a.Id, a.Name, a.Kind.ToString().ToLowerInvariant())).FirstAsync(ct);
        var csrf = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
        Screen = new KioskScreen("device", organization, null, csrf, adapter.Id, true, null, [adapter], "/Kiosk?handler=Qr&reportId=");
        return Page();
    }

    /// <summary>?handler=Qr&amp;reportId=ID: the share link of a report of this kiosk's own recent scan as a QR code; anything else is a 404.</summary>
    public async Task<IActionResult> OnGetQrAsync(Guid reportId, [FromServices] ReportLinks links, [FromServices] IOptions<PitlaneOptions> options, CancellationToken ct)
    {
        if (await KioskApi.AuthenticateAsync(HttpContext, db, time) is not { } kiosk
            || await KioskApi.OwnReportAsync(reportId, kiosk, time.GetUtcNow().UtcDateTime.AddMinutes(-options.Value.Diagnostics.KioskResultMinutes), db, ct)
                is not { } report
            || ReportEndpoints.ShareUrlOf(report, links, options.Value.Diagnostics, time.GetUtcNow().UtcDateTime) is not { } url)
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "no-store";
        return KioskScreen.QrPng(url);
    }
}
