using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Diagnostics;

/// <summary>Who may do what in the diagnostics lane: one definition, used by the endpoints, the pages and the navigation.</summary>
public static class DiagnosticsPermissions
{
    public static readonly Permission Scan = new("diagnostics.scan", "start scans, reports or interpretations, or change the service log",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission ManageAdapters = new("diagnostics.adapters.manage", "manage scan adapters and scan agents",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Technician);

    public static readonly Permission ClearCodes = new("diagnostics.codes.clear", "clear trouble codes",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Technician);

    public static readonly Permission ManageKiosks = new("diagnostics.kiosks.manage", "manage kiosk screens",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission EditPrices = new("diagnostics.prices.edit", "change the shop's prices",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
