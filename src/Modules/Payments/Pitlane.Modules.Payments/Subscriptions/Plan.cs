using System.Text.Json;

namespace Pitlane.Modules.Payments.Subscriptions;

/// <summary>Billing intervals as Stripe names them.</summary>
public static class Interval
{
    public const string Month = "month";
    public const string Year = "year";

    /// <summary>
    /// The end of period <paramref name="index"/> (0 is the first) counted from the billing anchor. Counting from the
    /// anchor, not from the previous end, keeps a subscription started on the 31st on the last day of short months
    /// without drifting to the 28th for good (Stripe's billing_cycle_anchor behaves the same).
    /// </summary>
    public static DateTime PeriodEnd(string interval, DateTime anchor, int index) => interval == Year
        ? anchor.AddYears(index + 1)
        : anchor.AddMonths(index + 1);
}

/// <summary>
/// A plan an organisation (the provider) sells: a monthly and/or annual price, an optional free trial, and the
/// entitlements a subscription to it grants (a feature name and a limit: "marketplace.listings" 100,
/// "marketplace.fee_discount_bps" 500; 1 for a plain yes). Other modules ask <see cref="Contracts.ISubscriptions"/> for them.
/// </summary>
public sealed class Plan
{
    private Plan()
    {
    }

    public Guid Id { get; private set; }

    public Guid ProviderOrganizationId { get; private set; }

    /// <summary>Unique per provider, stable for code that asks about entitlements ("seller-pro").</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string? Description { get; private set; }

    public string Currency { get; private set; } = "";

    public long? MonthlyAmount { get; private set; }

    public long? AnnualAmount { get; private set; }

    public int TrialDays { get; private set; }

    /// <summary>JSON object of feature → limit.</summary>
    public string EntitlementsJson { get; private set; } = "{}";

    public bool Active { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public static Plan Create(Guid providerOrganizationId, string code, string name, string? description, string currency, long? monthly, long? annual,
        int trialDays, IReadOnlyDictionary<string, long> entitlements, DateTime now) => new()
        {
            Id = Guid.CreateVersion7(),
            ProviderOrganizationId = providerOrganizationId,
            Code = code,
            Name = name,
            Description = description,
            Currency = currency,
            MonthlyAmount = monthly,
            AnnualAmount = annual,
            TrialDays = trialDays,
            EntitlementsJson = JsonSerializer.Serialize(entitlements),
            Active = true,
            CreatedAt = now,
            UpdatedAt = now,
        };

    public IReadOnlyDictionary<string, long> Entitlements =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(EntitlementsJson) ?? [];

    /// <summary>The price of one period, or null when the plan has no price for that interval.</summary>
    public long? AmountFor(string interval) => interval switch
    {
        Interval.Month => MonthlyAmount,
        Interval.Year => AnnualAmount,
        _ => null,
    };

    /// <summary>A retired plan takes no new subscribers; existing subscriptions keep renewing on it.</summary>
    public void Retire(DateTime now)
    {
        Active = false;
        UpdatedAt = now;
    }
}
