using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging;

/// <summary>Who may read and write the shop's conversations with its customers.</summary>
public static class MessagingPermissions
{
    public static readonly Permission View = new("messaging.view", "read conversations with customers",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Send = new("messaging.send", "text or e-mail customers",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Manage = new("messaging.manage", "change quiet hours and reminders",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
