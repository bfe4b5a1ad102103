using System.Globalization;

namespace Pitlane.Modules.Studio;

/// <summary>What the content is written from: the decoded vehicle, the listing price, highlights, tone and audience.</summary>
public sealed record ListingFacts(
    string Title, string? Trim, string? Engine, string? FuelType, int? OdometerKm, string Vin,
    long PriceMinor, string Currency, IReadOnlyList<string> Highlights, string Tone, string? Audience, string? DealerName, string? Disclosure)
{
    public static readonly IReadOnlyList<string> Tones = ["friendly", "professional", "enthusiast"];

    /// <summary>"$18,995" for USD, "18,995 EUR" otherwise; whole units when the cents are zero.</summary>
    public string Price => FormatMoney(PriceMinor, Currency);

    public static string FormatMoney(long minor, string currency)
    {
        var units = minor / 100m;
        var number = minor % 100 == 0 ? units.ToString("#,0", CultureInfo.InvariantCulture) : units.ToString("#,0.00", CultureInfo.InvariantCulture);
        return currency == "USD" ? "$" + number : $"{number} {currency}";
    }

    public string? Mileage => OdometerKm is { } km
        ? Currency == "USD"
            ? Math.Round(km / 1.609344).ToString("#,0", CultureInfo.InvariantCulture) + " miles"
            : km.ToString("#,0", CultureInfo.InvariantCulture) + " km"
        : null;
}
