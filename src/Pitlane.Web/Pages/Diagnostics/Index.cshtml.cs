using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Pitlane.Diagnostics.Lane;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web.Pages.Diagnostics;

public sealed record RecentScan(ScanSummary Scan, string? Vehicle);

/// <summary>The diagnostics lane at a glance: the organisation's recent scans (each opening its vehicle's dashboard), the adapters and the kiosk.</summary>
public sealed class IndexModel(PageOrganization organizations, PitlaneDbContext db, IAntiforgery antiforgery)
    : DiagnosticsPage(organizations, db, antiforgery)
{
    public IReadOnlyList<RecentScan> Recent { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return NotFound();
        }
        var scans = await Db.Scans.AsNoTracking().Where(s => s.OrganizationId == org.Id)
            .OrderByDescending(s => s.CreatedAt).Take(30).ToListAsync(ct);
        var vehicleIds = scans.Where(s => s.VehicleId != null).Select(s => s.VehicleId!.Value).Distinct().ToList();
        var vehicles = await Db.Vehicles.AsNoTracking().Where(v => v.OrganizationId == org.Id && vehicleIds.Contains(v.Id))
            .ToDictionaryAsync(v => v.Id, v => $"{v.ModelYear} {v.Make} {v.Model}".Trim(), ct);
        Recent = scans.Select(s => new RecentScan(ScanSummary.From(s),
            s.VehicleId is { } id && vehicles.TryGetValue(id, out var name) ? name : null)).ToList();
        return Page();
    }
}
