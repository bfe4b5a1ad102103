using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles;

/// <summary>Who may do what with vehicles.</summary>
public static class VehiclesPermissions
{
    public static readonly Permission Delete = new("vehicles.delete", "delete a vehicle",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    /// <summary>
    /// Adding a VIN that fails its 49 CFR 565 check digit (North America, China) with a recorded reason: rare and
    /// deliberate (grey imports, pre-1981 or misprinted plates), so the Owner's alone.
    /// </summary>
    public static readonly Permission OverrideCheckDigit = new("vehicles.override-check-digit", "add a vehicle whose VIN fails its check digit",
        OrganizationRole.Owner);
}
