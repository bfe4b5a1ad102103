using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;
using Pitlane.Reports;

namespace Pitlane.Modules.Diagnostics;

/// <summary>202 of POST /api/v1/scans/{id}/report; follow Location (GET /api/v1/reports/{id}) or the job.</summary>
public sealed record ReportAccepted(Guid Id, Guid JobId, string Status);

/// <summary>GET /api/v1/reports/{id}. Status: queued, ready or failed (with <see cref="Error"/>).</summary>
/// <param name="ShareUrl">The public link; null unless the report is ready, not revoked and the link has not expired.</param>
public sealed record ReportResponse(
    Guid Id, Guid ScanId, Guid? VehicleId, Guid JobId, string Status, string? ShareUrl, DateTime ShareExpiresAt, DateTime? RevokedAt,
    string? Error, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>POST /api/v1/reports/{id}/share.</summary>
/// <param name="Days">How long the new link lives; default Pitlane:Diagnostics:ShareLinkDays.</param>
public sealed record ShareRequest(int? Days);

/// <summary>The new share link; every earlier one is dead.</summary>
public sealed record ShareResponse(string ShareUrl, DateTime ShareExpiresAt);

/// <summary>
/// Health reports of scans, in the request's organisation (another organisation's report is a 404), and the public share link
/// /r/{token}/pdf that needs no login. Revoking or re-sharing kills every earlier link at once.
/// </summary>
public static class ReportEndpoints
{
    /// <summary>Per-address rate limit of the public share links (Pitlane:Diagnostics:PublicReportRequestsPerMinute).</summary>
    public const string PublicRateLimitPolicy = "public-report";

    public static IServiceCollection AddDiagnosticReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportLinks>();
        services.AddJobHandler<ReportJob, ReportJobHandler>("diagnostics.report", maxAttempts: 1, permission: DiagnosticsPermissions.Scan);
        return services;
    }

    public static IEndpointRouteBuilder MapDiagnosticReportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapShopPriceEndpoints();
        var scans = routes.MapTenantApi("/api/v1/scans", "Diagnostics");
        scans.MapPost("/{id:guid}/report", Create);
        scans.MapGet("/{id:guid}/reports", ListOfScan);
        var reports = routes.MapTenantApi("/api/v1/reports", "Diagnostics");
        reports.MapGet("/{id:guid}", Get);
        reports.MapGet("/{id:guid}/pdf", Pdf);
        reports.MapPost("/{id:guid}/revoke", Revoke);
        reports.MapPost("/{id:guid}/share", Share);
        routes.MapGet("/r/{token}/pdf", PublicPdf).AllowAnonymous().RequireRateLimiting(PublicRateLimitPolicy).ExcludeFromDescription();
        return routes;
    }

    public static string StatusName(ReportStatus status) => status switch
    {
        ReportStatus.Queued => "queued",
        ReportStatus.Ready => "ready",
        _ => "failed",
    };

    /// <summary>Headers of everything a share link serves: never cached, the token never leaks in a Referer, never indexed.</summary>
    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }

    /// <summary>"health-report-{VIN}-{yyyy-MM-dd}.pdf".</summary>
    public static string FileName(DiagnosticReport report, ReportContent? content)
    {
        var vin = new string((content?.Vehicle.Vin ?? "vehicle").Where(char.IsAsciiLetterOrDigit).ToArray());
        return $"health-report-{vin}-{(report.CompletedAt ?? report.CreatedAt):yyyy-MM-dd}.pdf";
    }

    internal static string BaseUrlOf(HttpRequest request, DiagnosticsOptions options) =>
        options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>
    /// The report's live share link, or null when it has none (not ready, revoked or expired): the configured public
    /// address (Pitlane:Diagnostics:PublicBaseUrl), else the one the report was requested on. Every caller that shows or
    /// encodes the link (the API, the kiosk's QR code) takes it from here.
    /// </summary>
    public static string? ShareUrlOf(DiagnosticReport r, ReportLinks links, DiagnosticsOptions options, DateTime now)
    {
        if (r is not { Status: ReportStatus.Ready, RevokedAt: null, Content: { } json } || r.ShareExpiresAt <= now)
        {
            return null;
        }
        var baseUrl = options.PublicBaseUrl is { Length: > 0 } configured ? configured : ReportContent.Read(json).BaseUrl;
        return links.Url(baseUrl, r).AbsoluteUri;
    }

    internal static ReportResponse ResponseOf(DiagnosticReport r, ReportLinks links, DiagnosticsOptions options, DateTime now)
    {
        var url = ShareUrlOf(r, links, options, now);
        return new ReportResponse(r.Id, r.ScanId, r.VehicleId, r.JobId, StatusName(r.Status), url, r.ShareExpiresAt, r.RevokedAt, r.Error, r.CreatedAt, r.CompletedAt);
    }

    private static DateTime WholeSeconds(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>202 with the queued report; 409 unless the scan completed.</summary>
    private static async Task<Results<Accepted<ReportAccepted>, ProblemHttpResult>> Create(
        Guid id, HttpRequest request, OrganizationScope scope, DiagnosticsDbContext db, JobQueue jobs, IOptions<DiagnosticsOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == scope.OrganizationId, ct);
        if (scan is null)
        {
            return Problems.NotFound("No such scan.");
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can create a report.");
        }
        if (scan.Status != ScanStatus.Completed)
        {
            return Problems.Conflict($"The scan is {ScanStatuses.Name(scan.Status)}; a report needs a completed scan.");
        }
        return await QueueAsync(db, jobs, options.Value, time, request, scan, scope.UserId, "/api/v1/reports", ct);
    }

    /// <summary>Queues the report job of a completed scan; shared by staff and kiosk requests.</summary>
    internal static async Task<Accepted<ReportAccepted>> QueueAsync(DiagnosticsDbContext db, JobQueue jobs, DiagnosticsOptions settings, TimeProvider time,
        HttpRequest request, Scan scan, Guid userId, string locationPrefix, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var report = DiagnosticReport.Create(scan.OrganizationId, scan, userId, WholeSeconds(now.AddDays(settings.ShareLinkDays)), now);
        db.DiagnosticReports.Add(report);
        report.JobId = jobs.Enqueue(db, scan.OrganizationId, new ReportJob(report.Id, BaseUrlOf(request, settings)));
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(report.JobId);
        return TypedResults.Accepted($"{locationPrefix}/{report.Id}", new ReportAccepted(report.Id, report.JobId, StatusName(report.Status)));
    }

    private static async Task<Results<Ok<List<ReportResponse>>, ProblemHttpResult>> ListOfScan(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, ReportLinks links, IOptions<DiagnosticsOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Scans.AnyAsync(s => s.Id == id && s.OrganizationId == scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such scan.");
        }
        var reports = await db.DiagnosticReports.AsNoTracking()
            .Where(r => r.ScanId == id && r.OrganizationId == scope.OrganizationId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(reports.Select(r => ResponseOf(r, links, options.Value, now)).ToList());
    }

    private static async Task<Results<Ok<ReportResponse>, ProblemHttpResult>> Get(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, ReportLinks links, IOptions<DiagnosticsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var report = await db.DiagnosticReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct);
        return report is null
            ? Problems.NotFound("No such report.")
            : TypedResults.Ok(ResponseOf(report, links, options.Value, time.GetUtcNow().UtcDateTime));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(Guid id, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var report = await db.DiagnosticReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct);
        if (report is not { Status: ReportStatus.Ready, Pdf: { } pdf })
        {
            return Problems.NotFound(report is null ? "No such report." : "The report is not ready.");
        }
        return TypedResults.File(pdf, "application/pdf", FileName(report, report.Content is { } json ? ReportContent.Read(json) : null));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, OrganizationScope scope, DiagnosticsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var report = await db.DiagnosticReports.FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct);
        if (report is null)
        {
            return Problems.NotFound("No such report.");
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can revoke a report's link.");
        }
        report.RevokedAt ??= time.GetUtcNow().UtcDateTime;
        if (!await SavedAsync(db, ct))
        {
            return Problems.Conflict("The report's link was changed at the same moment; look at the report again and retry.");
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A new link (ShareVersion + 1): every earlier link stops working, a revoked report is shared again, and the PDF is
    /// rendered again so its QR code opens the new link.
    /// </summary>
    private static async Task<Results<Ok<ShareResponse>, ValidationProblem, ProblemHttpResult>> Share(
        Guid id, ShareRequest? request, OrganizationScope scope, DiagnosticsDbContext db, ReportLinks links, IOptions<DiagnosticsOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var report = await db.DiagnosticReports.FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct);
        if (report is null)
        {
            return Problems.NotFound("No such report.");
        }
        if (!scope.Can(DiagnosticsPermissions.Scan))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can share a report.");
        }
        var settings = options.Value;
        var days = request?.Days ?? settings.ShareLinkDays;
        if (days is < 1 or > 3650)
        {
            return Problems.Invalid("days", "days must be between 1 and 3650.");
        }
        if (report is not { Status: ReportStatus.Ready, Content: { } json })
        {
            return Problems.Conflict($"The report is {StatusName(report.Status)}; only a ready report can be shared.");
        }
        var content = ReportContent.Read(json);
        var baseUrl = settings.PublicBaseUrl is { Length: > 0 } configured ? configured : content.BaseUrl;
        report.ShareVersion++;
        report.ShareExpiresAt = WholeSeconds(time.GetUtcNow().UtcDateTime.AddDays(days));
        report.RevokedAt = null;
        var url = links.Url(baseUrl, report);
        report.Pdf = HealthReportRenderer.Render(content.ToHealthReport(url));
        if (!await SavedAsync(db, ct))
        {
            return Problems.Conflict("The report was shared or revoked at the same moment; look at the report again and retry.");
        }
        return TypedResults.Ok(new ShareResponse(url.AbsoluteUri, report.ShareExpiresAt));
    }

    /// <summary>False when another request changed the report's share version since it was read (nothing is saved).</summary>
    private static async Task<bool> SavedAsync(DiagnosticsDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private static async Task<IResult> PublicPdf(string token, HttpContext http, DiagnosticsDbContext db, ReportLinks links, TimeProvider time, CancellationToken ct)
    {
        NoStore(http.Response);
        var report = await links.OpenAsync(db, token, time.GetUtcNow().UtcDateTime, ct);
        return report is null
            ? Results.NotFound()
            : Results.File(report.Pdf!, "application/pdf", FileName(report, ReportContent.Read(report.Content!)));
    }
}
