using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Modules.Marketplace.Sellers;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Live;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Orders;

public sealed record CreateOrderRequest(Guid? ListingId, int? Quantity, string? ShippingOption, string? PaymentMethod);
public sealed record ShipOrderRequest(string? Tracking);
public sealed record DisputeOrderRequest(string? Reason, List<Guid>? EvidencePhotoIds = null);
public sealed record RateOrderRequest(int? Stars, string? Comment);
public sealed record SellerRating(double Average, int Count);

public sealed record OrderView(
    Guid Id, Guid BuyerOrganizationId, Guid SellerOrganizationId, Guid ListingId, string Title, string? SerialNumber, int Quantity,
    long ItemsAmount, long ShippingAmount, long Total, long PlatformFee, long SellerReceives, string Currency, string ShippingOption, string Status,
    Guid PaymentIntentId, string? Tracking, string? DisputeReason, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ShippedAt, DateTime? ReleaseDueAt,
    DateTime? CompletedAt, int FeeBasisPoints, Guid? CheckoutId, IReadOnlyList<Guid> EvidencePhotoIds, int? Rating, string? RatingComment, string? PayUrl)
{
    /// <summary>Where the buyer pays an order placed without a card: the processor's page, then back to the buyer's orders.</summary>
    public const string PaidReturnPath = "/Marketplace/Orders";

    /// <summary>The buyer's orders page, told which order was just paid (it shows that one as being checked).</summary>
    public static string ReturnAfterPaying(Guid orderId) => $"{PaidReturnPath}?paying={orderId}";

    public static OrderView From(Order o) => new(
        o.Id, o.BuyerOrganizationId, o.SellerOrganizationId, o.ListingId, o.Title, o.SerialNumber, o.Quantity, o.ItemsAmount, o.ShippingAmount, o.Total,
        o.PlatformFee, o.Total - o.PlatformFee, o.Currency, o.ShippingOption, o.Status, o.PaymentIntentId, o.Tracking, o.DisputeReason, o.CreatedAt,
        o.UpdatedAt, o.ShippedAt, o.ReleaseDueAt, o.CompletedAt, o.FeeBasisPoints, o.CheckoutId, o.EvidencePhotos, o.Rating, o.RatingComment,
        o.Status == OrderStatus.AwaitingPayment ? $"/Payments/Pay/{o.PaymentIntentId}?then={Uri.EscapeDataString(ReturnAfterPaying(o.Id))}" : null);
}

/// <summary>
/// Escrow through Payments: the order authorises a manual-capture destination charge (the platform fee as application
/// fee, the seller organisation as transfer destination); delivery confirmation, or the end of the escrow period,
/// captures it; a dispute releases the hold or refunds what was captured. Every change is pushed to both organisations.
/// </summary>
public sealed class OrderService(
    MarketplaceDbContext db, IPayments processorPayments, ProvenanceLog log, ILiveChannel live, MarketplaceOptions options, SellerPlans plans, IMediaStore media,
    ILogger<OrderService> logger, TimeProvider time)
{
    private readonly GuardedPayments payments = new(processorPayments, logger);

    public const string LiveMethod = "marketplaceOrder";
    /// <summary>The payment intent's reference: "marketplace.order:{id}", given back on PaymentIntentStatusChanged.</summary>
    public const string ReferencePrefix = "marketplace.order:";
    public const int MaxEvidencePhotos = 6;
    public const long MaxEvidenceBytes = 10 * 1024 * 1024;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<IResult> PlaceAsync(OrganizationScope scope, CreateOrderRequest request, CancellationToken ct) =>
        PlaceAsync(scope.OrganizationId, scope.UserId, request, null, ct);

    /// <summary>One listing into escrow: its own manual-capture intent, the fee rate of the seller's plan recorded on the order.</summary>
    public async Task<IResult> PlaceAsync(Guid buyerOrganization, Guid buyerUser, CreateOrderRequest request, Guid? checkoutId, CancellationToken ct)
    {
        var quantity = request.Quantity ?? 1;
        var check = new Validation()
            .Require(request.ListingId is not null, "listingId", "listingId is required.")
            .Require(quantity is >= 1 and <= 100, "quantity", "quantity is between 1 and 100.")
            .Require(request.PaymentMethod is null || (request.PaymentMethod.Length > 3 && request.PaymentMethod.StartsWith("pm_", StringComparison.Ordinal)),
                "paymentMethod", "paymentMethod is a processor token (pm_...); leave it out to pay on the processor's page.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var listing = await db.Listings.Include(l => l.ShippingOptions).FirstOrDefaultAsync(l => l.Id == request.ListingId && l.Active, ct);
        if (listing is null)
        {
            return Problems.NotFound("No such listing.");
        }
        if (listing.SellerOrganizationId == buyerOrganization)
        {
            return Problems.Conflict("An organisation cannot buy its own listing.");
        }
        var shipping = request.ShippingOption is null
            ? listing.ShippingOptions.OrderBy(s => s.Price).First()
            : listing.ShippingOptions.FirstOrDefault(s => string.Equals(s.Name, request.ShippingOption, StringComparison.OrdinalIgnoreCase));
        if (shipping is null)
        {
            return Problems.Invalid("shippingOption", $"shippingOption is one of: {string.Join(", ", listing.ShippingOptions.Select(s => s.Name))}.");
        }
        if (quantity > listing.Quantity)
        {
            return Problems.Conflict($"Only {listing.Quantity} left.");
        }

        var items = listing.Price * quantity;
        var total = items + shipping.Price;
        var feeRate = (await plans.TermsAsync(listing.SellerOrganizationId, ct)).FeeBasisPoints;
        var fee = Order.Fee(total, feeRate);
        var orderId = Guid.CreateVersion7();
        var result = await payments.CreateIntentAsync(buyerOrganization, new NewPaymentIntent(
            total, listing.Currency, CaptureMethod: "manual", PaymentMethod: request.PaymentMethod, Confirm: request.PaymentMethod is not null, ApplicationFeeAmount: fee,
            TransferDestination: listing.SellerOrganizationId, CustomerId: buyerUser, Description: $"Marketplace order {orderId:N}: {listing.Title}",
            Reference: $"{ReferencePrefix}{orderId}"), ct);
        if (Failure(result) is { } failure)
        {
            return failure;
        }
        var intent = result.Intent!;
        var payOnProcessorPage = request.PaymentMethod is null && intent.Status == "requires_payment_method";
        if (intent.Status != "requires_capture" && !payOnProcessorPage)
        {
            // Declined, or a step the buyer must take that this API cannot (3-D Secure): nothing is held, nothing ordered.
            if (intent.Status is not ("requires_payment_method" or "canceled"))
            {
                await payments.CancelAsync(buyerOrganization, intent.Id, ct);
            }
            return TypedResults.Problem(intent.LastPaymentError ?? $"The payment could not be authorised ({intent.Status}).",
                statusCode: StatusCodes.Status402PaymentRequired, title: "Payment declined");
        }

        var now = Now;
        if (listing.Reserve(quantity, now) is { } unavailable)
        {
            await payments.CancelAsync(buyerOrganization, intent.Id, ct);
            return Problems.Conflict(unavailable);
        }
        var order = Order.PlaceInEscrow(orderId, buyerOrganization, buyerUser, listing.SellerOrganizationId, listing.Id, listing.Title, listing.SerialNumber,
            quantity, items, shipping.Price, fee, listing.Currency, shipping.Name, intent.Id, now, feeRate, checkoutId, awaitingPayment: payOnProcessorPage);
        db.Orders.Add(order);
        try
        {
            // The part is sold (a provenance event) once the money is held; an order awaiting payment only holds the stock.
            await log.SaveWithEventsAsync(payOnProcessorPage ? [] : SerialEvent(order, PartEvents.Sold, order.SellerOrganizationId), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another order took the stock between reading and saving: release this buyer's hold.
            await payments.CancelAsync(buyerOrganization, intent.Id, ct);
            return Problems.Conflict("The listing changed while ordering (sold out?); nothing was charged.");
        }
        await PublishAsync(order, ct);
        return TypedResults.Created($"/api/v1/marketplace/orders/{order.Id}", OrderView.From(order));
    }

    /// <summary>
    /// The buyer paid an order on the processor's page (the hold is in place): the order goes into escrow and the part is
    /// sold. An order cancelled meanwhile (not paid in time) gives the hold back instead. Paying twice changes nothing.
    /// </summary>
    public async Task PaidAsync(Guid orderId, Guid intentId, CancellationToken ct)
    {
        if (await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId && o.PaymentIntentId == intentId, ct) is not { } order)
        {
            return;
        }
        if (order.Status == OrderStatus.Cancelled)
        {
            logger.LogInformation("Order {Order} was paid after it was cancelled; releasing the hold", order.Id);
            await payments.CancelAsync(order.BuyerOrganizationId, intentId, ct);
            return;
        }
        if (order.Status != OrderStatus.AwaitingPayment)
        {
            return;
        }
        order.Paid(Now);
        await log.SaveWithEventsAsync(SerialEvent(order, PartEvents.Sold, order.SellerOrganizationId), ct);
        await PublishAsync(order, ct);
    }

    /// <summary>
    /// Looks at the payments of the buyer's orders still awaiting payment and puts the ones paid into escrow now (the
    /// buyer is back from the processor's page before the news arrived). Returns how many moved.
    /// </summary>
    public async Task<int> RefreshUnpaidAsync(Guid buyerOrganization, CancellationToken ct)
    {
        var waiting = await db.Orders.AsNoTracking().Where(o => o.BuyerOrganizationId == buyerOrganization && o.Status == OrderStatus.AwaitingPayment)
            .OrderBy(o => o.CreatedAt).Take(MaxUnpaidLooked).Select(o => new { o.Id, o.PaymentIntentId }).ToListAsync(ct);
        var moved = 0;
        foreach (var order in waiting)
        {
            if ((await payments.FindAsync(buyerOrganization, order.PaymentIntentId, ct))?.Status == "requires_capture")
            {
                await TryPaidAsync(order.Id, order.PaymentIntentId, ct);
                moved++;
            }
        }
        return moved;
    }

    private const int MaxUnpaidLooked = 30;

    /// <summary><see cref="PaidAsync"/> outside the event handler: when the handler moved the order first, that is fine.</summary>
    private async Task TryPaidAsync(Guid orderId, Guid intentId, CancellationToken ct)
    {
        try
        {
            await PaidAsync(orderId, intentId, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The buyer gives up an order not yet paid: the payment is cancelled and the stock goes back to the listing.</summary>
    public async Task<IResult> CancelUnpaidAsync(Order order, CancellationToken ct)
    {
        if (order.CannotCancel() is { } reason)
        {
            return Problems.Conflict(reason);
        }
        var current = await payments.FindAsync(order.BuyerOrganizationId, order.PaymentIntentId, ct);
        if (current?.Status == "requires_capture")
        {
            // Paid a moment ago, before the news reached the order: it is in escrow now, and a dispute is the way back.
            await TryPaidAsync(order.Id, order.PaymentIntentId, ct);
            return Problems.Conflict("This order was just paid; report a problem to get the money back.");
        }
        return await LetGoAsync(order, current, ct) ?? TypedResults.Ok(OrderView.From(order));
    }

    /// <summary>
    /// Orders left unpaid for <see cref="MarketplaceOptions.UnpaidHoldMinutes"/>: the payment is cancelled and the stock
    /// released; one paid meanwhile goes into escrow instead. Returns how many were let go.
    /// </summary>
    public async Task<int> ExpireUnpaidAsync(CancellationToken ct)
    {
        var cutoff = Now.AddMinutes(-options.UnpaidHoldMinutes);
        var stale = await db.Orders.AsNoTracking().Where(o => o.Status == OrderStatus.AwaitingPayment && o.CreatedAt < cutoff)
            .OrderBy(o => o.CreatedAt).Take(100).Select(o => o.Id).ToListAsync(ct);
        var expired = 0;
        foreach (var id in stale)
        {
            db.ChangeTracker.Clear();
            if (await db.Orders.FirstOrDefaultAsync(o => o.Id == id && o.Status == OrderStatus.AwaitingPayment, ct) is not { } order)
            {
                continue;
            }
            var current = await payments.FindAsync(order.BuyerOrganizationId, order.PaymentIntentId, ct);
            if (current?.Status == "requires_capture")
            {
                await TryPaidAsync(order.Id, order.PaymentIntentId, ct);
                continue;
            }
            if (await LetGoAsync(order, current, ct) is null)
            {
                expired++;
            }
        }
        db.ChangeTracker.Clear();
        return expired;
    }

    private async Task<IResult?> LetGoAsync(Order order, PaymentIntentView? current, CancellationToken ct)
    {
        if (current is { Status: not "canceled" })
        {
            var cancelled = await payments.CancelAsync(order.BuyerOrganizationId, order.PaymentIntentId, ct);
            if (Failure(cancelled) is { } failure)
            {
                return failure;
            }
        }
        order.Cancel(Now);
        if (await db.Listings.FirstOrDefaultAsync(l => l.Id == order.ListingId, ct) is { } listing)
        {
            listing.Release(order.Quantity, Now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Problems.Conflict("The order changed meanwhile; reload it.");
        }
        await PublishAsync(order, ct);
        return null;
    }

    public async Task<IResult> ShipAsync(Order order, string? tracking, CancellationToken ct)
    {
        if (tracking is { Length: > 120 })
        {
            return Problems.Invalid("tracking", "tracking is at most 120 characters.");
        }
        if (order.CannotShip() is { } reason)
        {
            return Problems.Conflict(reason);
        }
        order.Ship(tracking?.Trim(), Now, TimeSpan.FromDays(options.AutoReleaseDays));
        await log.SaveWithEventsAsync(SerialEvent(order, PartEvents.Shipped, order.SellerOrganizationId), ct);
        await PublishAsync(order, ct);
        return TypedResults.Ok(OrderView.From(order));
    }

    /// <summary>Captures the hold: the seller's share and the platform fee are booked by Payments' ledger.</summary>
    public async Task<IResult> CompleteAsync(Order order, CancellationToken ct)
    {
        if (order.CannotComplete() is { } reason)
        {
            return Problems.Conflict(reason);
        }
        var result = await payments.CaptureAsync(order.BuyerOrganizationId, order.PaymentIntentId, null, ct);
        if (Failure(result) is { } failure)
        {
            return failure;
        }
        order.Complete(Now);
        await db.SaveChangesAsync(ct);
        await PublishAsync(order, ct);
        return TypedResults.Ok(OrderView.From(order));
    }

    public async Task<IResult> DisputeAsync(Order order, string? reason, IReadOnlyCollection<Guid>? evidence, CancellationToken ct)
    {
        evidence ??= [];
        if (reason is not { Length: >= 5 and <= 2000 })
        {
            return Problems.Invalid("reason", "Describe the problem (5 to 2000 characters): what arrived, what is wrong.");
        }
        if (evidence.Count > MaxEvidencePhotos)
        {
            return Problems.Invalid("evidencePhotoIds", $"At most {MaxEvidencePhotos} photos.");
        }
        foreach (var photo in evidence)
        {
            if (await media.FindAsync(order.BuyerOrganizationId, photo, ct) is not { Kind: MediaKind.Image })
            {
                return Problems.Invalid("evidencePhotoIds", $"{photo} is not a photo uploaded by this organisation.");
            }
        }
        if (order.CannotDispute() is { } conflict)
        {
            return Problems.Conflict(conflict);
        }
        var wasShipped = order.Status != OrderStatus.InEscrow;
        var result = order.Captured
            ? await payments.RefundAsync(order.BuyerOrganizationId, order.PaymentIntentId, null, "requested_by_customer", ct)
            : await payments.CancelAsync(order.BuyerOrganizationId, order.PaymentIntentId, ct);
        if (Failure(result) is { } failure)
        {
            return failure;
        }
        order.Refund(reason.Trim(), [.. evidence.Distinct()], Now);
        if (!wasShipped && await db.Listings.FirstOrDefaultAsync(l => l.Id == order.ListingId, ct) is { } listing)
        {
            listing.Release(order.Quantity, Now);
        }
        await db.SaveChangesAsync(ct);
        await PublishAsync(order, ct);
        return TypedResults.Ok(OrderView.From(order));
    }

    /// <summary>Stores one evidence photo for the buyer organisation; its id is then given with the dispute.</summary>
    public async Task<IResult> UploadEvidenceAsync(Guid buyerOrganization, Guid userId, Stream content, string? fileName, CancellationToken ct)
    {
        try
        {
            var item = await media.PutAsync(new MediaUpload(buyerOrganization, content, fileName, [MediaKind.Image], MaxEvidenceBytes, userId), ct);
            return TypedResults.Created($"/api/v1/media/{item.Id}", new { id = item.Id });
        }
        catch (MediaRejectedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }
    }

    /// <summary>Links to an order's evidence photos for either party (the seller is not a member of the buyer), valid an hour.</summary>
    public async Task<IReadOnlyList<string>> EvidenceLinksAsync(OrderView order, CancellationToken ct)
    {
        var links = new List<string>();
        foreach (var id in order.EvidencePhotoIds)
        {
            if (await media.FindAsync(order.BuyerOrganizationId, id, ct) is { } item)
            {
                links.Add(media.SignedPath(item, Now.AddHours(1)));
            }
        }
        return links;
    }

    public async Task<IResult> RateAsync(Order order, RateOrderRequest request, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Stars is >= 1 and <= 5, "stars", "stars is 1 to 5.")
            .Require(request.Comment is null || request.Comment.Length <= 1000, "comment", "comment is at most 1000 characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (order.CannotRate() is { } reason)
        {
            return Problems.Conflict(reason);
        }
        order.Rate(request.Stars!.Value, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(), Now);
        await db.SaveChangesAsync(ct);
        await PublishAsync(order, ct);
        return TypedResults.Ok(OrderView.From(order));
    }

    public async Task<SellerRating> RatingOfAsync(Guid seller, CancellationToken ct)
    {
        var stars = await db.Orders.AsNoTracking().Where(o => o.SellerOrganizationId == seller && o.Rating != null).Select(o => o.Rating!.Value).ToListAsync(ct);
        return new SellerRating(stars.Count == 0 ? 0 : Math.Round(stars.Average(), 1), stars.Count);
    }

    public Task<Order?> BoughtAsync(Guid buyerOrganization, Guid id, CancellationToken ct) =>
        db.Orders.FirstOrDefaultAsync(o => o.Id == id && o.BuyerOrganizationId == buyerOrganization, ct);

    public Task<Order?> SoldAsync(Guid sellerOrganization, Guid id, CancellationToken ct) =>
        db.Orders.FirstOrDefaultAsync(o => o.Id == id && o.SellerOrganizationId == sellerOrganization
            && o.Status != OrderStatus.AwaitingPayment && o.Status != OrderStatus.Cancelled, ct);

    /// <summary>An organisation's orders as buyer, as seller, or both (role null), newest first.</summary>
    public async Task<ListPage<OrderView>> ListAsync(Guid organization, string? role, PageRequest paging, CancellationToken ct)
    {
        // A seller sees an order once it is paid; orders never paid are the buyer's business only.
        var query = db.Orders.AsNoTracking().Where(o =>
            (role != "seller" && o.BuyerOrganizationId == organization)
            || (role != "buyer" && o.SellerOrganizationId == organization && o.Status != OrderStatus.AwaitingPayment && o.Status != OrderStatus.Cancelled));
        return (await paging.ApplyAsync(query.OrderByDescending(o => o.CreatedAt), ct)).Map(OrderView.From);
    }

    public async Task<OrderView?> FindAsync(Guid organization, Guid id, CancellationToken ct) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && (o.BuyerOrganizationId == organization
            || (o.SellerOrganizationId == organization && o.Status != OrderStatus.AwaitingPayment && o.Status != OrderStatus.Cancelled)), ct) is { } order
            ? OrderView.From(order) : null;

    /// <summary>Releases to the seller every shipped order whose escrow period ended; returns how many.</summary>
    public async Task<int> ReleaseDueAsync(CancellationToken ct)
    {
        var now = Now;
        var due = await db.Orders.Where(o => o.Status == OrderStatus.Shipped && o.ReleaseDueAt <= now).OrderBy(o => o.ReleaseDueAt).Take(100).ToListAsync(ct);
        var released = 0;
        foreach (var order in due)
        {
            if (await CompleteAsync(order, ct) is Microsoft.AspNetCore.Http.HttpResults.Ok<OrderView>)
            {
                released++;
            }
        }
        return released;
    }

    private static PartEvent[] SerialEvent(Order order, string @event, Guid by) =>
        order.SerialNumber is { } serial ? [new PartEvent(serial, @event, order.UpdatedAt, by, OrderId: order.Id)] : [];

    private async Task PublishAsync(Order order, CancellationToken ct)
    {
        var view = OrderView.From(order);
        await live.PublishAsync(LiveGroup.Organization(order.BuyerOrganizationId), LiveMethod, view, ct);
        if (!order.Unpaid)
        {
            await live.PublishAsync(LiveGroup.Organization(order.SellerOrganizationId), LiveMethod, view with { PayUrl = null }, ct);
        }
    }

    private static IResult? Failure(PaymentResult result) => result switch
    {
        _ when ReferenceEquals(result.Conflict, GuardedPayments.UnavailableText) =>
            TypedResults.Problem(GuardedPayments.UnavailableText, statusCode: StatusCodes.Status502BadGateway, title: "Payment processor unavailable"),
        { Errors: { } errors } => Problems.Invalid(errors),
        { Conflict: { } conflict } => Problems.Conflict(conflict),
        { NotFound: true } => Problems.NotFound("The order's payment was not found."),
        _ => null,
    };
}

/// <summary>/api/v1/marketplace/orders: buyers order (idempotent), sellers ship, buyers confirm delivery or dispute.</summary>
public static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapTenantApi("/api/v1/marketplace/orders", "Marketplace");
        orders.MapPost("", (CreateOrderRequest request, OrganizationScope scope, OrderService service, CancellationToken ct) => service.PlaceAsync(scope, request, ct))
            .RequirePermission(MarketplacePermissions.Buy).WithIdempotency();
        orders.MapGet("", List).RequirePermission(MarketplacePermissions.ViewOrders);
        orders.MapGet("/{id:guid}", Get).RequirePermission(MarketplacePermissions.ViewOrders);
        orders.MapPost("/{id:guid}/ship", async (Guid id, ShipOrderRequest? request, OrganizationScope scope, OrderService service, CancellationToken ct) =>
            await service.SoldAsync(scope.OrganizationId, id, ct) is { } order
                ? await service.ShipAsync(order, request?.Tracking, ct) : Problems.NotFound("No such order sold by this organisation."))
            .RequirePermission(MarketplacePermissions.Sell);
        orders.MapPost("/{id:guid}/confirm-delivery", async (Guid id, OrganizationScope scope, OrderService service, CancellationToken ct) =>
            await service.BoughtAsync(scope.OrganizationId, id, ct) is { } order
                ? await service.CompleteAsync(order, ct) : Problems.NotFound("No such order bought by this organisation."))
            .RequirePermission(MarketplacePermissions.Buy);
        orders.MapPost("/{id:guid}/dispute", async (Guid id, DisputeOrderRequest? request, OrganizationScope scope, OrderService service, CancellationToken ct) =>
            await service.BoughtAsync(scope.OrganizationId, id, ct) is { } order
                ? await service.DisputeAsync(order, request?.Reason, request?.EvidencePhotoIds, ct) : Problems.NotFound("No such order bought by this organisation."))
            .RequirePermission(MarketplacePermissions.Buy);
        orders.MapPost("/{id:guid}/cancel", async (Guid id, OrganizationScope scope, OrderService service, CancellationToken ct) =>
            await service.BoughtAsync(scope.OrganizationId, id, ct) is { } order
                ? await service.CancelUnpaidAsync(order, ct) : Problems.NotFound("No such order bought by this organisation."))
            .RequirePermission(MarketplacePermissions.Buy);
        orders.MapPost("/{id:guid}/rating", async (Guid id, RateOrderRequest request, OrganizationScope scope, OrderService service, CancellationToken ct) =>
            await service.BoughtAsync(scope.OrganizationId, id, ct) is { } order
                ? await service.RateAsync(order, request, ct) : Problems.NotFound("No such order bought by this organisation."))
            .RequirePermission(MarketplacePermissions.Buy);
        orders.MapPost("/evidence", UploadEvidence).RequirePermission(MarketplacePermissions.Buy).AcceptsBodyUpTo(OrderService.MaxEvidenceBytes + 64 * 1024);
        return routes;
    }

    /// <summary>multipart/form-data with one file field "photo"; answers the media id to give with the dispute.</summary>
    private static async Task<IResult> UploadEvidence(HttpRequest request, OrganizationScope scope, OrderService service, CancellationToken ct)
    {
        if (!request.HasFormContentType || (await request.ReadFormAsync(ct)).Files.GetFile("photo") is not { Length: > 0 } file)
        {
            return Problems.Invalid("photo", "Send the photo as multipart/form-data in the field 'photo'.");
        }
        await using var stream = file.OpenReadStream();
        return await service.UploadEvidenceAsync(scope.OrganizationId, scope.UserId, stream, file.FileName, ct);
    }

    private static async Task<IResult> List(OrganizationScope scope, OrderService service, CancellationToken ct, int? page = null, int? pageSize = null, string? role = null)
    {
        var check = new Validation().Require(role is null or "buyer" or "seller", "role", "role is buyer or seller.");
        var paging = PageRequest.From(page, pageSize, check);
        return check.IsValid ? TypedResults.Ok(await service.ListAsync(scope.OrganizationId, role, paging, ct)) : Problems.Invalid(check.Errors);
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, OrderService service, CancellationToken ct) =>
        await service.FindAsync(scope.OrganizationId, id, ct) is { } order ? TypedResults.Ok(order) : Problems.NotFound("No such order.");
}
