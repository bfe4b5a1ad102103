using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;
using Pitlane.Reports;
using Pitlane.Diagnostics;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Modules.Accounts.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary>The job that builds one health report (platform_jobs type "diagnostics.report").</summary>
/// <param name="BaseUrl">The scheme and host share links point at.</param>
public sealed record ReportJob(Guid ReportId, string BaseUrl);

/// <summary>
/// Builds a report: the scan's health and interpretation, the vehicle, the shop's header and prices; stores the content the
/// public page shows and the PDF rendered from the same content. A report that cannot be built ends "failed" with the
/// reason; it is not retried, because nothing in its inputs changes by waiting.
/// </summary>
public sealed class ReportJobHandler(
    DiagnosticsDbContext db,
    IVehicleDirectory vehicles,
    IOrganizationDirectory organizations,
    HealthService healthService,
    InterpretationService interpretations,
    ReportLinks links,
    TimeProvider time,
    ILogger<ReportJobHandler> logger) : IJobHandler<ReportJob>
{
    public async Task<object?> RunAsync(JobContext<ReportJob> job, CancellationToken ct)
    {
        var report = await db.DiagnosticReports.FirstOrDefaultAsync(r => r.Id == job.Payload.ReportId && r.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException($"Report {job.Payload.ReportId} no longer exists.");
        if (report.Status != ReportStatus.Queued)
        {
            return new { reportId = report.Id, status = ReportEndpoints.StatusName(report.Status) };
        }
        try
        {
            var content = await BuildAsync(report, job.Payload.BaseUrl, ct);
            await job.ReportAsync(60, "rendering", ct);
            report.Pdf = HealthReportRenderer.Render(content.ToHealthReport(links.Url(content.BaseUrl, report)));
            report.Content = content.Serialize();
            report.Status = ReportStatus.Ready;
            report.Error = null;
            report.CompletedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            return new { reportId = report.Id, status = "ready", bytes = report.Pdf.Length };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var message = e is ReportFailedException ? e.Message : $"The report could not be built: {e.Message}";
            logger.LogWarning(e, "Report {ReportId} failed: {Reason}", report.Id, message);
            db.ChangeTracker.Clear();
            await db.DiagnosticReports.Where(r => r.Id == report.Id).ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, ReportStatus.Failed)
                .SetProperty(r => r.Error, message.Length > 2000 ? message[..2000] : message)
                .SetProperty(r => r.CompletedAt, time.GetUtcNow().UtcDateTime), CancellationToken.None);
            throw new JobPermanentFailureException(message, e);
        }
    }

    private async Task<ReportContent> BuildAsync(DiagnosticReport report, string baseUrl, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == report.ScanId && s.OrganizationId == report.OrganizationId, ct);
        if (scan is not { Status: ScanStatus.Completed, Result: { } result })
        {
            throw new ReportFailedException("The scan is not completed, so there is nothing to report.");
        }
        var document = JsonSerializer.Deserialize<ScanDocument>(result, ScanDocument.Json)
            ?? throw new ReportFailedException("The scan's result is empty.");
        var health = await healthService.ForScanAsync(scan, ct);
        var interpretation = InterpretationService.Read(await interpretations.LatestOrNewAsync(scan, health, ct));
        var vehicle = scan.VehicleId is { } vehicleId
            ? await vehicles.FindAsync(scan.OrganizationId, vehicleId, ct)
            : null;
        var shopName = await organizations.NameOfAsync(scan.OrganizationId, ct) ?? "";
        var shop = await ShopPrices.ProfileAsync(db, scan.OrganizationId, ct);
        var labor = await ShopPrices.LaborTableAsync(db, scan.OrganizationId, ct);
        var parts = await db.PartPrices.AsNoTracking().Where(p => p.OrganizationId == scan.OrganizationId && p.LaborOperationKey != null).ToListAsync(ct);
        return ReportContent.Build(baseUrl, time.GetUtcNow(), scan, document, vehicle, shopName, shop, health, interpretation, labor, parts);
    }
}

/// <summary>A report that cannot be built for a reason worth showing as it is.</summary>
public sealed class ReportFailedException(string message) : Exception(message);
