namespace Pitlane.Modules.Marketplace.Cart;

/// <summary>
/// One line of a person's cart in one buying organisation: a listing, a quantity and a shipping option. Prices are read
/// again at checkout, so the cart never holds a stale price.
/// </summary>
public sealed class CartItem
{
    private CartItem()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid ListingId { get; private set; }
    public int Quantity { get; private set; }
    public string ShippingOption { get; private set; } = "";
    public DateTime AddedAt { get; private set; }

    public static CartItem Create(Guid organizationId, Guid userId, Guid listingId, int quantity, string shippingOption, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        UserId = userId,
        ListingId = listingId,
        Quantity = quantity,
        ShippingOption = shippingOption,
        AddedAt = now,
    };

    public void Change(int quantity, string shippingOption)
    {
        Quantity = quantity;
        ShippingOption = shippingOption;
    }
}
