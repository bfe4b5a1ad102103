using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Customers;

/// <summary>The shop's customers: search by name, phone, e-mail, plate or VIN (partial, any case); add a new one.</summary>
public sealed class CustomersIndexModel(PageOrganization organizations, global::Pitlane.Modules.Shop.Customers.Customers customers) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanWrite => ShopPermissions.WriteOrders.Allows(Organization?.Role);

    public ListPage<Customer>? Found { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.View.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return;
        }
        Q = Q?.Trim() is { Length: > 0 } q ? (q.Length > global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength ? q[..global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength] : q) : null;
        Found = await customers.SearchAsync(Organization.Id, Q, new PageRequest(1, 50), ct);
    }
}
