namespace Pitlane.Modules.Marketplace.Orders;

public static class OrderStatus
{
    /// <summary>Placed from the cart without a card: the stock is held while the buyer pays on the processor's page.</summary>
    public const string AwaitingPayment = "awaiting_payment";
    /// <summary>Never paid: cancelled by the buyer, or not paid in time; the stock went back to the listing.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>The buyer's money is authorised and held (a manual-capture payment intent in requires_capture).</summary>
    public const string InEscrow = "in_escrow";
    public const string Shipped = "shipped";
    /// <summary>Delivered (confirmed, or released after the escrow period): the hold is captured and the seller paid.</summary>
    public const string Completed = "completed";
    /// <summary>Disputed by the buyer: the hold released, or the captured money refunded.</summary>
    public const string Refunded = "refunded";
}

/// <summary>A buyer's order of one listing, paid into escrow. State changes only through its methods.</summary>
public sealed class Order
{
    private Order()
    {
    }

    public Guid Id { get; private set; }
    public Guid BuyerOrganizationId { get; private set; }
    public Guid BuyerUserId { get; private set; }
    public Guid SellerOrganizationId { get; private set; }
    public Guid ListingId { get; private set; }
    public string Title { get; private set; } = "";
    public string? SerialNumber { get; private set; }
    public int Quantity { get; private set; }
    public long ItemsAmount { get; private set; }
    public long ShippingAmount { get; private set; }
    public long Total { get; private set; }
    public long PlatformFee { get; private set; }
    public string Currency { get; private set; } = "usd";
    public string ShippingOption { get; private set; } = "";
    public string Status { get; private set; } = OrderStatus.InEscrow;
    public Guid PaymentIntentId { get; private set; }
    public string? Tracking { get; private set; }
    public string? DisputeReason { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? ShippedAt { get; private set; }
    public DateTime? ReleaseDueAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public int Version { get; private set; }
    /// <summary>The fee rate used for this order (the seller's plan at order time), in basis points of the total.</summary>
    public int FeeBasisPoints { get; private set; }
    /// <summary>The cart checkout that placed this order with others (one escrow intent per order), if any.</summary>
    public Guid? CheckoutId { get; private set; }
    /// <summary>The buyer's photos for a dispute: Media ids of the buyer organisation, comma-separated.</summary>
    public string EvidencePhotoIds { get; private set; } = "";
    public int? Rating { get; private set; }
    public string? RatingComment { get; private set; }
    public DateTime? RatedAt { get; private set; }

    public IReadOnlyList<Guid> EvidencePhotos => EvidencePhotoIds.Length == 0 ? [] : [.. EvidencePhotoIds.Split(',').Select(Guid.Parse)];

    public static Order PlaceInEscrow(Guid id, Guid buyerOrganization, Guid buyerUser, Guid sellerOrganization, Guid listingId, string title, string? serial,
        int quantity, long itemsAmount, long shippingAmount, long fee, string currency, string shippingOption, Guid paymentIntentId, DateTime now,
        int feeBasisPoints = 0, Guid? checkoutId = null, bool awaitingPayment = false) => new()
    {
        FeeBasisPoints = feeBasisPoints,
        CheckoutId = checkoutId,
        Id = id,
        BuyerOrganizationId = buyerOrganization,
        BuyerUserId = buyerUser,
        SellerOrganizationId = sellerOrganization,
        ListingId = listingId,
        Title = title,
        SerialNumber = serial,
        Quantity = quantity,
        ItemsAmount = itemsAmount,
        ShippingAmount = shippingAmount,
        Total = itemsAmount + shippingAmount,
        PlatformFee = fee,
        Currency = currency,
        ShippingOption = shippingOption,
        Status = awaitingPayment ? OrderStatus.AwaitingPayment : OrderStatus.InEscrow,
        PaymentIntentId = paymentIntentId,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The platform's fee: basis points of the total, rounded down, as the application fee of the destination charge.</summary>
    public static long Fee(long total, int basisPoints) => (long)((Int128)total * basisPoints / 10_000);

    /// <summary>Never held money (awaiting payment or cancelled): the seller has nothing to act on yet.</summary>
    public bool Unpaid => Status is OrderStatus.AwaitingPayment or OrderStatus.Cancelled;

    /// <summary>The buyer paid on the processor's page: the money is held, the order is in escrow.</summary>
    public void Paid(DateTime now)
    {
        Status = OrderStatus.InEscrow;
        Touch(now);
    }

    public string? CannotCancel() => Status == OrderStatus.AwaitingPayment ? null
        : $"Only an order not yet paid can be cancelled; this one is {Status.Replace('_', ' ')}. Report a problem instead.";

    public void Cancel(DateTime now)
    {
        Status = OrderStatus.Cancelled;
        Touch(now);
    }

    public string? CannotShip() => Status == OrderStatus.InEscrow ? null : $"Only an order in escrow can be shipped; this one is {Status}.";

    public void Ship(string? tracking, DateTime now, TimeSpan releaseAfter)
    {
        Status = OrderStatus.Shipped;
        Tracking = tracking;
        ShippedAt = now;
        ReleaseDueAt = now + releaseAfter;
        Touch(now);
    }

    public string? CannotComplete() => Status == OrderStatus.Shipped ? null : $"Delivery can be confirmed once the order has shipped; this one is {Status}.";

    public void Complete(DateTime now)
    {
        Status = OrderStatus.Completed;
        CompletedAt = now;
        Touch(now);
    }

    public string? CannotDispute() => Status is OrderStatus.InEscrow or OrderStatus.Shipped or OrderStatus.Completed ? null
        : Status == OrderStatus.AwaitingPayment ? "This order is not paid yet; cancel it instead."
        : $"This order is already {Status}.";

    public bool Captured => Status == OrderStatus.Completed;

    public void Refund(string reason, IReadOnlyCollection<Guid> evidence, DateTime now)
    {
        Status = OrderStatus.Refunded;
        DisputeReason = reason;
        EvidencePhotoIds = string.Join(',', evidence);
        Touch(now);
    }

    public string? CannotRate() => Status != OrderStatus.Completed ? "An order can be rated once its delivery is confirmed."
        : Rating is not null ? "This order is already rated." : null;

    public void Rate(int stars, string? comment, DateTime now)
    {
        Rating = stars;
        RatingComment = comment;
        RatedAt = now;
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}
