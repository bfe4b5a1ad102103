using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections;

/// <summary>Who may do what with inspections: technicians inspect, advisors send them to the customer.</summary>
public static class InspectionsPermissions
{
    public static readonly Permission View = new("inspections.view", "see inspections",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission Inspect = new("inspections.inspect", "inspect vehicles (ratings, measurements, photos and videos)",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission Send = new("inspections.send", "send inspections and approval links to customers",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission ManageTemplates = new("inspections.templates.manage", "change inspection templates",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission Estimate = new("inspections.estimate", "draft estimates from the customer's concern (AI or rules) and add them to repair orders",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);
}
