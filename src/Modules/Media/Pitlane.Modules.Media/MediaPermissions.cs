using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Media;

/// <summary>Who may store, share and remove the organisation's files.</summary>
public static class MediaPermissions
{
    /// <summary>Everyone in the organisation takes photos: technicians of an inspection, porters at check-in, sellers of listings.</summary>
    public static readonly Permission Upload = new("media.upload", "store photos, videos and documents",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician,
        OrganizationRole.Porter, OrganizationRole.Salesperson);

    /// <summary>A link that opens a file without signing in leaves the organisation: the roles that talk to customers.</summary>
    public static readonly Permission Share = new("media.share", "share files by link",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Salesperson);

    /// <summary>Other records point at files; removing one is a manager's decision.</summary>
    public static readonly Permission Delete = new("media.delete", "delete stored files",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
