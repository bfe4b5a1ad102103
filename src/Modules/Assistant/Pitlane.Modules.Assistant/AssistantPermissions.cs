using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Assistant;

/// <summary>Who may use the assistant. It reads vehicles, scans, repair orders and orders, so the roles that work with those.</summary>
public static class AssistantPermissions
{
    public static readonly Permission Use = new("assistant.use", "ask the assistant about the organisation's vehicles, scans, service history and orders",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);
}
