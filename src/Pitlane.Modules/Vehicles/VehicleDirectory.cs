using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Vehicles;

/// <summary>
/// The public contract through which other modules (Telemetry) learn which organisation a vehicle belongs to,
/// without mapping or querying the vehicles table themselves.
/// </summary>
public sealed class VehicleDirectory(PitlaneDbContext db)
{
    /// <summary>The vehicle's organisation, or null when there is no such vehicle.</summary>
    public async Task<Guid?> OrganizationOfAsync(Guid vehicleId, CancellationToken ct) =>
        await db.Vehicles.AsNoTracking().Where(v => v.Id == vehicleId)
            .Select(v => (Guid?)v.OrganizationId).FirstOrDefaultAsync(ct);

    public async Task<bool> BelongsToAsync(Guid vehicleId, Guid organizationId, CancellationToken ct) =>
        await db.Vehicles.AsNoTracking().AnyAsync(v => v.Id == vehicleId && v.OrganizationId == organizationId, ct);
}
