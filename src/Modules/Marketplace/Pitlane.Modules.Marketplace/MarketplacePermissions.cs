using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace;

/// <summary>Who in an organisation may sell, buy and record part history.</summary>
public static class MarketplacePermissions
{
    public static readonly Permission Browse = new("marketplace.browse", "search the parts marketplace",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician,
        OrganizationRole.Porter, OrganizationRole.Salesperson);

    public static readonly Permission Sell = new("marketplace.sell", "list parts for sale and ship orders",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Buy = new("marketplace.buy", "buy parts",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission ViewOrders = new("marketplace.orders", "see marketplace orders",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission RecordPartEvents = new("marketplace.part-events", "record part history (made, fitted, removed)",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);
}
