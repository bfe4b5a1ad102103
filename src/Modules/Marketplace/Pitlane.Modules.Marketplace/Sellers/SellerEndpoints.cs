using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Sellers;

public sealed record SellerAccountView(long ListingLimit, int ActiveListings, int FeeBasisPoints, string? PlanName, SellerRating Rating);

/// <summary>/api/v1/marketplace/sellers: a seller's own terms (plan, listing allowance, fee) and any seller's rating.</summary>
public static class SellerEndpoints
{
    public static IEndpointRouteBuilder MapSellerEndpoints(this IEndpointRouteBuilder routes)
    {
        var sellers = routes.MapTenantApi("/api/v1/marketplace/sellers", "Marketplace");
        sellers.MapGet("/me", async (OrganizationScope scope, SellerPlans plans, OrderService orders, MarketplaceDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await AccountAsync(scope.OrganizationId, plans, orders, db, ct))).RequirePermission(MarketplacePermissions.Sell);
        sellers.MapGet("/{id:guid}/rating", async (Guid id, OrderService orders, CancellationToken ct) =>
            TypedResults.Ok(await orders.RatingOfAsync(id, ct))).RequirePermission(MarketplacePermissions.Browse);
        return routes;
    }

    public static async Task<SellerAccountView> AccountAsync(Guid seller, SellerPlans plans, OrderService orders, MarketplaceDbContext db, CancellationToken ct)
    {
        var terms = await plans.TermsAsync(seller, ct);
        var active = await db.Listings.CountAsync(l => l.SellerOrganizationId == seller && l.Active, ct);
        return new SellerAccountView(terms.ListingLimit, active, terms.FeeBasisPoints, terms.PlanName, await orders.RatingOfAsync(seller, ct));
    }
}
