using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Sales;

/// <summary>Who may practise and who may see the team's practice.</summary>
public static class SalesPermissions
{
    public static readonly Permission Practice = new("sales.practice", "practise sales conversations",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Salesperson);

    /// <summary>The sales manager's view of everyone's sessions and reports.</summary>
    public static readonly Permission ViewTeam = new("sales.view-team", "see the sales team's practice sessions",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
