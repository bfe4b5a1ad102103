using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Telemetry;

/// <summary>Who may do what with telemetry devices.</summary>
public static class TelemetryPermissions
{
    public static readonly Permission ManageDevices = new("telemetry.devices.manage", "add or revoke telemetry devices",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);
}
