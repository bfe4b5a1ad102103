using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Pitlane.Modules.Diagnostics;
using Pitlane.Platform.Persistence;
using Pitlane.Reports;

namespace Pitlane.Modules.Diagnostics.Pages.Public;

/// <summary>
/// GET /r/{token}: a shared health report, no login, for a customer's phone. Every invalid link (malformed, forged,
/// expired, revoked, superseded) gets the same 404 page.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ReportEndpoints.PublicRateLimitPolicy)]
public sealed class ReportModel(KioskSessions sessions) : PageModel
{
    public ReportContent? Report { get; private set; }
    public CostEstimate? Estimate { get; private set; }
    public string PdfUrl { get; private set; } = "";
    public ReportLabels Labels { get; } = ReportLabels.English;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        ReportEndpoints.NoStore(Response);
        var report = await sessions.OpenSharedAsync(token, ct);
        if (report?.Content is not { } json)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Report = ReportContent.Read(json);
        Estimate = Report.Estimate();
        PdfUrl = $"/r/{Uri.EscapeDataString(token)}/pdf";
        return Page();
    }

    public string Price(long minor) => new Money(minor, Estimate!.Currency).Format(Labels);

    public static string BandClass(HealthBand band) => band switch
    {
        HealthBand.Good => "bg-success text-white",
        HealthBand.Fair => "bg-warning text-dark",
        HealthBand.Poor => "bg-danger bg-opacity-75 text-white",
        _ => "bg-danger text-white",
    };

    public static string SeverityClass(Severity severity) => severity switch
    {
        Severity.Info => "text-bg-secondary",
        Severity.Low => "text-bg-success",
        Severity.Medium => "text-bg-warning",
        Severity.High => "text-bg-danger",
        _ => "text-bg-dark",
    };

    public static string MonitorClass(MonitorStatus status) => status switch
    {
        MonitorStatus.Complete => "text-success",
        MonitorStatus.Incomplete => "text-danger",
        _ => "text-secondary",
    };
}
