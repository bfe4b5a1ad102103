using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Diagnostics;
using Pitlane.Modules.Diagnostics.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary><see cref="IVehicleDiagnostics"/>: scans and reminders of the organisation's own vehicles only.</summary>
internal sealed class VehicleDiagnosticsContract(DiagnosticsDbContext db, HealthService health) : IVehicleDiagnostics
{
    public async Task<ScanSummaryView?> LatestScanAsync(Guid organizationId, Guid vehicleId, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().Where(s => s.OrganizationId == organizationId && s.VehicleId == vehicleId)
            .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);
        if (scan is null) return null;
        var document = scan.Result is { } json ? JsonSerializer.Deserialize<ScanDocument>(json, ScanDocument.Json) : null;
        var codes = document?.Dtcs.Select(d => new ScanCode(d.Code, d.Description, Kebab(d.Severity), d.System, d.Ecu)).ToList() ?? [];
        return new ScanSummaryView(scan.Id, scan.OrganizationId, scan.VehicleId, ScanStatuses.Name(scan.Status), scan.MilOn, scan.CreatedAt, scan.CompletedAt, codes, scan.Error);
    }

    public async Task<IReadOnlyList<MaintenanceDueView>?> MaintenanceAsync(Guid organizationId, Guid vehicleId, CancellationToken ct)
    {
        if (await health.ForVehicleAsync(organizationId, vehicleId, ct) is not { } h) return null;
        return h.Assessment.Reminders
            .OrderBy(r => r.Urgency switch { ReminderUrgency.Overdue => 0, ReminderUrgency.DueSoon => 1, ReminderUrgency.Ok => 2, _ => 3 })
            .ThenBy(r => r.RemainingDays ?? int.MaxValue)
            .Select(r => new MaintenanceDueView(r.Key, r.Name, Kebab(r.Urgency), r.LastDone, r.DueKm, r.DueDate, r.RemainingKm, r.RemainingDays, r.Basis))
            .ToList();
    }

    public async Task<IReadOnlyList<ServiceLogEntryView>> ServiceLogAsync(Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        (await db.ServiceEntries.AsNoTracking().Where(e => e.OrganizationId == organizationId && e.VehicleId == vehicleId)
            .OrderByDescending(e => e.PerformedOn).ThenByDescending(e => e.CreatedAt).Take(50).ToListAsync(ct))
        .Select(e => new ServiceLogEntryView(e.Id, e.VehicleId, e.Key, ServiceLog.NameOf(e.Key), DateOnly.FromDateTime(e.PerformedOn), e.OdometerKm, e.Note))
        .ToList();

    private static string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
