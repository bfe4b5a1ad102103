using System.Globalization;

namespace Pitlane.Modules.Payments;

/// <summary>How pages show amounts and statuses: integer minor units to "1,234.56 USD", Stripe statuses to words.</summary>
public static class MoneyText
{
    public static string Format(long minor, string currency)
    {
        var digits = Reports.Money.MinorDigits(currency);
        var value = (decimal)minor / (decimal)Math.Pow(10, digits);
        return $"{value.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {currency.ToUpperInvariant()}";
    }

    /// <summary>"150" or "150.5" in major units to minor units, or null when it is not a positive amount with at most the currency's digits.</summary>
    public static long? ParseMajor(string? text, string currency)
    {
        var digits = Reports.Money.MinorDigits(currency);
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return null;
        }
        var minor = value * (decimal)Math.Pow(10, digits);
        return minor == decimal.Truncate(minor) && minor <= long.MaxValue ? (long)minor : null;
    }

    public static string StatusText(string status) => status switch
    {
        IntentStatus.Succeeded => "Paid",
        IntentStatus.RequiresCapture => "Authorised (hold)",
        IntentStatus.RequiresPaymentMethod => "Awaiting card",
        IntentStatus.RequiresConfirmation => "Awaiting confirmation",
        IntentStatus.RequiresAction => "Awaiting 3-D Secure",
        IntentStatus.Canceled => "Canceled",
        IntentStatus.Processing => "Processing",
        _ => status,
    };

    public static string StatusClass(string status) => status switch
    {
        IntentStatus.Succeeded => "text-bg-success",
        IntentStatus.RequiresCapture => "text-bg-info",
        IntentStatus.Canceled => "text-bg-secondary",
        _ => "text-bg-warning",
    };
}
