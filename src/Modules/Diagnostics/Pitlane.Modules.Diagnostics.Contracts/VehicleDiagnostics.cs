namespace Pitlane.Modules.Diagnostics.Contracts;

/// <summary>One trouble code of a scan. <paramref name="Severity"/>: "info", "low", "medium", "high", "critical" (kebab case of the engine's).</summary>
public sealed record ScanCode(string Code, string Description, string Severity, string System, string Ecu);

/// <summary>A scan as another module may show it. <paramref name="Status"/>: "queued", "running", "completed", "failed", "cancelled".</summary>
public sealed record ScanSummaryView(
    Guid Id, Guid OrganizationId, Guid? VehicleId, string Status, bool MilOn, DateTime CreatedAt, DateTime? CompletedAt, IReadOnlyList<ScanCode> Codes, string? Error);

/// <summary>
/// One maintenance item's next due point. <paramref name="Urgency"/>: "overdue", "due-soon", "ok", "unknown" (the health
/// engine's); <paramref name="Basis"/> says what it counts from ("last done 2026-03-01 at 120 000 km", "from new").
/// </summary>
public sealed record MaintenanceDueView(
    string Key, string Name, string Urgency, DateTimeOffset? LastDone, double? DueKm, DateTimeOffset? DueDate, double? RemainingKm, int? RemainingDays, string Basis);

/// <summary>A maintenance log entry (what was done, when, at what odometer).</summary>
public sealed record ServiceLogEntryView(Guid Id, Guid VehicleId, string Key, string Name, DateOnly PerformedOn, int? OdometerKm, string? Note);

/// <summary>
/// The Diagnostics module's read contract for other modules (the assistant). Every call is within one organisation:
/// another organisation's vehicle or scan answers null / empty, never its data.
/// </summary>
public interface IVehicleDiagnostics
{
    /// <summary>The vehicle's latest scan (completed or not), null when it has none or is not the organisation's.</summary>
    Task<ScanSummaryView?> LatestScanAsync(Guid organizationId, Guid vehicleId, CancellationToken ct);

    /// <summary>The maintenance items due next, most urgent first; null when the vehicle is not the organisation's.</summary>
    Task<IReadOnlyList<MaintenanceDueView>?> MaintenanceAsync(Guid organizationId, Guid vehicleId, CancellationToken ct);

    /// <summary>The vehicle's maintenance log, newest first (at most 50 entries).</summary>
    Task<IReadOnlyList<ServiceLogEntryView>> ServiceLogAsync(Guid organizationId, Guid vehicleId, CancellationToken ct);
}
