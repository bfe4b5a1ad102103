using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles;

public sealed record VehicleUpdate(Vehicle? Vehicle, Dictionary<string, string[]>? Errors);

/// <summary>Changes to a vehicle record, shared by the API and the pages.</summary>
public sealed class VehicleChanges(VehiclesDbContext db, TimeProvider time)
{
    /// <summary>
    /// PATCH semantics: an absent (null) field stays as it is; an empty plate or nickname clears it. The odometer never
    /// goes back. Null when the organisation has no such vehicle.
    /// </summary>
    public async Task<VehicleUpdate?> UpdateAsync(Guid organizationId, Guid vehicleId, int? odometerKm, string? plate, string? nickname, CancellationToken ct)
    {
        var check = VehicleEndpoints.ValidateDetails(odometerKm, plate, nickname);
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == vehicleId && v.OrganizationId == organizationId, ct);
        if (vehicle is null)
        {
            return null;
        }
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (odometerKm is { } km && !vehicle.TryRecordOdometer(km))
        {
            return new(null, new() { ["odometerKm"] = [$"The odometer cannot go back: the last reading is {vehicle.OdometerKm} km."] });
        }
        if (plate is not null)
        {
            vehicle.ChangePlate(plate);
        }
        if (nickname is not null)
        {
            vehicle.Rename(nickname);
        }
        vehicle.Touch(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return new(vehicle, null);
    }

    /// <summary>
    /// Deletes the vehicle and, in the same transaction, tells the other modules (<see cref="VehicleDeleted"/>) so they
    /// remove what they keep about it. False when the organisation has no such vehicle.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid organizationId, Guid vehicleId, CancellationToken ct)
    {
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == vehicleId && v.OrganizationId == organizationId, ct);
        if (vehicle is null)
        {
            return false;
        }
        db.Vehicles.Remove(vehicle);
        db.AddOutboxEvent(new VehicleDeleted(organizationId, vehicleId) { OccurredAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
