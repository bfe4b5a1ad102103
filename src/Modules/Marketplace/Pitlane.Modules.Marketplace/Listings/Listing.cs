namespace Pitlane.Modules.Marketplace.Listings;

public static class Conditions
{
    public const string New = "new";
    public const string Used = "used";
    public const string Refurbished = "refurbished";

    public static readonly string[] All = [New, Used, Refurbished];
}

/// <summary>A part offered by a seller organisation. Quantity is reserved by orders through <see cref="Reserve"/>.</summary>
public sealed class Listing
{
    private Listing()
    {
    }

    public Guid Id { get; private set; }
    public Guid SellerOrganizationId { get; private set; }
    public string Title { get; private set; } = "";
    public string PartNumber { get; private set; } = "";
    public string Brand { get; private set; } = "";
    public string Condition { get; private set; } = Conditions.New;
    public string? SerialNumber { get; private set; }
    public string? Description { get; private set; }
    public long Price { get; private set; }
    public string Currency { get; private set; } = "usd";
    public int Quantity { get; private set; }
    public bool Active { get; private set; }
    /// <summary>Lower-case title, part number, brand and description: what the full-text search matches.</summary>
    public string SearchText { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public int Version { get; private set; }
    /// <summary>Photo ids in the Media store (the seller organisation's), comma-separated, in display order.</summary>
    public string PhotoIds { get; private set; } = "";
    public List<Fitment> Fitments { get; private set; } = [];
    public List<ShippingOption> ShippingOptions { get; private set; } = [];

    public static Listing Create(Guid seller, string title, string partNumber, string brand, string condition, string? serial, string? description,
        long price, string currency, int quantity, IEnumerable<Fitment> fitments, IEnumerable<ShippingOption> shipping, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        SellerOrganizationId = seller,
        Title = title,
        PartNumber = partNumber,
        Brand = brand,
        Condition = condition,
        SerialNumber = serial,
        Description = description,
        Price = price,
        Currency = currency,
        Quantity = quantity,
        Active = true,
        SearchText = Searchable(title, partNumber, brand, description),
        CreatedAt = now,
        UpdatedAt = now,
        Fitments = [.. fitments],
        ShippingOptions = [.. shipping],
    };

    public const int MaxPhotos = 8;

    private static string Searchable(string title, string partNumber, string brand, string? description) =>
        string.Join(' ', new[] { title, partNumber, brand, description }.Where(s => !string.IsNullOrWhiteSpace(s))).ToLowerInvariant();

    public IReadOnlyList<Guid> Photos => PhotoIds.Length == 0 ? [] : [.. PhotoIds.Split(',').Select(Guid.Parse)];

    /// <summary>The seller's edit: everything but the serial number (a listed part stays the part it was).</summary>
    public void Update(string title, string partNumber, string brand, string condition, string? description, long price, string currency, int quantity,
        IEnumerable<Fitment> fitments, IEnumerable<ShippingOption> shipping, bool active, DateTime now)
    {
        Title = title;
        PartNumber = partNumber;
        Brand = brand;
        Condition = condition;
        Description = description;
        Price = price;
        Currency = currency;
        Quantity = quantity;
        Active = active;
        SearchText = Searchable(title, partNumber, brand, description);
        Fitments.Clear();
        Fitments.AddRange(fitments);
        ShippingOptions.Clear();
        ShippingOptions.AddRange(shipping);
        Version++;
        UpdatedAt = now;
    }

    public string? CannotAddPhoto() => Photos.Count >= MaxPhotos ? $"A listing has at most {MaxPhotos} photos; remove one first." : null;

    public void AddPhoto(Guid mediaId, DateTime now)
    {
        PhotoIds = string.Join(',', Photos.Append(mediaId));
        Version++;
        UpdatedAt = now;
    }

    public bool RemovePhoto(Guid mediaId, DateTime now)
    {
        var photos = Photos.ToList();
        if (!photos.Remove(mediaId))
        {
            return false;
        }
        PhotoIds = string.Join(',', photos);
        Version++;
        UpdatedAt = now;
        return true;
    }

    /// <summary>Takes <paramref name="quantity"/> off the stock for an order; null when it is not available.</summary>
    public string? Reserve(int quantity, DateTime now)
    {
        if (!Active)
        {
            return "This listing is no longer for sale.";
        }
        if (quantity > Quantity)
        {
            return $"Only {Quantity} left.";
        }
        Quantity -= quantity;
        Version++;
        UpdatedAt = now;
        return null;
    }

    /// <summary>Puts back stock of an order that was refunded before it shipped.</summary>
    public void Release(int quantity, DateTime now)
    {
        Quantity += quantity;
        Version++;
        UpdatedAt = now;
    }

    public void Withdraw(DateTime now)
    {
        Active = false;
        Version++;
        UpdatedAt = now;
    }
}

/// <summary>One row of the seller's fitment table: model years, make, model and optionally the engine.</summary>
public sealed class Fitment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ListingId { get; set; }
    public int YearFrom { get; set; }
    public int YearTo { get; set; }
    public string Make { get; set; } = "";
    /// <summary>Upper-case make, for the case-insensitive match the database can index.</summary>
    public string MakeKey { get; set; } = "";
    public string Model { get; set; } = "";
    public string ModelKey { get; set; } = "";
    public string? Engine { get; set; }
}

public sealed class ShippingOption
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ListingId { get; set; }
    public string Name { get; set; } = "";
    public long Price { get; set; }
    public int Days { get; set; }
}
