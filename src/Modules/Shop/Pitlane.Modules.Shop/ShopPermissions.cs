using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop;

/// <summary>Who may do what in the shop: advisors write ROs, technicians work them, porters move cars, managers set prices.</summary>
public static class ShopPermissions
{
    public static readonly Permission View = new("shop.view", "see the shop's customers, repair orders and bays",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician, OrganizationRole.Porter);

    public static readonly Permission WriteOrders = new("shop.orders.write", "write repair orders and customers",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission WorkJobs = new("shop.jobs.work", "update the work on jobs",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission TakePayments = new("shop.orders.payments", "invoice repair orders or take their payment",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission IssueCredit = new("shop.orders.credit", "issue credit notes",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission SetPrices = new("shop.prices.set", "set the shop's labor rates, markup and taxes",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission ManageBays = new("shop.bays.manage", "add or change bays",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission BookBays = new("shop.bays.book", "book, start or finish bay work",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician, OrganizationRole.Porter);

    public static readonly Permission MoveCars = new("shop.porter", "check cars in and out and lend loaners",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Porter);

    public static readonly Permission ManageFleet = new("shop.loaners.manage", "add loaners to the fleet",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission SeeKpis = new("shop.kpis", "see the shop's KPIs (sales, gross profit, productivity)",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission Import = new("shop.import", "import customers, vehicles and repair orders from another shop system (Tekmetric, CSV)",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
