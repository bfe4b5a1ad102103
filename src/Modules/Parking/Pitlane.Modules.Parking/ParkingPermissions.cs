using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking;

/// <summary>
/// Who may do what with parking. A host is an organisation listing spots (its Owner and Managers manage them); a driver
/// books from their own organisation (a person's personal organisation, or a business's fleet).
/// </summary>
public static class ParkingPermissions
{
    public static readonly Permission Search = new("parking.search", "search parking spots",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician,
        OrganizationRole.Porter, OrganizationRole.Salesperson);

    public static readonly Permission Host = new("parking.host", "list parking spots and manage their bookings",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission Book = new("parking.book", "book and pay for parking",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission ViewBookings = new("parking.bookings", "see parking bookings",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Porter);

    /// <summary>A person's own data (export, erasure) is theirs: any member acts for themself.</summary>
    public static readonly Permission OwnData = new("parking.own-data", "export or erase their own parking data",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician,
        OrganizationRole.Porter, OrganizationRole.Salesperson);

    /// <summary>
    /// Running the parking platform: every host's spots (suspend, reinstate) and disputes (refunds). Only in the operator
    /// organisation (Pitlane:Parking:OperatorOrganizationId); elsewhere the admin API answers 404.
    /// </summary>
    public static readonly Permission Operate = new("parking.operate", "run the parking platform (suspend spots, settle disputes)",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
