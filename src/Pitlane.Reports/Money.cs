using System.Globalization;
using System.Text;

namespace Pitlane.Reports;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency.</summary>
public readonly record struct Money(long MinorUnits, string Currency)
{
    /// <summary>
    /// ISO 4217 minor-unit exponent. Currencies not listed use 2, which is the exponent of nearly all others.
    /// </summary>
    public static int MinorDigits(string currency) => (currency ?? throw new ArgumentNullException(nameof(currency))).ToUpperInvariant() switch
    {
        "BIF" or "CLP" or "DJF" or "GNF" or "ISK" or "JPY" or "KMF" or "KRW" or "PYG" or "RWF" or "UGX" or "UYI"
            or "VND" or "VUV" or "XAF" or "XOF" or "XPF" => 0,
        "BHD" or "IQD" or "JOD" or "KWD" or "LYD" or "OMR" or "TND" => 3,
        "CLF" or "UYW" => 4,
        _ => 2,
    };

    /// <summary>"1,234.56 EUR" with the separators of <paramref name="labels"/>; the code, not a symbol, so it is unambiguous.</summary>
    public string Format(ReportLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return FormatAmount(MinorUnits, MinorDigits(Currency), labels.GroupSeparator, labels.DecimalSeparator) + " " + Currency;
    }

    public override string ToString() => Format(ReportLabels.English);

    // Integer-only formatting: no trip through double or decimal that could move the last digit.
    internal static string FormatAmount(long minor, int digits, string groupSeparator, string decimalSeparator)
    {
        // long.MinValue has no positive counterpart; UInt128 holds its magnitude.
        var negative = minor < 0;
        var magnitude = negative ? (UInt128)(-(Int128)minor) : (UInt128)minor;
        var divisor = UInt128.One;
        for (var i = 0; i < digits; i++)
        {
            divisor *= 10;
        }
        var whole = (magnitude / divisor).ToString(CultureInfo.InvariantCulture);
        var builder = new StringBuilder(whole.Length + 8);
        if (negative)
        {
            builder.Append('-');
        }
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0)
            {
                builder.Append(groupSeparator);
            }
            builder.Append(whole[i]);
        }
        if (digits > 0)
        {
            builder.Append(decimalSeparator)
                .Append((magnitude % divisor).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0'));
        }
        return builder.ToString();
    }
}
