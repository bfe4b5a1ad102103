namespace Pitlane.Modules.Diagnostics.Contracts;

/// <summary>A part the shop's diagnostics price list ties to a finding's repair operation.</summary>
/// <param name="UnitPrice">The shop's price to the customer per unit, in minor units of <see cref="ScanFindings.Currency"/> (the price list holds no cost).</param>
public sealed record ScanFindingPart(string Description, string? PartNumber, decimal Quantity, long UnitPrice);

/// <summary>One recommendation of a completed scan, priced as its health report prices it.</summary>
/// <param name="Codes">The trouble codes it addresses ("P0301"), possibly none (a maintenance reminder).</param>
/// <param name="LaborName">The labor operation's name ("Replace ignition coil"); null when the shop has no time for it.</param>
/// <param name="LaborHours">Book hours, 0 when not priced.</param>
/// <param name="IsDiagnosis">True when the labor is diagnosis time (a code with no more specific repair), not a repair.</param>
public sealed record ScanFinding(
    string Title, string Detail, string Priority, IReadOnlyList<string> Codes, string? LaborName, decimal LaborHours, bool IsDiagnosis,
    IReadOnlyList<ScanFindingPart> Parts);

/// <summary>A scan of the organisation and, when it completed, what it found.</summary>
/// <param name="VehicleId">The Vehicles module's id, null when the scan was not linked to a vehicle.</param>
/// <param name="Completed">False while the scan is queued or running, or when it failed: <paramref name="Findings"/> is then empty.</param>
/// <param name="Currency">ISO 4217 code of the part prices.</param>
public sealed record ScanFindings(
    Guid ScanId, Guid OrganizationId, Guid? VehicleId, string? Vin, bool Completed, DateTime? CompletedAt, string Currency,
    IReadOnlyList<string> Codes, IReadOnlyList<ScanFinding> Findings);

/// <summary>Reading a scan's findings from another module (a shop turning them into repair-order jobs). Another organisation's scan is null.</summary>
public interface IScanFindings
{
    Task<ScanFindings?> FindAsync(Guid organizationId, Guid scanId, CancellationToken ct);
}
