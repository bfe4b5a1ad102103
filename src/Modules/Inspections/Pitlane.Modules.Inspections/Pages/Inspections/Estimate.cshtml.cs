using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Inspections.Pages.Inspections;

/// <summary>
/// /Inspections/Estimate?repairOrderId=: the advisor types the customer's concern (and trouble codes from a scan), gets
/// suggested jobs labelled with their source, edits or drops each, and adds the kept ones to the repair order.
/// </summary>
public sealed class InspectionEstimateModel(PageOrganization organizations, IShopRepairOrders orders) : PageModel
{
    public bool Allowed { get; private set; }
    public ShopRepairOrderView? Order { get; private set; }
    public string? Concern { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? repairOrderId, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org)
        {
            return Page();
        }
        Allowed = InspectionsPermissions.Estimate.Allows(org.Role);
        if (!Allowed)
        {
            return Page();
        }
        if (repairOrderId is { } ro)
        {
            Order = await orders.FindAsync(org.Id, ro, ct);
            if (Order is null)
            {
                return NotFound();
            }
            // The concern the customer gave at drop-off, when the RO has one written on a job already.
            Concern = Order.Jobs.Select(j => j.Concern).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
        }
        return Page();
    }
}
