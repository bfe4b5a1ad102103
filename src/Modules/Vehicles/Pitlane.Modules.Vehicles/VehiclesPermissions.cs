using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles;

/// <summary>Who may do what with vehicles.</summary>
public static class VehiclesPermissions
{
    public static readonly Permission Delete = new("vehicles.delete", "delete a vehicle",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);
}
