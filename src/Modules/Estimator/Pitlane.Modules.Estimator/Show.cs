using System.Globalization;

namespace Pitlane.Modules.Estimator;

/// <summary>How the pages write money and times.</summary>
public static class Show
{
    public static string Money(long minor, string currency) =>
        (currency.Equals("USD", StringComparison.OrdinalIgnoreCase) ? "$" : currency.ToUpperInvariant() + " ")
        + (minor / 100m).ToString("N2", CultureInfo.InvariantCulture);

    public static string Arrival(DateTimeOffset at, DateTimeOffset now)
    {
        var hours = (at - now).TotalHours;
        return hours < 1 ? "within the hour" : hours < 24 ? $"in {Math.Ceiling(hours)} h" : at.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
    }
}
