using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Vehicles.Pages.Vehicles;

public sealed class VehiclesIndexModel(PageOrganization organizations, VehicleQueries vehicles) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<Vehicle> Vehicles { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return;
        }
        var q = Q is { Length: <= VehicleQueries.MaxSearchLength } ? Q : null;
        Vehicles = (await vehicles.SearchAsync(org.Id, q, new PageRequest(1, 500), ct)).Items;
    }
}
