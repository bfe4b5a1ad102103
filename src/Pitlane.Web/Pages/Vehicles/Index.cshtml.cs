using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;
using Pitlane.Vehicles;

namespace Pitlane.Web.Pages.Vehicles;

public sealed class VehiclesIndexModel(PageOrganization organizations, PitlaneDbContext db) : PageModel
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
        var query = db.Vehicles.AsNoTracking().Where(v => v.OrganizationId == org.Id);
        if (!string.IsNullOrWhiteSpace(Q) && Q.Length <= 64)
        {
            var term = Q.Trim();
            var upper = term.ToUpperInvariant();
            query = query.Where(v => v.Vin.Contains(upper) || (v.Plate != null && v.Plate.Contains(term))
                || (v.Make != null && v.Make.Contains(term)) || (v.Nickname != null && v.Nickname.Contains(term)));
        }
        Vehicles = await query.OrderByDescending(v => v.CreatedAt).Take(500).ToListAsync(ct);
    }
}
