using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>An adapter as the pages offer it: id, name and kind (tcp, serial, agent).</summary>
public sealed record AdapterChoice(Guid Id, string Name, string Kind);

/// <summary>A scan in the lane's recent list, with its vehicle's name when it has one.</summary>
public sealed record RecentScan(ScanSummary Scan, string? Vehicle);

/// <summary>
/// What the diagnostics pages read, always within one organisation: the pages call this (and the module's commands),
/// never the context's DbSets.
/// </summary>
public sealed class DiagnosticsQueries(DiagnosticsDbContext db, IVehicleDirectory vehicles)
{
    public async Task<IReadOnlyList<AdapterChoice>> AdaptersAsync(Guid organizationId, CancellationToken ct) =>
        await db.ScanAdapters.AsNoTracking().OfOrganization(organizationId)
            .OrderBy(a => a.Name)
            .Select(a => new AdapterChoice(a.Id, a.Name, a.Kind.ToString().ToLowerInvariant()))
            .ToListAsync(ct);

    public async Task<AdapterChoice?> AdapterAsync(Guid organizationId, Guid adapterId, CancellationToken ct) =>
        await db.ScanAdapters.AsNoTracking().Where(a => a.Id == adapterId && a.OrganizationId == organizationId)
            .Select(a => new AdapterChoice(a.Id, a.Name, a.Kind.ToString().ToLowerInvariant()))
            .FirstOrDefaultAsync(ct);

    /// <summary>The organisation's latest scans, newest first, each with its vehicle's "year make model" (one look-up for all).</summary>
    public async Task<IReadOnlyList<RecentScan>> RecentScansAsync(Guid organizationId, int take, CancellationToken ct)
    {
        var scans = await db.Scans.AsNoTracking().OfOrganization(organizationId)
            .OrderByDescending(s => s.CreatedAt).Take(take).ToListAsync(ct);
        var vehicleIds = scans.Where(s => s.VehicleId != null).Select(s => s.VehicleId!.Value).Distinct().ToList();
        var names = (await vehicles.FindManyAsync(organizationId, vehicleIds, ct))
            .ToDictionary(v => v.Id, v => $"{v.ModelYear} {v.Make} {v.Model}".Trim());
        return scans.Select(s => new RecentScan(ScanSummary.From(s),
            s.VehicleId is { } id && names.TryGetValue(id, out var name) ? name : null)).ToList();
    }

    public async Task<IReadOnlyList<KioskResponse>> KiosksAsync(Guid organizationId, CancellationToken ct)
    {
        var rows = await db.Kiosks.AsNoTracking().OfOrganization(organizationId)
            .Join(db.ScanAdapters, k => k.AdapterId, a => a.Id, (k, a) => new { Kiosk = k, AdapterName = a.Name })
            .OrderBy(x => x.Kiosk.Name).ToListAsync(ct);
        return rows.Select(x => KioskManagement.ResponseOf(x.Kiosk, x.AdapterName, null)).ToList();
    }

    public Task<DiagnosticReport?> ReportAsync(Guid organizationId, Guid reportId, CancellationToken ct) =>
        db.DiagnosticReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reportId && r.OrganizationId == organizationId, ct);
}

/// <summary>The kiosk changes the Diagnostics page makes, with the same rules as the kiosk API.</summary>
public sealed class KioskCommands(DiagnosticsDbContext db, IOptions<DiagnosticsOptions> options, TimeProvider time)
{
    public Task<(KioskResponse? Kiosk, Dictionary<string, string[]>? Errors)> CreateAsync(
        Guid organizationId, Guid userId, CreateKioskRequest request, HttpRequest http, CancellationToken ct) =>
        KioskManagement.CreateAsync(db, organizationId, userId, request, http, options.Value, time.GetUtcNow().UtcDateTime, ct);

    /// <summary>
    /// A new one-time pairing link; null when the organisation has no such kiosk, a null URL when the kiosk was revoked
    /// (a revoked kiosk is never paired again).
    /// </summary>
    public async Task<(string? Url, DateTime? ExpiresAt)?> PairAsync(Guid organizationId, Guid kioskId, HttpRequest http, CancellationToken ct)
    {
        var kiosk = await db.Kiosks.FirstOrDefaultAsync(k => k.Id == kioskId && k.OrganizationId == organizationId, ct);
        if (kiosk is null)
        {
            return null;
        }
        if (kiosk.RevokedAt is not null)
        {
            return (null, null);
        }
        var url = KioskManagement.IssuePairing(kiosk, http, options.Value, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return (url, kiosk.PairingExpiresAt);
    }

    /// <summary>Revokes the kiosk; false when the organisation has no such kiosk.</summary>
    public async Task<bool> RevokeAsync(Guid organizationId, Guid kioskId, CancellationToken ct)
    {
        var kiosk = await db.Kiosks.FirstOrDefaultAsync(k => k.Id == kioskId && k.OrganizationId == organizationId, ct);
        if (kiosk is null)
        {
            return false;
        }
        KioskManagement.Disable(kiosk, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
