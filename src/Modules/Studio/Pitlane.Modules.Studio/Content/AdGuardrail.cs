using System.Globalization;
using System.Text.RegularExpressions;

namespace Pitlane.Modules.Studio;

/// <summary>A finding: the rule it breaks (citation), what was found, and whether it blocks publishing.</summary>
public sealed record Violation(string Rule, string Citation, string Platform, string Found, string Message, bool Blocking);

/// <summary>
/// Advertising checks run before anything is published. Blocking: a credit-sale ad that states a triggering term without
/// the disclosures it triggers (Regulation Z, 12 CFR 1026.24(d)), a rate not stated as an APR (1026.24(b)), a lease
/// ad that states a triggering term without its disclosures (Regulation M, 12 CFR 1013.7(d)), and a vehicle price that
/// is not the listing's price. Flagged for the approver (publish needs their acknowledgement): "free" offers
/// (FTC Guide Concerning Use of the Word "Free", 16 CFR 251) and "guaranteed" claims (FTC Guides for the Advertising
/// of Warranties and Guarantees, 16 CFR 239). Pattern-based: it catches the usual ways an ad states these terms, and the
/// approver still reads the text.
/// </summary>
public static partial class AdGuardrail
{
    public static IReadOnlyList<Violation> Check(PlatformSpec platform, string text, long listingPriceMinor, string currency)
    {
        var found = new List<Violation>();
        var lease = Lease().IsMatch(text);

        var payment = PaymentAmount().Match(text);
        var down = DownPayment().Match(text);
        var count = NumberOfPayments().Match(text);
        var charge = FinanceCharge().Match(text);
        var triggers = new[] { payment, down, count, charge }.Where(m => m.Success).ToList();

        if (triggers.Count > 0 && !lease)
        {
            // 1026.24(d)(2): the downpayment, the terms of repayment and the APR (saying whether it may increase).
            var missing = new List<string>();
            if (!down.Success)
            {
                missing.Add("the down payment (amount or percentage)");
            }

            if (!(payment.Success && count.Success))
            {
                missing.Add("the terms of repayment (number and amount of payments)");
            }

            if (!Apr().IsMatch(text))
            {
                missing.Add("the annual percentage rate, using that term or \"APR\"");
            }

            if (missing.Count > 0)
            {
                found.Add(new Violation("Regulation Z triggering term without disclosures", "12 CFR 1026.24(d)", platform.Key, triggers[0].Value.Trim(),
                    $"\"{triggers[0].Value.Trim()}\" is a credit term that requires the ad to also state {string.Join("; ", missing)}.", true));
            }
        }

        if (lease && (payment.Success || count.Success || down.Success || DueAtSigning().IsMatch(text)))
        {
            // 1013.7(d)(2): that it is a lease; the total due at signing; number, amount and period of payments; whether a
            // security deposit is required; (open-end) that an extra charge may be imposed at the end.
            var missing = new List<string>();
            if (!DueAtSigning().IsMatch(text))
            {
                missing.Add("the total amount due at lease signing or delivery");
            }

            if (!(payment.Success && count.Success))
            {
                missing.Add("the number, amounts and period of scheduled payments");
            }

            if (!SecurityDeposit().IsMatch(text))
            {
                missing.Add("whether a security deposit is required");
            }

            if (missing.Count > 0)
            {
                var what = (payment.Success ? payment : count.Success ? count : down.Success ? down : DueAtSigning().Match(text)).Value.Trim();
                found.Add(new Violation("Regulation M lease term without disclosures", "12 CFR 1013.7(d)", platform.Key, what,
                    $"\"{what}\" in a lease ad requires it to also state {string.Join("; ", missing)}.", true));
            }
        }

        var rate = Rate().Match(text);
        if (rate.Success && !Apr().IsMatch(text))
        {
            found.Add(new Violation("Rate not stated as an annual percentage rate", "12 CFR 1026.24(b)", platform.Key, rate.Value.Trim(),
                $"\"{rate.Value.Trim()}\" states a rate of finance charge: it must be stated as an \"annual percentage rate\" (APR).", true));
        }

        foreach (Match price in Money().Matches(text))
        {
            if (IsCreditAmount(text, price) || Amount(price.Value) is not { } minor || minor < 100_000)
            {
                continue;
            }

            if (minor != listingPriceMinor)
            {
                found.Add(new Violation("Advertised price differs from the listing", "FTC Act § 5 (15 U.S.C. 45); state dealer advertising rules", platform.Key, price.Value,
                    $"The text shows {price.Value} but the listing price is {ListingFacts.FormatMoney(listingPriceMinor, currency)}.", true));
            }
        }

        var free = Free().Match(text);
        if (free.Success)
        {
            found.Add(new Violation("\"Free\" offer", "16 CFR 251 (FTC Guide Concerning Use of the Word \"Free\")", platform.Key, free.Value,
                "A \"free\" offer must state its conditions clearly at the outset and must not be recouped in the price; the approver confirms.", false));
        }

        var guarantee = Guaranteed().Match(text);
        if (guarantee.Success)
        {
            found.Add(new Violation("Guarantee claim", "16 CFR 239 (FTC Guides for the Advertising of Warranties and Guarantees)", platform.Key, guarantee.Value,
                "A guarantee must say what is guaranteed, for how long, and how the guarantor performs; the approver confirms.", false));
        }

        return found;
    }

    private static bool IsCreditAmount(string text, Match money)
    {
        var after = text.AsSpan(money.Index + money.Length, Math.Min(24, text.Length - money.Index - money.Length)).ToString();
        var before = text.AsSpan(Math.Max(0, money.Index - 24), Math.Min(24, money.Index)).ToString();
        return CreditContextAfter().IsMatch(after) || CreditContextBefore().IsMatch(before);
    }

    private static long? Amount(string money)
    {
        var digits = money.Replace("$", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim();
        return decimal.TryParse(digits, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? (long)(value * 100) : null;
    }

    [GeneratedRegex(@"\$\s?\d[\d,]*(?:\.\d{2})?\s*(?:/\s*mo(?:nth)?\b|a month|per month|monthly|/\s*wk|per week|bi-?weekly)|(?:monthly payments?|payments?) (?:of|from|as low as) \$\s?\d[\d,]*", RegexOptions.IgnoreCase)]
    private static partial Regex PaymentAmount();

    [GeneratedRegex(@"\$\s?\d[\d,]*\s*down\b|\b\d{1,2}\s?%\s*down\b|\bdown payment\b|\bzero down\b|\bno money down\b|\b0 down\b|\bnothing down\b", RegexOptions.IgnoreCase)]
    private static partial Regex DownPayment();

    [GeneratedRegex(@"\b\d{1,3}\s*(?:monthly\s+)?(?:payments|months?|mos?\.?)\b|\bfor \d{1,2} years\b", RegexOptions.IgnoreCase)]
    private static partial Regex NumberOfPayments();

    [GeneratedRegex(@"\bfinance charges?\b|\binterest (?:of|totaling|total) \$|\bno interest\b|\binterest[- ]free\b", RegexOptions.IgnoreCase)]
    private static partial Regex FinanceCharge();

    [GeneratedRegex(@"\bAPR\b|\bannual percentage rate\b", RegexOptions.IgnoreCase)]
    private static partial Regex Apr();

    [GeneratedRegex(@"\d+(?:\.\d+)?\s?%\s*(?:interest|financing|rate|fixed)|(?:interest|rate|financing) (?:of|at|from) \d+(?:\.\d+)?\s?%", RegexOptions.IgnoreCase)]
    private static partial Regex Rate();

    [GeneratedRegex(@"\bleas(?:e|ing)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Lease();

    [GeneratedRegex(@"\bdue at (?:lease )?signing\b|\bdue at delivery\b", RegexOptions.IgnoreCase)]
    private static partial Regex DueAtSigning();

    [GeneratedRegex(@"\bsecurity deposit\b", RegexOptions.IgnoreCase)]
    private static partial Regex SecurityDeposit();

    [GeneratedRegex(@"\$\s?\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\$\s?\d{4,}(?:\.\d{2})?")]
    private static partial Regex Money();

    [GeneratedRegex(@"^\s*(?:/|a month|per month|monthly|down|due|at signing|off|rebate|cash back|finance|in savings|savings)", RegexOptions.IgnoreCase)]
    private static partial Regex CreditContextAfter();

    [GeneratedRegex(@"(?:save|saving|savings of|rebate of|off|was|msrp|payments? of|down payment of|due at signing of|deposit of)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CreditContextBefore();

    [GeneratedRegex(@"\bfree\b", RegexOptions.IgnoreCase)]
    private static partial Regex Free();

    [GeneratedRegex(@"\bguarantee(?:d|s)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Guaranteed();
}
