using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Bays;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

/// <summary>The job board: open repair orders in columns by status, filtered by bay or "mine"; kept live over /hubs/live.</summary>
public sealed class ShopIndexModel(PageOrganization organizations, JobBoard board, Bookings bookings) : PageModel
{
    public static readonly RepairOrderStatus[] Columns =
        [RepairOrderStatus.Estimate, RepairOrderStatus.Authorised, RepairOrderStatus.InProgress, RepairOrderStatus.Completed, RepairOrderStatus.Invoiced];

    [BindProperty(SupportsGet = true)]
    public Guid? Bay { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    public MeOrganization? Organization { get; private set; }

    public IReadOnlyList<Bay> Bays { get; private set; } = [];

    public IReadOnlyList<BoardCard> Cards { get; private set; } = [];

    public bool Allowed { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.View.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return;
        }
        var org = Organization.Id;
        var me = User.UserId();
        Bays = await bookings.BaysAsync(org, ct);
        Cards = await board.CardsAsync(org, Bay, Mine ? me : null, ct);
    }

    public static string Heading(RepairOrderStatus status) => status switch
    {
        RepairOrderStatus.Estimate => "Waiting for approval",
        RepairOrderStatus.Authorised => "Approved, not started",
        RepairOrderStatus.InProgress => "In the workshop",
        RepairOrderStatus.Completed => "Ready to invoice",
        _ => "Waiting for payment",
    };
}
