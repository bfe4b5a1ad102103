namespace Pitlane.Modules.Marketplace.Contracts;

/// <summary>An active listing. Money in minor units of <paramref name="Currency"/>. <paramref name="Fit"/>: "exact" (year, make and model match a fitment row) or "likely" (the model was not known, so year and make only).</summary>
public sealed record MarketplaceListingView(
    Guid Id, string Title, string PartNumber, string Brand, string Condition, long Price, string Currency, int Quantity, string Fit);

/// <summary>An order as its buyer sees it. <paramref name="Status"/> is the order's state ("in_escrow", "shipped", "completed", "refunded").</summary>
public sealed record MarketplaceOrderView(
    Guid Id, Guid ListingId, string Title, int Quantity, string Status, long Total, string Currency, DateTime CreatedAt, DateTime? ShippedAt,
    string? Tracking, DateTime? CompletedAt);

/// <summary>
/// Read-only marketplace queries for other modules (the assistant). Listings are public to every organisation; orders
/// are answered only to the buying organisation (another organisation's order is null / absent).
/// </summary>
public interface IMarketplaceBrowser
{
    /// <summary>Active, in-stock listings whose fitment covers the year and make (and model when given), optionally matching every word of <paramref name="text"/>; newest first, at most 50.</summary>
    Task<IReadOnlyList<MarketplaceListingView>> FindFittingAsync(int modelYear, string make, string? model, string? text, int take, CancellationToken ct);

    /// <summary>The organisation's own purchases, newest first, at most 50.</summary>
    Task<IReadOnlyList<MarketplaceOrderView>> OrdersOfBuyerAsync(Guid buyerOrganizationId, int take, CancellationToken ct);

    Task<MarketplaceOrderView?> OrderOfBuyerAsync(Guid buyerOrganizationId, Guid orderId, CancellationToken ct);
}
