using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pitlane.Modules.Shop.Imports.Tekmetric;

// Tekmetric's wire format (WIRE-FACTS.md): JSON in camelCase, money as integer cents, dates ISO 8601 with Z, lists as a
// Spring Data page {content, totalPages, totalElements, last, number (from 0), size}.

/// <summary>POST /oauth/token answer: the bearer token and, in scope, the shop ids it may read (space-separated).</summary>
public sealed record TekmetricToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("scope")] string? Scope);

public sealed record TekmetricPage<T>(List<T>? Content, int TotalPages, long TotalElements, bool Last, int Number, int Size);

public sealed record TmShop(long Id, string? Name, string? Nickname, string? Phone, string? Email);

public sealed record TmPhone(string? Number, string? Type, bool Primary);

public sealed record TmCode(int Id, string? Code, string? Name);

public sealed record TmCustomer(
    long Id, string? FirstName, string? LastName, JsonElement Email, List<TmPhone>? Phone, TmCode? CustomerType, long ShopId,
    bool OkForMarketing, DateTimeOffset? CreatedDate, DateTimeOffset? UpdatedDate, DateTimeOffset? DeletedDate)
{
    /// <summary>Tekmetric has sent e-mail both as a string and as a list of strings: the first address either way.</summary>
    public string? FirstEmail => Email.ValueKind switch
    {
        JsonValueKind.String => Email.GetString(),
        JsonValueKind.Array => Email.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).FirstOrDefault(e => !string.IsNullOrWhiteSpace(e)),
        _ => null,
    };

    public string? PrimaryPhone => (Phone ?? []).OrderByDescending(p => p.Primary).Select(p => p.Number).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n));

    /// <summary>customerType 2 is a business (1 a person).</summary>
    public bool IsBusiness => CustomerType?.Id == 2;
}

public sealed record TmVehicle(
    long Id, long CustomerId, int? Year, string? Make, string? Model, string? SubModel, string? Vin, string? LicensePlate, string? Color,
    decimal? Mileage, DateTimeOffset? CreatedDate, DateTimeOffset? UpdatedDate, DateTimeOffset? DeletedDate);

public sealed record TmLabor(long Id, string? Name, long Rate, decimal Hours, bool Complete);

public sealed record TmPart(long Id, decimal Quantity, string? Brand, string? Name, string? PartNumber, string? Description, long Cost, long Retail);

public sealed record TmFee(long Id, string? Name, long Total);

public sealed record TmDiscount(long Id, string? Name, long Total);

public sealed record TmJob(
    long Id, string? Name, bool? Authorized, string? Note, string? JobCategoryName, List<TmLabor>? Labor, List<TmPart>? Parts, List<TmFee>? Fees,
    List<TmDiscount>? Discounts, long LaborTotal, long PartsTotal, long FeeTotal, long DiscountTotal, long Subtotal, bool Archived,
    DateTimeOffset? CompletedDate);

public sealed record TmConcern(long Id, string? Concern, string? TechComment);

/// <summary>
/// repairOrderStatus.id: 1 Estimate, 2 Work-in-Progress, 3 Complete, 4 Saved for later, 5 Posted (invoiced),
/// 6 Accounts receivable, 7 Deleted.
/// </summary>
public sealed record TmRepairOrder(
    long Id, int RepairOrderNumber, long ShopId, TmCode? RepairOrderStatus, long CustomerId, long VehicleId, decimal? MilesIn,
    DateTimeOffset? CompletedDate, DateTimeOffset? PostedDate, long LaborSales, long PartsSales, long SubletSales, long DiscountTotal,
    long FeeTotal, long Taxes, long AmountPaid, long TotalSales, List<TmJob>? Jobs, List<TmFee>? Fees, List<TmDiscount>? Discounts,
    List<TmConcern>? CustomerConcerns, DateTimeOffset? CreatedDate, DateTimeOffset? UpdatedDate, DateTimeOffset? DeletedDate)
{
    public int StatusId => RepairOrderStatus?.Id ?? 1;
}
