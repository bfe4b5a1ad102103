using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Shop.Customers;

/// <summary>
/// Links a car to a customer by its VIN: the shop's vehicle with that VIN, or a new one registered through the Vehicles
/// module (decoded, check digit verified, one VIN per organisation), so the counter needs no trip to the Vehicles page.
/// </summary>
public sealed class CustomerVehicleLinks(Customers customers, IVehicleDirectory vehicles, IVehicleRegistrar registrar)
{
    public async Task<Outcome<CustomerVehicle>> LinkByVinAsync(Guid organizationId, Guid userId, Guid customerId, string? vin, CancellationToken ct)
    {
        var text = new string((vin ?? "").Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        if (text.Length != 17)
        {
            return Outcome<CustomerVehicle>.Invalid("vin", "A VIN has 17 letters and digits.");
        }
        if (await customers.FindAsync(organizationId, customerId, ct) is null)
        {
            return Outcome<CustomerVehicle>.Missing;
        }
        var vehicle = await vehicles.FindByVinAsync(organizationId, text, ct);
        if (vehicle is null)
        {
            var registered = await registrar.RegisterByVinAsync(organizationId, text, ct);
            if (registered.Vehicle is null)
            {
                return registered.Errors is { Count: > 0 } errors
                    ? new(null, new() { ["vin"] = [.. errors.Values.SelectMany(v => v)] })
                    : Outcome<CustomerVehicle>.Refused(registered.Conflict ?? "The vehicle could not be added.");
            }
            vehicle = registered.Vehicle;
        }
        return await customers.LinkVehicleAsync(organizationId, userId, customerId, vehicle.Id, ct);
    }
}
