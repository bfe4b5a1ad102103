using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Diagnostics.Lane;
using Pitlane.Organizations;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Web.Pages.Diagnostics;

public sealed record RecentScan(ScanSummary Scan, string? Vehicle);

/// <summary>
/// The diagnostics lane at a glance: the organisation's recent scans (each opening its vehicle's dashboard), the adapters,
/// and the kiosks (an Owner or Manager creates one per lane, gets its one-time pairing link, re-pairs or revokes it).
/// </summary>
public sealed class IndexModel(PageOrganization organizations, PitlaneDbContext db, IAntiforgery antiforgery, IOptions<PitlaneOptions> options, TimeProvider time)
    : DiagnosticsPage(organizations, db, antiforgery)
{
    public IReadOnlyList<RecentScan> Recent { get; private set; } = [];
    public IReadOnlyList<KioskResponse> Kiosks { get; private set; } = [];

    /// <summary>Owner or Manager: may set up kiosks.</summary>
    public bool CanManageKiosks => Organization?.Role is OrganizationRole.Owner or OrganizationRole.Manager;

    /// <summary>The pairing link just issued, shown once.</summary>
    public KioskResponse? Pairing { get; private set; }
    public string? KioskError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCreateKioskAsync(string? name, Guid? adapterId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!CanManageKiosks)
        {
            return Forbid();
        }
        var (kiosk, errors) = await KioskManagement.CreateAsync(Db, Organization!.Id, User.UserId() ?? throw new InvalidOperationException("A signed-in page request has a user id."), new CreateKioskRequest(name, adapterId),
            Request, options.Value.Diagnostics, time.GetUtcNow().UtcDateTime, ct);
        Pairing = kiosk;
        KioskError = errors is null ? null : string.Join(" ", errors.Values.SelectMany(v => v));
        await LoadKiosksAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPairKioskAsync(Guid id, CancellationToken ct) =>
        await ChangeKioskAsync(id, (kiosk, now) =>
        {
            if (kiosk.RevokedAt is not null)
            {
                KioskError = "A revoked kiosk cannot be paired again; create a new one.";
                return null;
            }
            return KioskManagement.IssuePairing(kiosk, Request, options.Value.Diagnostics, now);
        }, ct);

    public async Task<IActionResult> OnPostRevokeKioskAsync(Guid id, CancellationToken ct) =>
        await ChangeKioskAsync(id, (kiosk, now) =>
        {
            KioskManagement.Disable(kiosk, now);
            return null;
        }, ct);

    private async Task<IActionResult> ChangeKioskAsync(Guid id, Func<Pitlane.Diagnostics.Lane.Kiosk, DateTime, string?> change, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!CanManageKiosks)
        {
            return Forbid();
        }
        var kiosk = await Db.Kiosks.FirstOrDefaultAsync(k => k.Id == id && k.OrganizationId == Organization!.Id, ct);
        if (kiosk is null)
        {
            return NotFound();
        }
        var url = change(kiosk, time.GetUtcNow().UtcDateTime);
        await Db.SaveChangesAsync(ct);
        await LoadKiosksAsync(ct);
        if (url is not null)
        {
            Pairing = Kiosks.First(k => k.Id == id) with { PairingUrl = url, PairingExpiresAt = kiosk.PairingExpiresAt };
        }
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await LoadOrganizationAsync(ct) is not { } org)
        {
            return false;
        }
        var scans = await Db.Scans.AsNoTracking().Where(s => s.OrganizationId == org.Id)
            .OrderByDescending(s => s.CreatedAt).Take(30).ToListAsync(ct);
        var vehicleIds = scans.Where(s => s.VehicleId != null).Select(s => s.VehicleId!.Value).Distinct().ToList();
        var vehicles = await Db.Vehicles.AsNoTracking().Where(v => v.OrganizationId == org.Id && vehicleIds.Contains(v.Id))
            .ToDictionaryAsync(v => v.Id, v => $"{v.ModelYear} {v.Make} {v.Model}".Trim(), ct);
        Recent = scans.Select(s => new RecentScan(ScanSummary.From(s),
            s.VehicleId is { } id && vehicles.TryGetValue(id, out var name) ? name : null)).ToList();
        await LoadKiosksAsync(ct);
        return true;
    }

    private async Task LoadKiosksAsync(CancellationToken ct)
    {
        var orgId = Organization!.Id;
        var rows = await Db.Kiosks.AsNoTracking().Where(k => k.OrganizationId == orgId)
            .Join(Db.ScanAdapters, k => k.AdapterId, a => a.Id, (k, a) => new { Kiosk = k, AdapterName = a.Name })
            .OrderBy(x => x.Kiosk.Name).ToListAsync(ct);
        Kiosks = rows.Select(x => KioskManagement.ResponseOf(x.Kiosk, x.AdapterName, null)).ToList();
    }
}
