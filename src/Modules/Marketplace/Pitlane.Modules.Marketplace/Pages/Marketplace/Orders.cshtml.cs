using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Modules.Marketplace.Sellers;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Pages.Marketplace;

/// <summary>One order row of the order lists: as the buyer sees it or as the seller does, with the actions the person may take.</summary>
public sealed record OrderRow(OrderView Order, bool Buyer, bool CanAct, bool Checking = false)
{
    /// <summary>The status in words (marketplace.js has the same list for live changes).</summary>
    public static string Label(string status) => status switch
    {
        OrderStatus.AwaitingPayment => "waiting for payment",
        OrderStatus.InEscrow => "paid, held",
        OrderStatus.Shipped => "shipped",
        OrderStatus.Completed => "delivered",
        OrderStatus.Refunded => "refunded",
        OrderStatus.Cancelled => "cancelled",
        _ => status.Replace('_', ' '),
    };
}

/// <summary>The organisation's marketplace orders as buyer (/Marketplace/Orders) or as seller (/Marketplace/Sales), with live status.</summary>
public abstract class OrderListModel(PageOrganization organizations, OrderService orders) : PageModel
{
    protected OrderService Service { get; } = orders;
    protected abstract string Role { get; }
    protected abstract Permission Needs { get; }

    [BindProperty(SupportsGet = true, Name = "p")] public int? PageNumber { get; set; }
    public ListPage<OrderView>? Orders { get; private set; }
    public Guid OrganizationId { get; private set; }

    protected async Task<MeOrganization?> LoadAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !Needs.Allows(org.Role))
        {
            return null;
        }
        OrganizationId = org.Id;
        var check = new Validation();
        var paging = PageRequest.From(PageNumber, 50, check);
        Orders = await Service.ListAsync(org.Id, Role, check.IsValid ? paging : PageRequest.From(1, 50, new Validation()), ct);
        return org;
    }
}

public sealed class MarketplaceOrdersModel(PageOrganization organizations, OrderService orders, MarketplaceOptions options) : OrderListModel(organizations, orders)
{
    public int HoldMinutes => options.UnpaidHoldMinutes;

    protected override string Role => "buyer";
    protected override Permission Needs => MarketplacePermissions.ViewOrders;
    public bool CanAct { get; private set; }

    /// <summary>Orders placed without a card and not paid yet, oldest first: the banner's "Pay next".</summary>
    public IReadOnlyList<OrderView> ToPay => [.. (Orders?.Items ?? []).Where(o => o.PayUrl is not null && o.Id != Paying).OrderBy(o => o.CreatedAt)];

    /// <summary>The order the buyer just paid on the processor's page (its news may not have arrived yet).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Paying { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } org)
        {
            return NotFound();
        }
        CanAct = MarketplacePermissions.Buy.Allows(org.Role);
        // Back from the processor's page: orders paid there are shown in escrow even before the news arrives.
        if (await Service.RefreshUnpaidAsync(org.Id, ct) > 0)
        {
            await LoadAsync(ct);
        }
        return Page();
    }
}

public sealed class MarketplaceSalesModel(PageOrganization organizations, OrderService service, ListingService listings) : OrderListModel(organizations, service)
{
    protected override string Role => "seller";
    protected override Permission Needs => MarketplacePermissions.Sell;
    public SellerTerms? Terms { get; private set; }
    public SellerRating? Rating { get; private set; }
    public ListPage<ListingView>? Listings { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } org)
        {
            return NotFound();
        }
        Terms = await listings.TermsAsync(org.Id, ct);
        Rating = await Service.RatingOfAsync(org.Id, ct);
        Listings = await listings.MineAsync(org.Id, PageRequest.From(1, 100, new Validation()), ct);
        return Page();
    }
}
