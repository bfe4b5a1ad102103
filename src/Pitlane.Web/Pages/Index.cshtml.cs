using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web.Pages;

public sealed class IndexModel(PageOrganization organizations, PitlaneDbContext db) : PageModel
{
    public string OrganizationName { get; private set; } = "";
    public string Role { get; private set; } = "";
    public int VehicleCount { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is { } org)
        {
            OrganizationName = org.Name;
            Role = org.Role.ToString();
            VehicleCount = await db.Vehicles.CountAsync(v => v.OrganizationId == org.Id, ct);
        }
    }
}
