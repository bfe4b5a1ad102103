namespace Pitlane.Modules.Parking.Listings;

/// <summary>How much of the price a driver gets back when cancelling, by how long before the start they cancel.</summary>
public static class CancellationPolicy
{
    /// <summary>Full refund until the start.</summary>
    public const string Flexible = "flexible";

    /// <summary>Full refund until 24 h before the start, half after.</summary>
    public const string Moderate = "moderate";

    /// <summary>Full refund until 7 days before the start, half until 24 h, nothing after.</summary>
    public const string Strict = "strict";

    public static readonly string[] All = [Flexible, Moderate, Strict];

    /// <summary>The refunded share in percent for a driver cancelling <paramref name="beforeStart"/> ahead (negative: after the start).</summary>
    public static int RefundPercent(string policy, TimeSpan beforeStart) => policy switch
    {
        Flexible => beforeStart > TimeSpan.Zero ? 100 : 0,
        Moderate => beforeStart >= TimeSpan.FromHours(24) ? 100 : beforeStart > TimeSpan.Zero ? 50 : 0,
        _ => beforeStart >= TimeSpan.FromDays(7) ? 100 : beforeStart >= TimeSpan.FromHours(24) ? 50 : 0,
    };
}

/// <summary>A weekly opening of a spot: on <see cref="Day"/>, from <see cref="StartMinute"/> to <see cref="EndMinute"/> (local time, 1440 = midnight).</summary>
public sealed class AvailabilityRule
{
    private AvailabilityRule()
    {
    }

    public AvailabilityRule(DayOfWeek day, int startMinute, int endMinute)
    {
        Id = Guid.CreateVersion7();
        Day = day;
        StartMinute = startMinute;
        EndMinute = endMinute;
    }

    public Guid Id { get; private set; }
    public Guid ListingId { get; private set; }
    public DayOfWeek Day { get; private set; }
    public int StartMinute { get; private set; }
    public int EndMinute { get; private set; }
}

/// <summary>A time the host blocks the spot although the weekly rules would open it (holiday, works).</summary>
public sealed class AvailabilityException
{
    private AvailabilityException()
    {
    }

    public AvailabilityException(DateTime startsAt, DateTime endsAt, string? reason)
    {
        Id = Guid.CreateVersion7();
        StartsAt = startsAt;
        EndsAt = endsAt;
        Reason = reason;
    }

    public Guid Id { get; private set; }
    public Guid ListingId { get; private set; }
    public DateTime StartsAt { get; private set; }
    public DateTime EndsAt { get; private set; }
    public string? Reason { get; private set; }
}

/// <summary>A photo of a spot: a file in the Media module's store (the host's organisation), shown in this order.</summary>
public sealed class ListingPhoto
{
    private ListingPhoto()
    {
    }

    public ListingPhoto(Guid mediaId, int position)
    {
        Id = Guid.CreateVersion7();
        MediaId = mediaId;
        Position = position;
    }

    public Guid Id { get; private set; }
    public Guid ListingId { get; private set; }
    public Guid MediaId { get; private set; }
    public int Position { get; private set; }
}

/// <summary>Prices of a spot in minor units: per started hour, at most <see cref="DailyCap"/> a 24 h day, or <see cref="Monthly"/> per 30 days.</summary>
public sealed record SpotPrices(long Hourly, long? DailyCap, long? Monthly, int MinimumMinutes);

/// <summary>A host's driveway (or garage) offered for parking. Changes only through its methods.</summary>
public sealed class Listing
{
    private readonly List<AvailabilityRule> _rules = [];
    private readonly List<AvailabilityException> _exceptions = [];
    private readonly List<ListingPhoto> _photos = [];

    private Listing()
    {
    }

    public Guid Id { get; private set; }
    public Guid HostOrganizationId { get; private set; }

    /// <summary>The listing's key in the SQLite R*Tree (which keys rows by a 64-bit integer): 63 bits of the id.</summary>
    public long SpatialKey { get; private set; }

    public string Title { get; private set; } = "";
    public string Address { get; private set; } = "";
    public double Latitude { get; private set; }
    public double Longitude { get; private set; }
    public string TimeZone { get; private set; } = "UTC";
    public int MaxLengthCm { get; private set; }
    public int MaxHeightCm { get; private set; }
    public bool Covered { get; private set; }
    public bool EvCharger { get; private set; }
    public bool Gated { get; private set; }
    public string? AccessInstructions { get; private set; }
    public string? HouseRules { get; private set; }
    public long HourlyRate { get; private set; }
    public long? DailyCap { get; private set; }
    public long? MonthlyRate { get; private set; }
    public int MinimumMinutes { get; private set; }
    public string Currency { get; private set; } = "usd";
    public string CancellationPolicy { get; private set; } = Listings.CancellationPolicy.Moderate;
    public int GeofenceMeters { get; private set; }
    public bool Published { get; private set; }

    /// <summary>When the platform suspended the spot (null: not suspended); a suspended spot is unpublished and stays so.</summary>
    public DateTime? SuspendedAt { get; private set; }
    public string? SuspensionReason { get; private set; }

    /// <summary>
    /// The weekly rules packed as "day:start:end,..." (<see cref="Availability.Pack"/>), kept on the listing by
    /// <see cref="ReplaceRules"/> so search reads a spot's openings from its own row instead of a per-spot lookup.
    /// </summary>
    public string Openings { get; private set; } = "";

    /// <summary>The first photo (media id), kept on the listing so search reads it without a join.</summary>
    public Guid? CoverPhotoId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<AvailabilityRule> Rules => _rules;
    public IReadOnlyList<AvailabilityException> Exceptions => _exceptions;
    public IReadOnlyList<ListingPhoto> Photos => _photos;

    public const int MaxPhotos = 8;

    public string? CannotAddPhoto() => _photos.Count >= MaxPhotos ? $"A spot has at most {MaxPhotos} photos; remove one first." : null;

    public ListingPhoto AddPhoto(Guid mediaId, DateTime now)
    {
        var photo = new ListingPhoto(mediaId, _photos.Count == 0 ? 0 : _photos.Max(p => p.Position) + 1);
        _photos.Add(photo);
        CoverPhotoId = _photos.OrderBy(p => p.Position).First().MediaId;
        UpdatedAt = now;
        return photo;
    }

    public bool RemovePhoto(Guid mediaId, DateTime now)
    {
        var removed = _photos.RemoveAll(p => p.MediaId == mediaId) > 0;
        CoverPhotoId = _photos.OrderBy(p => p.Position).FirstOrDefault()?.MediaId;
        UpdatedAt = now;
        return removed;
    }

    public SpotPrices Prices => new(HourlyRate, DailyCap, MonthlyRate, MinimumMinutes);

    public static Listing Create(Guid hostOrganizationId, ListingDetails details, DateTime now)
    {
        var id = Guid.NewGuid();
        var listing = new Listing { Id = id, SpatialKey = BitConverter.ToInt64(id.ToByteArray(), 8) & long.MaxValue, HostOrganizationId = hostOrganizationId, CreatedAt = now };
        listing.Update(details, now);
        return listing;
    }

    public void Update(ListingDetails d, DateTime now)
    {
        Title = d.Title;
        Address = d.Address;
        Latitude = d.Latitude;
        Longitude = d.Longitude;
        TimeZone = d.TimeZone;
        MaxLengthCm = d.MaxLengthCm;
        MaxHeightCm = d.MaxHeightCm;
        Covered = d.Covered;
        EvCharger = d.EvCharger;
        Gated = d.Gated;
        AccessInstructions = d.AccessInstructions;
        HouseRules = d.HouseRules;
        HourlyRate = d.Prices.Hourly;
        DailyCap = d.Prices.DailyCap;
        MonthlyRate = d.Prices.Monthly;
        MinimumMinutes = d.Prices.MinimumMinutes;
        Currency = d.Currency;
        CancellationPolicy = d.CancellationPolicy;
        GeofenceMeters = d.GeofenceMeters;
        UpdatedAt = now;
    }

    public void ReplaceRules(IEnumerable<AvailabilityRule> rules, DateTime now)
    {
        _rules.Clear();
        _rules.AddRange(rules);
        Openings = Availability.Pack(_rules);
        UpdatedAt = now;
    }

    public void AddException(AvailabilityException exception, DateTime now)
    {
        _exceptions.Add(exception);
        UpdatedAt = now;
    }

    public bool RemoveException(Guid id, DateTime now)
    {
        var removed = _exceptions.RemoveAll(e => e.Id == id) > 0;
        UpdatedAt = now;
        return removed;
    }

    public string? CannotPublish() => SuspendedAt is not null ? $"The platform suspended this spot ({SuspensionReason}); it can be published again once the platform reinstates it."
        : _rules.Count == 0 ? "Add at least one weekly opening before publishing, so drivers can book a time." : null;

    /// <summary>The platform takes the spot out of search (it stays unpublished until reinstated); bookings already made stand.</summary>
    public void Suspend(string reason, DateTime now)
    {
        SuspendedAt = now;
        SuspensionReason = reason;
        Published = false;
        UpdatedAt = now;
    }

    public void Reinstate(DateTime now)
    {
        SuspendedAt = null;
        SuspensionReason = null;
        UpdatedAt = now;
    }

    public void Publish(bool published, DateTime now)
    {
        Published = published;
        UpdatedAt = now;
    }

    public bool Fits(int? lengthCm, int? heightCm) => (lengthCm is null || lengthCm <= MaxLengthCm) && (heightCm is null || heightCm <= MaxHeightCm);

    /// <summary>
    /// Whether the weekly rules open the spot for all of [start, end) and no exception blocks any of it. Rules are
    /// local times in the spot's zone; consecutive openings (Mon 18:00–24:00, Tue 00:00–08:00) join into one.
    /// </summary>
    public bool IsOpen(DateTime start, DateTime end) => Availability.Covers(_rules, _exceptions, TimeZoneInfo.FindSystemTimeZoneById(TimeZone), start, end);
}

/// <summary>What a host sets on a listing, validated.</summary>
public sealed record ListingDetails(
    string Title, string Address, double Latitude, double Longitude, string TimeZone, int MaxLengthCm, int MaxHeightCm, bool Covered, bool EvCharger,
    bool Gated, string? AccessInstructions, string? HouseRules, SpotPrices Prices, string Currency, string CancellationPolicy, int GeofenceMeters);

public static class Availability
{
    /// <summary>The longest <see cref="Listing.Openings"/>: 50 openings of up to 7 days each, "6:1439:1440," per rule.</summary>
    public const int MaxPackedLength = ListingService.MaxRules * 7 * 12;

    /// <summary>Weekly rules as "day:start:end,..." (invariant digits), ordered by day, start and end, so one schedule always packs the same.</summary>
    public static string Pack(IEnumerable<AvailabilityRule> rules) =>
        string.Join(',', rules.OrderBy(r => r.Day).ThenBy(r => r.StartMinute).ThenBy(r => r.EndMinute).Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)r.Day}:{r.StartMinute}:{r.EndMinute}")));

    /// <summary>The rules of a <see cref="Pack"/>ed string (empty: none).</summary>
    public static List<AvailabilityRule> Unpack(string? packed)
    {
        var rules = new List<AvailabilityRule>();
        if (string.IsNullOrEmpty(packed))
        {
            return rules;
        }
        foreach (var part in packed.Split(','))
        {
            var fields = part.Split(':');
            rules.Add(new AvailabilityRule((DayOfWeek)int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return rules;
    }

    /// <summary>The open intervals (UTC) of the weekly rules that touch [start, end), merged.</summary>
    public static bool Covers(IReadOnlyList<AvailabilityRule> rules, IReadOnlyList<AvailabilityException> exceptions, TimeZoneInfo zone, DateTime start, DateTime end)
    {
        if (end <= start || rules.Count == 0)
        {
            return false;
        }
        foreach (var e in exceptions)
        {
            if (e.StartsAt < end && e.EndsAt > start)
            {
                return false;
            }
        }
        var cursor = start;
        var localStart = TimeZoneInfo.ConvertTimeFromUtc(start, zone).Date.AddDays(-1);
        var localEnd = TimeZoneInfo.ConvertTimeFromUtc(end, zone).Date.AddDays(1);
        var intervals = new List<(DateTime From, DateTime To)>();
        for (var day = localStart; day <= localEnd; day = day.AddDays(1))
        {
            foreach (var rule in rules)
            {
                if (rule.Day != day.DayOfWeek)
                {
                    continue;
                }
                var from = ToUtc(day.AddMinutes(rule.StartMinute), zone);
                var to = ToUtc(day.AddMinutes(rule.EndMinute), zone);
                if (to > from)
                {
                    intervals.Add((from, to));
                }
            }
        }
        foreach (var (from, to) in intervals.OrderBy(i => i.From))
        {
            if (from > cursor)
            {
                break;
            }
            if (to > cursor)
            {
                cursor = to;
            }
            if (cursor >= end)
            {
                return true;
            }
        }
        return cursor >= end;
    }

    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A local time skipped by a DST jump does not exist: take the instant just after the gap.
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }
}
