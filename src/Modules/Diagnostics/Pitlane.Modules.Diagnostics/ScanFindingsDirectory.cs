using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pitlane.Diagnostics;
using Pitlane.Modules.Diagnostics.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// A completed scan's recommendations priced by the shop's diagnostics prices, for other modules (<see cref="IScanFindings"/>).
/// Built with <see cref="ReportContent.Build"/>, so a repair order made from a scan states the same work and hours as the
/// scan's health report.
/// </summary>
internal sealed class ScanFindingsDirectory(
    DiagnosticsDbContext db, HealthService health, InterpretationService interpretations, IVehicleDirectory vehicles, TimeProvider time) : IScanFindings
{
    public async Task<ScanFindings?> FindAsync(Guid organizationId, Guid scanId, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scanId && s.OrganizationId == organizationId, ct);
        if (scan is null)
        {
            return null;
        }
        var shop = await ShopPrices.ProfileAsync(db, organizationId, ct);
        if (scan is not { Status: ScanStatus.Completed, Result: { } result } || JsonSerializer.Deserialize<ScanDocument>(result, ScanDocument.Json) is not { } document)
        {
            return new ScanFindings(scan.Id, organizationId, scan.VehicleId, scan.Vin, false, scan.CompletedAt, shop.Currency, [], []);
        }
        var assessed = await health.ForScanAsync(scan, ct);
        var interpretation = InterpretationService.Read(await interpretations.LatestOrNewAsync(scan, assessed, ct));
        var vehicle = scan.VehicleId is { } vehicleId ? await vehicles.FindAsync(organizationId, vehicleId, ct) : null;
        var labor = await ShopPrices.LaborTableAsync(db, organizationId, ct);
        var parts = await db.PartPrices.AsNoTracking().Where(p => p.OrganizationId == organizationId && p.LaborOperationKey != null).ToListAsync(ct);
        var content = ReportContent.Build("", time.GetUtcNow(), scan, document, vehicle, "", shop, assessed, interpretation, labor, parts);
        // Build adds one item per recommendation, in order: the codes come from the recommendation beside it.
        var findings = content.Recommendations.Zip(interpretation.Recommendations, (item, r) => new ScanFinding(
            item.Title, item.Detail, item.Priority.ToString().ToLowerInvariant(), r.Codes, item.LaborName, item.LaborHours,
            item.LaborOperation?.StartsWith("diagnosis.", StringComparison.Ordinal) == true,
            [.. item.Parts.Select(p => new ScanFindingPart(p.Description, p.PartNumber, p.Quantity, p.UnitPrice))])).ToList();
        return new ScanFindings(scan.Id, organizationId, scan.VehicleId, scan.Vin, true, scan.CompletedAt, shop.Currency,
            [.. document.Dtcs.Select(d => d.Code).Distinct(StringComparer.Ordinal)], findings);
    }
}

/// <summary>
/// The actions later modules offer on the scan a vehicle page shows (<see cref="IScanActionProvider"/>): the selected
/// scan, or the vehicle's latest completed one. Renders nothing when there is none or nobody offers anything.
/// </summary>
public sealed class ScanActionsViewComponent(DiagnosticsDbContext db, PageOrganization organizations, IEnumerable<IScanActionProvider> providers) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid vehicleId, Guid? scanId)
    {
        var ct = HttpContext.RequestAborted;
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return Content("");
        }
        var scan = await db.Scans.AsNoTracking()
            .Where(s => s.OrganizationId == org.Id && s.VehicleId == vehicleId && (scanId == null ? s.Status == ScanStatus.Completed : s.Id == scanId))
            .OrderByDescending(s => s.CreatedAt).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        if (scan is null)
        {
            return Content("");
        }
        var actions = new List<ScanAction>();
        foreach (var provider in providers)
        {
            actions.AddRange(await provider.ActionsAsync(new ScanActionContext(org.Id, org.Role, scan.Value, vehicleId), ct));
        }
        return actions.Count == 0 ? Content("") : View(actions);
    }
}
