using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

/// <summary>Who may do what with organisations and their members.</summary>
public static class AccountsPermissions
{
    /// <summary>Add, change and remove members (a Manager cannot touch an Owner: <see cref="OrganizationMembers.CanManage"/>).</summary>
    public static readonly Permission ManageMembers = new("accounts.members.manage", "manage the team", OrganizationRole.Owner, OrganizationRole.Manager);
}
