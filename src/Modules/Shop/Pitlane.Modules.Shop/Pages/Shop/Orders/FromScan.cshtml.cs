using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop.Orders;

/// <summary>The scan page's "Create repair order" button posts here; on success the advisor lands on the repair order.</summary>
public sealed class FromScanModel(PageOrganization organizations, ScanIntake intake) : PageModel
{
    public string? Problem { get; private set; }

    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync(Guid scanId, CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        if (org is null)
        {
            return NotFound();
        }
        if (!ShopPermissions.WriteOrders.Allows(org.Role))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var outcome = await intake.CreateAsync(org.Id, scanId, ct);
        if (outcome.NotFound)
        {
            return NotFound();
        }
        if (outcome.Value is { } created)
        {
            return Redirect($"/Shop/Orders/{created.RepairOrderId}");
        }
        Problem = outcome.Conflict ?? string.Join(" ", outcome.Errors?.Values.SelectMany(v => v) ?? []);
        Response.StatusCode = outcome.Conflict is null ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        return Page();
    }
}
