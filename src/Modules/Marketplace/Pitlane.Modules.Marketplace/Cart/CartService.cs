using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Orders;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Cart;

public sealed record AddToCartRequest(Guid? ListingId, int? Quantity, string? ShippingOption);
public sealed record CheckoutRequest(string? PaymentMethod);

public sealed record CartLineView(
    Guid Id, Guid ListingId, Guid SellerOrganizationId, string Title, string PartNumber, string Brand, int Quantity, int Available, long Price,
    string ShippingOption, long ShippingPrice, IReadOnlyList<string> ShippingOptions, long Total, string Currency, string? Problem);

public sealed record CartSellerGroup(Guid SellerOrganizationId, IReadOnlyList<CartLineView> Lines, long Total, string Currency);

public sealed record CartView(IReadOnlyList<CartSellerGroup> Sellers, IReadOnlyDictionary<string, long> Totals, int Count);

public sealed record CheckoutLine(Guid CartLineId, Guid ListingId, string Title, OrderView? Order, int? Status, string? Problem);

public sealed record CheckoutResult(Guid CheckoutId, IReadOnlyList<CheckoutLine> Lines)
{
    public int Placed => Lines.Count(l => l.Order is not null);

    /// <summary>Without a card: where the buyer pays the first order placed (the processor's page, then back to the orders).</summary>
    public string? PayUrl => Lines.Select(l => l.Order?.PayUrl).FirstOrDefault(u => u is not null);
}

/// <summary>
/// The buyer's cart and its checkout. One checkout places one escrow order per cart line, each with its own
/// manual-capture intent paid to that line's seller (docs/decisions: marketplace cart): a dispute, a refund or an
/// automatic release then concerns one part and one seller, never a share of a combined charge. A line that cannot be
/// placed (sold out, declined card) stays in the cart with the reason; the lines placed are removed. Without a card
/// (the pages), each order holds its stock while the buyer pays it on the processor's page (<see cref="CheckoutResult.PayUrl"/>).
/// </summary>
public sealed class CartService(MarketplaceDbContext db, OrderService orders, TimeProvider time)
{
    public const int MaxLines = 30;

    public async Task<CartView> ViewAsync(Guid organization, Guid user, CancellationToken ct)
    {
        var items = await db.CartItems.AsNoTracking().Where(i => i.OrganizationId == organization && i.UserId == user).OrderBy(i => i.AddedAt).ToListAsync(ct);
        var ids = items.Select(i => i.ListingId).ToList();
        var listings = await db.Listings.AsNoTracking().Include(l => l.ShippingOptions).Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var lines = new List<CartLineView>();
        foreach (var item in items)
        {
            if (!listings.TryGetValue(item.ListingId, out var l))
            {
                continue;
            }
            var shipping = l.ShippingOptions.FirstOrDefault(s => s.Name == item.ShippingOption) ?? l.ShippingOptions.OrderBy(s => s.Price).First();
            var problem = !l.Active || l.Quantity == 0 ? "No longer for sale." : item.Quantity > l.Quantity ? $"Only {l.Quantity} left." : null;
            lines.Add(new CartLineView(item.Id, l.Id, l.SellerOrganizationId, l.Title, l.PartNumber, l.Brand, item.Quantity, l.Quantity, l.Price,
                shipping.Name, shipping.Price, [.. l.ShippingOptions.OrderBy(s => s.Price).Select(s => s.Name)], l.Price * item.Quantity + shipping.Price, l.Currency, problem));
        }
        var groups = lines.GroupBy(l => l.SellerOrganizationId)
            .Select(g => new CartSellerGroup(g.Key, [.. g], g.Where(l => l.Problem is null).Sum(l => l.Total), g.First().Currency)).ToList();
        var totals = lines.Where(l => l.Problem is null).GroupBy(l => l.Currency).ToDictionary(g => g.Key, g => g.Sum(l => l.Total));
        return new CartView(groups, totals, lines.Count);
    }

    public async Task<IResult> AddAsync(Guid organization, Guid user, AddToCartRequest request, CancellationToken ct)
    {
        var quantity = request.Quantity ?? 1;
        var check = new Validation()
            .Require(request.ListingId is not null, "listingId", "listingId is required.")
            .Require(quantity is >= 1 and <= 100, "quantity", "quantity is between 1 and 100.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var listing = await db.Listings.AsNoTracking().Include(l => l.ShippingOptions).FirstOrDefaultAsync(l => l.Id == request.ListingId && l.Active, ct);
        if (listing is null)
        {
            return Problems.NotFound("No such listing.");
        }
        if (listing.SellerOrganizationId == organization)
        {
            return Problems.Conflict("This is your own listing.");
        }
        var shipping = string.IsNullOrWhiteSpace(request.ShippingOption)
            ? listing.ShippingOptions.OrderBy(s => s.Price).First()
            : listing.ShippingOptions.FirstOrDefault(s => string.Equals(s.Name, request.ShippingOption.Trim(), StringComparison.OrdinalIgnoreCase));
        if (shipping is null)
        {
            return Problems.Invalid("shippingOption", $"shippingOption is one of: {string.Join(", ", listing.ShippingOptions.Select(s => s.Name))}.");
        }
        if (quantity > listing.Quantity)
        {
            return Problems.Conflict($"Only {listing.Quantity} left.");
        }
        var existing = await db.CartItems.FirstOrDefaultAsync(i => i.OrganizationId == organization && i.UserId == user && i.ListingId == listing.Id, ct);
        if (existing is null)
        {
            if (await db.CartItems.CountAsync(i => i.OrganizationId == organization && i.UserId == user, ct) >= MaxLines)
            {
                return Problems.Conflict($"A cart holds at most {MaxLines} parts; check out or remove some first.");
            }
            db.CartItems.Add(CartItem.Create(organization, user, listing.Id, quantity, shipping.Name, time.GetUtcNow().UtcDateTime));
        }
        else
        {
            existing.Change(quantity, shipping.Name);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same listing added twice at once: the unique (organisation, user, listing) row already exists.
            return Problems.Conflict("This part was just added to the cart.");
        }
        return TypedResults.Ok(await ViewAsync(organization, user, ct));
    }

    public async Task<bool> RemoveAsync(Guid organization, Guid user, Guid lineId, CancellationToken ct) =>
        await db.CartItems.Where(i => i.Id == lineId && i.OrganizationId == organization && i.UserId == user).ExecuteDeleteAsync(ct) > 0;

    public async Task<IResult> CheckoutAsync(Guid organization, Guid user, CheckoutRequest request, CancellationToken ct)
    {
        if (request.PaymentMethod is { } pm && (pm.Length <= 3 || !pm.StartsWith("pm_", StringComparison.Ordinal)))
        {
            return Problems.Invalid("paymentMethod", "paymentMethod is a processor token (pm_...); leave it out to pay on the processor's page.");
        }
        var items = await db.CartItems.Where(i => i.OrganizationId == organization && i.UserId == user).OrderBy(i => i.AddedAt).ToListAsync(ct);
        if (items.Count == 0)
        {
            return Problems.Conflict("The cart is empty.");
        }
        var checkoutId = Guid.CreateVersion7();
        var lines = new List<CheckoutLine>();
        foreach (var item in items)
        {
            var placed = await orders.PlaceAsync(organization, user, new CreateOrderRequest(item.ListingId, item.Quantity, item.ShippingOption, request.PaymentMethod), checkoutId, ct);
            if (placed is Created<OrderView> created)
            {
                db.CartItems.Remove(item);
                await db.SaveChangesAsync(ct);
                lines.Add(new CheckoutLine(item.Id, item.ListingId, created.Value!.Title, created.Value, StatusCodes.Status201Created, null));
            }
            else
            {
                // A failed line may leave tracked changes (a reserved quantity, an unsaved order): none of them may ride on the next save.
                db.ChangeTracker.Clear();
                var (status, detail) = ProblemText.Of(placed);
                lines.Add(new CheckoutLine(item.Id, item.ListingId, "", null, status, detail));
            }
        }
        var result = new CheckoutResult(checkoutId, lines);
        return result.Placed == 0 && lines.Count > 0 && lines.All(l => l.Status == StatusCodes.Status402PaymentRequired)
            ? TypedResults.Problem(lines[0].Problem, statusCode: StatusCodes.Status402PaymentRequired, title: "Payment declined")
            : TypedResults.Ok(result);
    }
}

/// <summary>/api/v1/marketplace/cart: the signed-in person's cart in the chosen organisation, and its checkout (idempotent).</summary>
public static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder routes)
    {
        var cart = routes.MapTenantApi("/api/v1/marketplace/cart", "Marketplace");
        cart.MapGet("", async (OrganizationScope scope, CartService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ViewAsync(scope.OrganizationId, scope.UserId, ct))).RequirePermission(MarketplacePermissions.Buy);
        cart.MapPost("/items", (AddToCartRequest request, OrganizationScope scope, CartService service, CancellationToken ct) =>
            service.AddAsync(scope.OrganizationId, scope.UserId, request, ct)).RequirePermission(MarketplacePermissions.Buy);
        cart.MapDelete("/items/{id:guid}", async (Guid id, OrganizationScope scope, CartService service, CancellationToken ct) =>
            await service.RemoveAsync(scope.OrganizationId, scope.UserId, id, ct) ? Results.NoContent() : Problems.NotFound("No such line in your cart."))
            .RequirePermission(MarketplacePermissions.Buy);
        cart.MapPost("/checkout", (CheckoutRequest request, OrganizationScope scope, CartService service, CancellationToken ct) =>
            service.CheckoutAsync(scope.OrganizationId, scope.UserId, request, ct)).RequirePermission(MarketplacePermissions.Buy).WithIdempotency();
        return routes;
    }
}
