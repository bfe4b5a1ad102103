namespace Pitlane.Modules.Parking.Listings;

/// <summary>Wall-clock times typed on the pages (a spot's or the searcher's zone) to instants, and back.</summary>
public static class ParkingTime
{
    /// <summary>
    /// The instant of a local wall-clock time in <paramref name="zone"/>. A time skipped by a daylight-saving jump is
    /// taken as the first instant after the gap; a repeated (ambiguous) time as its first occurrence.
    /// </summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }
        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    /// <summary>The wall-clock time of a UTC instant in <paramref name="zone"/>.</summary>
    public static DateTime ToLocal(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>A zone by IANA id, or null when the id is not known here.</summary>
    public static TimeZoneInfo? Find(string? id) => id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
