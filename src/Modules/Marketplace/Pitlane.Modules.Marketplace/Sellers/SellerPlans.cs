using Pitlane.Modules.Payments.Contracts;

namespace Pitlane.Modules.Marketplace.Sellers;

/// <summary>What a seller may do under its plan: how many listings may be active at once, and the platform fee rate.</summary>
public sealed record SellerTerms(long ListingLimit, int FeeBasisPoints, string? PlanName);

/// <summary>
/// A seller's plan, asked from Payments' subscriptions (<see cref="ISubscriptions"/>). Only plans offered by the
/// platform's own organisation (Pitlane:Marketplace:PlanProviderOrganizationId) count: any organisation may publish
/// plans, and a seller must not raise its own limits with a plan of its own. Entitlements:
/// <c>marketplace.listings</c> (active listings allowed; the free allowance below is the floor) and
/// <c>marketplace.fee_discount_bps</c> (basis points off the platform fee). Where several plans grant a feature the
/// highest value counts, which for a discount is the lowest fee.
/// </summary>
public sealed class SellerPlans(ISubscriptions subscriptions, MarketplaceOptions options)
{
    public const string ListingsFeature = "marketplace.listings";
    public const string FeeDiscountFeature = "marketplace.fee_discount_bps";

    public async Task<SellerTerms> TermsAsync(Guid sellerOrganizationId, CancellationToken ct)
    {
        var free = new SellerTerms(options.FreeListingLimit, options.PlatformFeeBasisPoints, null);
        if (options.PlanProviderOrganizationId is not { } provider)
        {
            return free;
        }
        var set = await subscriptions.EntitlementsAsync(sellerOrganizationId, provider, ct);
        var limit = Math.Max(free.ListingLimit, set.Limit(ListingsFeature) ?? 0);
        var discount = (int)Math.Clamp(set.Limit(FeeDiscountFeature) ?? 0, 0, options.PlatformFeeBasisPoints);
        return new SellerTerms(limit, options.PlatformFeeBasisPoints - discount, set.Plans.FirstOrDefault()?.PlanName);
    }
}
