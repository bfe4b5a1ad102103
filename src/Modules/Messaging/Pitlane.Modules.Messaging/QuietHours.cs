using System.Globalization;

namespace Pitlane.Modules.Messaging;

/// <summary>
/// Quiet hours in the shop's time zone: a window [start, end) of local clock time that may wrap midnight (21:00–08:00).
/// Texts written inside it wait until its end; the end is computed on the local calendar, so a daylight-saving change
/// moves it with the clock.
/// </summary>
public static class QuietHours
{
    public static int? ParseClock(string? text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.Hour * 60 + t.Minute : null;

    public static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    /// <summary>When a text written at <paramref name="utcNow"/> may go out: null at once, else the end of the quiet window (UTC).</summary>
    public static DateTime? HeldUntil(DateTime utcNow, TimeZoneInfo zone, int startMinute, int endMinute)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (startMinute == endMinute)
        {
            return null;
        }
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), zone);
        var minute = local.Hour * 60 + local.Minute;
        var inside = startMinute < endMinute ? minute >= startMinute && minute < endMinute : minute >= startMinute || minute < endMinute;
        if (!inside)
        {
            return null;
        }
        var endDay = local.Date;
        if (startMinute > endMinute && minute >= startMinute)
        {
            endDay = endDay.AddDays(1);
        }
        var endLocal = DateTime.SpecifyKind(endDay.AddMinutes(endMinute), DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(endLocal, zone);
    }
}
