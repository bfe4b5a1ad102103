using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Modules.Diagnostics.Pages.Shared;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics.Pages.Diagnostics;

/// <summary>
/// The customer kiosk run by a signed-in shop account (staff mode; a paired kiosk screen uses /Kiosk): VIN (typed or read
/// from the car), the scan's progress live, then the health score, a plain-language summary and a QR code of the
/// shareable report. The browser drives it through the API (wwwroot/js/diagnostics-kiosk.js).
/// </summary>
public sealed class KioskModel(PageOrganization organizations, DiagnosticsQueries queries, IAntiforgery antiforgery)
    : DiagnosticsPage(organizations, queries, antiforgery)
{
    /// <summary>Seconds without a touch on the result (or the VIN step) before the kiosk starts over.</summary>
    public const int IdleSeconds = KioskScreen.IdleSeconds;

    /// <summary>?adapter=ID: the lane's adapter, fixed in the kiosk's start URL.</summary>
    [BindProperty(SupportsGet = true, Name = "adapter")]
    public Guid? AdapterId { get; set; }

    public KioskScreen? Screen { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Screen = new KioskScreen("staff", org.Name, org.Id, Csrf, AdapterId, CanScan, org.Role.ToString(), Adapters, "/Diagnostics/Kiosk?handler=Qr&reportId=");
        return Page();
    }

    /// <summary>?handler=Qr&amp;reportId=ID: the report's share link as a QR code. Another organisation's report, or one without a live link, is a 404.</summary>
    public async Task<IActionResult> OnGetQrAsync(Guid reportId, [FromServices] ReportLinks links, [FromServices] IOptions<DiagnosticsOptions> options,
        [FromServices] TimeProvider time, CancellationToken ct)
    {
        if (await Organizations.CurrentAsync(ct) is not { } org)
        {
            return NotFound();
        }
        var report = await Queries.ReportAsync(org.Id, reportId, ct);
        if (report is null || ReportEndpoints.ShareUrlOf(report, links, options.Value, time.GetUtcNow().UtcDateTime) is not { } url)
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "no-store";
        return KioskScreen.QrPng(url);
    }
}
