using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Live;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles;

/// <summary>
/// Reads of the vehicle record: the one search the API and the pages share, and the directory other modules read
/// through (<see cref="IVehicleDirectory"/>) instead of the vehicles table.
/// </summary>
public sealed class VehicleQueries(VehiclesDbContext db) : IVehicleDirectory, ILiveGroupOwner
{
    public const int MaxSearchLength = 64;

    /// <summary>
    /// The organisation's vehicles, newest first; <paramref name="q"/> matches part of the VIN, plate, nickname, make or
    /// model in any case (the API and the Vehicles page search through here).
    /// </summary>
    public async Task<ListPage<Vehicle>> SearchAsync(Guid organizationId, string? q, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        var query = db.Vehicles.AsNoTracking().OfOrganization(organizationId);
        if (!string.IsNullOrWhiteSpace(q))
        {
            // Both sides upper-cased (SQL upper() on SQLite and PostgreSQL): "pit-001" finds PIT-001, "accord" an Accord.
            var upper = q.Trim().ToUpperInvariant();
            query = query.Where(v => v.Vin.Contains(upper) || (v.Plate != null && v.Plate.ToUpper().Contains(upper))
                || (v.Nickname != null && v.Nickname.ToUpper().Contains(upper)) || (v.Make != null && v.Make.ToUpper().Contains(upper))
                || (v.Model != null && v.Model.ToUpper().Contains(upper)));
        }
        return await page.ApplyAsync(query.OrderByDescending(v => v.CreatedAt).ThenBy(v => v.Id), ct);
    }

    public Task<Vehicle?> FindEntityAsync(Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        db.Vehicles.AsNoTracking().OfOrganization(organizationId).FirstOrDefaultAsync(v => v.Id == vehicleId, ct);

    public async Task<Guid?> OrganizationOfAsync(Guid vehicleId, CancellationToken ct) =>
        await db.Vehicles.AsNoTracking().Where(v => v.Id == vehicleId).Select(v => (Guid?)v.OrganizationId).FirstOrDefaultAsync(ct);

    public Task<bool> BelongsToAsync(Guid vehicleId, Guid organizationId, CancellationToken ct) =>
        db.Vehicles.AsNoTracking().AnyAsync(v => v.Id == vehicleId && v.OrganizationId == organizationId, ct);

    public async Task<VehicleSummary?> FindAsync(Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        (await FindEntityAsync(organizationId, vehicleId, ct))?.ToSummary();

    public async Task<VehicleSummary?> FindByVinAsync(Guid organizationId, string vin, CancellationToken ct) =>
        (await db.Vehicles.AsNoTracking().OfOrganization(organizationId).FirstOrDefaultAsync(v => v.Vin == vin, ct))?.ToSummary();

    public async Task<IReadOnlyList<VehicleSummary>> FindManyAsync(Guid organizationId, IReadOnlyCollection<Guid> vehicleIds, CancellationToken ct) =>
        (await db.Vehicles.AsNoTracking().OfOrganization(organizationId).Where(v => vehicleIds.Contains(v.Id)).ToListAsync(ct))
            .Select(v => v.ToSummary()).ToList();

    public Task<int> CountAsync(Guid organizationId, CancellationToken ct) =>
        db.Vehicles.OfOrganization(organizationId).CountAsync(ct);

    string ILiveGroupOwner.Kind => "vehicle";
}
