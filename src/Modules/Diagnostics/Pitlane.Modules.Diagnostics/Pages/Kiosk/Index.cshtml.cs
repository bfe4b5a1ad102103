using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Diagnostics.Pages.Diagnostics;
using Pitlane.Modules.Diagnostics.Pages.Shared;
using Pitlane.Modules.Accounts.Contracts;

namespace Pitlane.Modules.Diagnostics.Pages.Kiosk;

/// <summary>
/// /Kiosk: the customer kiosk on a paired screen (device mode). No one is signed in: the kiosk cookie allows its one
/// adapter and its own scans of the last Pitlane:Diagnostics:KioskResultMinutes (30) (the /api/v1/kiosk API). An unpaired or revoked screen says so.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(KioskSessions sessions, IAntiforgery antiforgery, TimeProvider time) : PageModel
{
    public KioskScreen? Screen { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await sessions.AuthenticateAsync(HttpContext) is not { } kiosk)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var organization = await sessions.OrganizationNameAsync(kiosk, ct);
        var adapter = await sessions.AdapterAsync(kiosk, ct)
            ?? throw new InvalidOperationException($"Kiosk {kiosk.Id} has no adapter (adapters with kiosks cannot be deleted).");
        var csrf = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
        Screen = new KioskScreen("device", organization, null, csrf, adapter.Id, true, null, [adapter], "/Kiosk?handler=Qr&reportId=");
        return Page();
    }

    /// <summary>?handler=Qr&amp;reportId=ID: the share link of a report of this kiosk's own recent scan as a QR code; anything else is a 404.</summary>
    public async Task<IActionResult> OnGetQrAsync(Guid reportId, [FromServices] ReportLinks links, [FromServices] IOptions<DiagnosticsOptions> options, CancellationToken ct)
    {
        if (await sessions.AuthenticateAsync(HttpContext) is not { } kiosk
            || await sessions.OwnReportAsync(kiosk, reportId, ct) is not { } report
            || ReportEndpoints.ShareUrlOf(report, links, options.Value, time.GetUtcNow().UtcDateTime) is not { } url)
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "no-store";
        return KioskScreen.QrPng(url);
    }
}
