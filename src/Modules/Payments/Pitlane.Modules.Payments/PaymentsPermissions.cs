using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments;

/// <summary>Who in an organisation may see and move its money.</summary>
public static class PaymentsPermissions
{
    public static readonly Permission View = new("payments.view", "see payments, balances and statements",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Charge = new("payments.charge", "take payments",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Refund = new("payments.refund", "refund payments",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission Payout = new("payments.payout", "pay out the balance",
        OrganizationRole.Owner);

    public static readonly Permission ManagePlans = new("payments.plans", "create and retire subscription plans",
        OrganizationRole.Owner, OrganizationRole.Manager);

    public static readonly Permission Subscribe = new("payments.subscribe", "subscribe to plans and change or cancel subscriptions",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
