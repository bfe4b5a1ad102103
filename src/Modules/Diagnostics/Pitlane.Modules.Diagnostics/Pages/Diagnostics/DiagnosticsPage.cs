using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Diagnostics;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Diagnostics.Pages.Diagnostics;


/// <summary>
/// What the diagnostics pages share: the page's organisation (its id goes to the scripts as X-Organization-Id), the
/// antiforgery request token the scripts send with every unsafe API call, and the organisation's adapters.
/// </summary>
public abstract class DiagnosticsPage(PageOrganization organizations, DiagnosticsQueries queries, IAntiforgery antiforgery) : PageModel
{
    protected DiagnosticsQueries Queries => queries;
    protected PageOrganization Organizations => organizations;

    public MeOrganization? Organization { get; private set; }
    public string Csrf { get; private set; } = "";
    public IReadOnlyList<AdapterChoice> Adapters { get; private set; } = [];

    /// <summary>Owner, Manager, Service Advisor or Technician: the roles the scan API accepts.</summary>
    public bool CanScan => Organization is { } org && DiagnosticsPermissions.Scan.Allows(org.Role);

    /// <summary>Null when the user has no organisation: the page answers 404 then.</summary>
    protected async Task<MeOrganization?> LoadOrganizationAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        if (Organization is null)
        {
            return null;
        }
        Csrf = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
        Adapters = await queries.AdaptersAsync(Organization.Id, ct);
        return Organization;
    }
}
