namespace Pitlane.Modules.Shop.Bays;

/// <summary>A workshop bay: what it can do and when it is open (local time of the shop's time zone).</summary>
public sealed class Bay
{
    private Bay()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string Name { get; private set; } = "";

    public bool HasLift { get; private set; }

    public bool HasAlignment { get; private set; }

    public bool HasEvCharger { get; private set; }

    /// <summary>Opening time, minutes after local midnight.</summary>
    public int OpensAtMinute { get; private set; }

    /// <summary>Closing time, minutes after local midnight (after opening).</summary>
    public int ClosesAtMinute { get; private set; }

    /// <summary>IANA time zone of the working hours ("Europe/Berlin").</summary>
    public string TimeZone { get; private set; } = "UTC";

    public DateTime CreatedAt { get; private set; }

    /// <summary>SHA-256 (hex) of the secret in the bay's calendar feed URL; null when no feed is published (or it was revoked).</summary>
    public string? CalendarFeedHash { get; private set; }

    /// <summary>Publishes a new feed secret (the previous URL stops working) and answers it; only its hash is kept.</summary>
    public string RotateCalendarFeed()
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CalendarFeedHash = FeedHash(secret);
        return secret;
    }

    public void RevokeCalendarFeed() => CalendarFeedHash = null;

    public bool OpensFeed(string secret) => CalendarFeedHash is { } hash && secret.Length is > 20 and < 100
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(hash), System.Text.Encoding.ASCII.GetBytes(FeedHash(secret)));

    private static string FeedHash(string secret) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static Bay Create(Guid organizationId, string name, bool lift, bool alignment, bool ev, int opensAt, int closesAt, string timeZone, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, Name = name.Trim(), HasLift = lift, HasAlignment = alignment, HasEvCharger = ev,
        OpensAtMinute = opensAt, ClosesAtMinute = closesAt, TimeZone = timeZone, CreatedAt = at,
    };

    /// <summary>Whether [start, end) lies within one day's working hours, in the bay's time zone.</summary>
    public bool IsOpen(DateTime startUtc, DateTime endUtc)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var start = TimeZoneInfo.ConvertTimeFromUtc(startUtc, zone);
        var end = TimeZoneInfo.ConvertTimeFromUtc(endUtc, zone);
        var startMinute = (int)start.TimeOfDay.TotalMinutes;
        var endMinute = end.Date == start.Date ? (int)Math.Ceiling(end.TimeOfDay.TotalMinutes) : end.Date == start.Date.AddDays(1) && end.TimeOfDay == TimeSpan.Zero ? 1440 : int.MaxValue;
        return startMinute >= OpensAtMinute && endMinute <= ClosesAtMinute;
    }
}

public enum BookingStatus
{
    Booked,
    InProgress,
    Done,
    Cancelled,
}

/// <summary>
/// A bay held for [StartsAt, EndsAt). Two live (not cancelled) bookings of one bay never overlap: PostgreSQL enforces it
/// with an exclusion constraint on tstzrange, SQLite by checking and inserting inside one write transaction.
/// </summary>
public sealed class BayBooking
{
    private BayBooking()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid BayId { get; private set; }

    public DateTime StartsAt { get; private set; }

    public DateTime EndsAt { get; private set; }

    public string Title { get; private set; } = "";

    public Guid? RepairOrderId { get; private set; }

    public BookingStatus Status { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? StartedAt { get; private set; }

    public DateTime? FinishedAt { get; private set; }

    public static BayBooking Create(Guid organizationId, Guid bayId, DateTime startsAt, DateTime endsAt, string title, Guid? repairOrderId, Guid userId, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, BayId = bayId, StartsAt = startsAt, EndsAt = endsAt, Title = title.Trim(),
        RepairOrderId = repairOrderId, Status = BookingStatus.Booked, CreatedBy = userId, CreatedAt = at,
    };

    public string? Start(DateTime at)
    {
        if (Status != BookingStatus.Booked)
        {
            return $"The booking is {Status.ToString().ToLowerInvariant()}.";
        }
        (Status, StartedAt) = (BookingStatus.InProgress, at);
        return null;
    }

    public string? Finish(DateTime at)
    {
        if (Status != BookingStatus.InProgress)
        {
            return Status == BookingStatus.Booked ? "Start the work first." : $"The booking is {Status.ToString().ToLowerInvariant()}.";
        }
        (Status, FinishedAt) = (BookingStatus.Done, at);
        return null;
    }

    public string? Cancel()
    {
        if (Status != BookingStatus.Booked)
        {
            return $"Only a booking not yet started can be cancelled; it is {Status.ToString().ToLowerInvariant()}.";
        }
        Status = BookingStatus.Cancelled;
        return null;
    }
}
