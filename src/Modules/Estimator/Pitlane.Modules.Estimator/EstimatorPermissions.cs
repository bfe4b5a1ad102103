using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Estimator;

/// <summary>Who may see, build and order from parts-and-labor quotes, and who sets the shop's pricing rules.</summary>
public static class EstimatorPermissions
{
    public static readonly Permission View = new("estimator.view", "see parts and labor quotes",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor, OrganizationRole.Technician);

    public static readonly Permission Quote = new("estimator.quote", "build quotes and change the chosen parts",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Order = new("estimator.order", "order parts from suppliers",
        OrganizationRole.Owner, OrganizationRole.Manager, OrganizationRole.ServiceAdvisor);

    public static readonly Permission Configure = new("estimator.configure", "set labor rates, book times, parts markup and shop rules",
        OrganizationRole.Owner, OrganizationRole.Manager);
}
