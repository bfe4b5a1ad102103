using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Contracts;
using Pitlane.Modules.Marketplace.Orders;

namespace Pitlane.Modules.Marketplace;

/// <summary><see cref="IMarketplaceBrowser"/>: the search's fitment rule (year range, upper-case make and model keys) and the buyer's own orders.</summary>
internal sealed class MarketplaceBrowser(MarketplaceDbContext db) : IMarketplaceBrowser
{
    private const int MaxTake = 50;

    public async Task<IReadOnlyList<MarketplaceListingView>> FindFittingAsync(int modelYear, string make, string? model, string? text, int take, CancellationToken ct)
    {
        var makeKey = make.Trim().ToUpperInvariant();
        var modelKey = string.IsNullOrWhiteSpace(model) ? null : model.Trim().ToUpperInvariant();
        var query = db.Listings.AsNoTracking().Where(l => l.Active && l.Quantity > 0
            && l.Fitments.Any(f => f.MakeKey == makeKey && (modelKey == null || f.ModelKey == modelKey) && f.YearFrom <= modelYear && f.YearTo >= modelYear));
        foreach (var term in (text ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
        {
            query = query.Where(l => l.SearchText.Contains(term));
        }
        var fit = modelKey is null ? "likely" : "exact";
        return (await query.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id).Take(Math.Clamp(take, 1, MaxTake)).ToListAsync(ct))
            .Select(l => new MarketplaceListingView(l.Id, l.Title, l.PartNumber, l.Brand, l.Condition, l.Price, l.Currency, l.Quantity, fit))
            .ToList();
    }

    public async Task<IReadOnlyList<MarketplaceOrderView>> OrdersOfBuyerAsync(Guid buyerOrganizationId, int take, CancellationToken ct) =>
        (await db.Orders.AsNoTracking().Where(o => o.BuyerOrganizationId == buyerOrganizationId)
            .OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Take(Math.Clamp(take, 1, MaxTake)).ToListAsync(ct))
        .Select(View).ToList();

    public async Task<MarketplaceOrderView?> OrderOfBuyerAsync(Guid buyerOrganizationId, Guid orderId, CancellationToken ct) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId && o.BuyerOrganizationId == buyerOrganizationId, ct) is { } order ? View(order) : null;

    private static MarketplaceOrderView View(Order o) =>
        new(o.Id, o.ListingId, o.Title, o.Quantity, o.Status, o.Total, o.Currency, o.CreatedAt, o.ShippedAt, o.Tracking, o.CompletedAt);
}
