using System.Globalization;
using System.Text;

namespace Pitlane.Modules.Inspections.Narration;

/// <summary>
/// The spoken summary for the customer, from the ratings: what needs attention now (red), what soon (yellow), how much
/// looked fine, in plain words and in the order the technician inspected. Measurements are read out with their unit
/// spelled, since a speech engine reads "mm" as letters.
/// </summary>
public static class NarrationScript
{
    public const int MaxLength = 4000;

    public static string Write(string vehicle, IEnumerable<InspectionItem> items)
    {
        var list = items.OrderBy(i => i.Position).ToList();
        var red = list.Where(i => i.Rating == Rating.Red).ToList();
        var yellow = list.Where(i => i.Rating == Rating.Yellow).ToList();
        var green = list.Count(i => i.Rating == Rating.Green);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Hello. We have finished the inspection of your {vehicle}. ");
        if (red.Count == 0 && yellow.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Good news: all {green} items we checked look fine. ");
        }
        else
        {
            if (red.Count > 0)
            {
                text.Append(red.Count == 1 ? "One thing needs attention now. " : $"{red.Count} things need attention now. ");
                foreach (var item in red)
                {
                    text.Append(Describe(item));
                }
            }
            if (yellow.Count > 0)
            {
                text.Append(yellow.Count == 1 ? "One thing will need attention soon. " : $"{yellow.Count} things will need attention soon. ");
                foreach (var item in yellow)
                {
                    text.Append(Describe(item));
                }
            }
            if (green > 0)
            {
                text.Append(green == 1 ? "One other item looks fine. " : $"{green} other items look fine. ");
            }
            text.Append("Please look at the photos and videos, and choose which work you would like us to do.");
        }
        var result = text.ToString().Trim();
        return result.Length > MaxLength ? result[..MaxLength] : result;
    }

    private static string Describe(InspectionItem item)
    {
        var line = new StringBuilder(item.Name);
        if (Measurements.Find(item.Measurement) is { } kind && item.MeasuredValue is { } value)
        {
            line.Append(CultureInfo.InvariantCulture, $", measured at {value:0.#} {(kind.Unit == "mm" ? "millimetres" : kind.Unit)}");
        }
        if (item.Notes is { Length: > 0 } notes)
        {
            line.Append(": ").Append(notes.TrimEnd('.'));
        }
        return line.Append(". ").ToString();
    }
}
