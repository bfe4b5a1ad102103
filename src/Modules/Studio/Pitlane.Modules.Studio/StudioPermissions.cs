using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio;

/// <summary>Who may do what in the listing studio.</summary>
public static class StudioPermissions
{
    public static readonly Permission View = new("studio.view", "see listing photos and content",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Salesperson, OrganizationRole.ServiceAdvisor);

    /// <summary>Uploading photos, choosing backdrops, writing drafts and sending them for review.</summary>
    public static readonly Permission Edit = new("studio.edit", "upload listing photos and write listing content",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.Salesperson);

    /// <summary>Registering and revoking remote background-removal workers: each holds a key that reads the organisation's photos.</summary>
    public static readonly Permission ManageWorkers = new("studio.workers", "register and revoke background-removal workers",
        OrganizationRole.Owner, OrganizationRole.Manager);

    /// <summary>The approver: publishing is an advertising decision with legal weight (Regulation Z / M), not the writer's.</summary>
    public static readonly Permission Approve = new("studio.approve", "approve and publish listing content",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
