using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;

namespace Pitlane.Modules.Parking.Listings;

public sealed record RuleRequest(string? Day, string? From, string? To);

public sealed record ListingRequest(
    string? Title, string? Address, double? Latitude, double? Longitude, string? TimeZone, int? MaxLengthCm, int? MaxHeightCm, bool? Covered,
    bool? EvCharger, bool? Gated, string? AccessInstructions, string? HouseRules, long? HourlyRate, long? DailyCap, long? MonthlyRate,
    int? MinimumMinutes, string? Currency, string? CancellationPolicy, int? GeofenceMeters, RuleRequest[]? Availability);

public sealed record ExceptionRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);

public sealed record RuleView(string Day, string From, string To);

public sealed record ExceptionView(Guid Id, DateTime StartsAt, DateTime EndsAt, string? Reason);

/// <summary>A listing as its host sees it (with the access instructions) or as drivers see it (without).</summary>
public sealed record ListingView(
    Guid Id, Guid HostOrganizationId, string Title, string Address, double Latitude, double Longitude, string TimeZone, int MaxLengthCm, int MaxHeightCm,
    bool Covered, bool EvCharger, bool Gated, string? AccessInstructions, string? HouseRules, long HourlyRate, long? DailyCap, long? MonthlyRate,
    int MinimumMinutes, string Currency, string CancellationPolicy, int GeofenceMeters, bool Published, IReadOnlyList<RuleView> Availability,
    IReadOnlyList<ExceptionView> Exceptions, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<Guid> Photos, DateTime? SuspendedAt, string? SuspensionReason)
{
    public static ListingView From(Listing l, bool withAccess) => new(
        l.Id, l.HostOrganizationId, l.Title, l.Address, l.Latitude, l.Longitude, l.TimeZone, l.MaxLengthCm, l.MaxHeightCm, l.Covered, l.EvCharger, l.Gated,
        withAccess ? l.AccessInstructions : null, l.HouseRules, l.HourlyRate, l.DailyCap, l.MonthlyRate, l.MinimumMinutes, l.Currency, l.CancellationPolicy,
        l.GeofenceMeters, l.Published,
        [.. l.Rules.OrderBy(r => (((int)r.Day + 6) % 7, r.StartMinute)).Select(r => new RuleView(r.Day.ToString().ToLowerInvariant(), Clock(r.StartMinute), Clock(r.EndMinute)))],
        [.. l.Exceptions.OrderBy(e => e.StartsAt).Select(e => new ExceptionView(e.Id, e.StartsAt, e.EndsAt, e.Reason))],
        l.CreatedAt, l.UpdatedAt, [.. l.Photos.OrderBy(p => p.Position).Select(p => p.MediaId)], l.SuspendedAt, l.SuspensionReason);

    /// <summary>Where a photo of a published spot is read: any signed-in member may open it.</summary>
    public static string PhotoPath(Guid listingId, Guid mediaId) => $"/api/v1/parking/spots/{listingId}/photos/{mediaId}";

    public static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}

/// <param name="Declined">The payment was declined (402), <c>Conflict</c> says why.</param>
public sealed record Outcome<T>(T? Value, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false, bool Declined = false)
{
    public static Outcome<T> Missing { get; } = new(default, NotFound: true);

    public static Outcome<T> Refused(string conflict) => new(default, Conflict: conflict);

    /// <summary>The answer of an endpoint: 200/201 with the mapped value, or the problem.</summary>
    public Microsoft.AspNetCore.Http.IResult Result<TOut>(Func<T, TOut> map, string notFound, Func<T, string>? location = null) => this switch
    {
        { Errors: { } errors } => Problems.Invalid(errors),
        { NotFound: true } => Problems.NotFound(notFound),
        { Declined: true } => Microsoft.AspNetCore.Http.TypedResults.Problem(Conflict, statusCode: 402, title: "Payment declined"),
        { Conflict: { } conflict } => Problems.Conflict(conflict),
        { Value: { } value } when location is not null => Microsoft.AspNetCore.Http.TypedResults.Created(location(value), map(value)),
        { Value: { } value } => Microsoft.AspNetCore.Http.TypedResults.Ok(map(value)),
        _ => Problems.NotFound(notFound),
    };
}

/// <summary>A host's listings: create, change, open hours, block times, publish.</summary>
public sealed class ListingService(ParkingDbContext db, TimeProvider time, IMediaStore media)
{
    public const int MaxRules = 50;

    /// <summary>A spot photo is at most 10 MB.</summary>
    public const long MaxPhotoBytes = 10 * 1024 * 1024;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<Listing?> FindOwnAsync(Guid host, Guid id, CancellationToken ct) =>
        db.Listings.Include(l => l.Rules).Include(l => l.Exceptions).Include(l => l.Photos).AsSplitQuery().FirstOrDefaultAsync(l => l.Id == id && l.HostOrganizationId == host, ct);

    public Task<Listing?> FindPublishedAsync(Guid id, CancellationToken ct) =>
        db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).Include(l => l.Photos).AsSplitQuery().FirstOrDefaultAsync(l => l.Id == id && l.Published, ct);

    public async Task<ListPage<Listing>> ListOwnAsync(Guid host, PageRequest page, CancellationToken ct) =>
        await page.ApplyAsync(db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).Include(l => l.Photos).AsSplitQuery()
            .Where(l => l.HostOrganizationId == host).OrderByDescending(l => l.CreatedAt), ct);

    /// <summary>Every host's listings, newest first (the platform's view); <paramref name="suspended"/> filters by suspension.</summary>
    public async Task<ListPage<Listing>> ListAllAsync(bool? suspended, PageRequest page, CancellationToken ct) =>
        await page.ApplyAsync(db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).Include(l => l.Photos).AsSplitQuery()
            .Where(l => suspended == null || (l.SuspendedAt != null) == suspended).OrderByDescending(l => l.CreatedAt), ct);

    /// <summary>The platform suspends a listing of any host (with a reason) or, with no reason, reinstates it.</summary>
    public async Task<Outcome<Listing>> SuspendAsync(Guid id, string? reason, bool suspend, CancellationToken ct)
    {
        var listing = await db.Listings.Include(l => l.Rules).Include(l => l.Exceptions).Include(l => l.Photos).AsSplitQuery().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (listing is null)
        {
            return Outcome<Listing>.Missing;
        }
        if (suspend)
        {
            var check = new Validation().Require(!string.IsNullOrWhiteSpace(reason) && reason.Trim().Length <= 300, "reason", "Give the host a reason (at most 300 characters).");
            if (!check.IsValid)
            {
                return new(null, check.Errors);
            }
            listing.Suspend(reason!.Trim(), Now);
        }
        else if (listing.SuspendedAt is null)
        {
            return Outcome<Listing>.Refused("This listing is not suspended.");
        }
        else
        {
            listing.Reinstate(Now);
        }
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> CreateAsync(Guid host, ListingRequest request, CancellationToken ct)
    {
        var check = new Validation();
        var details = Validate(request, check);
        var rules = Rules(request.Availability ?? [], check);
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var listing = Listing.Create(host, details!, Now);
        listing.ReplaceRules(rules, Now);
        db.Listings.Add(listing);
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> UpdateAsync(Guid host, Guid id, ListingRequest request, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing)
        {
            return Outcome<Listing>.Missing;
        }
        var check = new Validation();
        var details = Validate(request, check);
        var rules = request.Availability is { } given ? Rules(given, check) : null;
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        listing.Update(details!, Now);
        if (rules is not null)
        {
            db.Rules.RemoveRange(listing.Rules);
            listing.ReplaceRules(rules, Now);
            db.Rules.AddRange(listing.Rules);
        }
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> AddExceptionAsync(Guid host, Guid id, ExceptionRequest request, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing)
        {
            return Outcome<Listing>.Missing;
        }
        var check = new Validation()
            .Require(request.StartsAt is not null, "startsAt", "startsAt is required (ISO 8601 with an offset).")
            .Require(request.EndsAt is not null && (request.StartsAt is null || request.EndsAt > request.StartsAt), "endsAt", "endsAt must be after startsAt.")
            .Require(request.Reason is null || request.Reason.Length <= 200, "reason", "reason is at most 200 characters.")
            .Require(listing.Exceptions.Count < 500, "startsAt", "A listing keeps at most 500 blocked times; remove old ones first.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var exception = new AvailabilityException(request.StartsAt!.Value.UtcDateTime, request.EndsAt!.Value.UtcDateTime, request.Reason?.Trim());
        listing.AddException(exception, Now);
        db.Exceptions.Add(exception);
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> RemoveExceptionAsync(Guid host, Guid id, Guid exceptionId, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing || listing.Exceptions.All(e => e.Id != exceptionId))
        {
            return Outcome<Listing>.Missing;
        }
        db.Exceptions.Remove(listing.Exceptions.First(e => e.Id == exceptionId));
        listing.RemoveException(exceptionId, Now);
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> PublishAsync(Guid host, Guid id, bool publish, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing)
        {
            return Outcome<Listing>.Missing;
        }
        if (publish && listing.CannotPublish() is { } reason)
        {
            return Outcome<Listing>.Refused(reason);
        }
        listing.Publish(publish, Now);
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    /// <summary>Stores a photo in the Media module (an image, judged from its bytes; 413/415 as <see cref="MediaRejectedException"/>) and adds it.</summary>
    public async Task<Outcome<Listing>> AddPhotoAsync(Guid host, Guid id, Stream content, string? fileName, Guid? user, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing)
        {
            return Outcome<Listing>.Missing;
        }
        if (listing.CannotAddPhoto() is { } reason)
        {
            return Outcome<Listing>.Refused(reason);
        }
        var item = await media.PutAsync(new MediaUpload(host, content, fileName, [MediaKind.Image], MaxPhotoBytes, user), ct);
        // A new child with its key already set would be taken for an existing row (an UPDATE of nothing): add it explicitly.
        db.Photos.Add(listing.AddPhoto(item.Id, Now));
        await db.SaveChangesAsync(ct);
        return new(listing);
    }

    public async Task<Outcome<Listing>> RemovePhotoAsync(Guid host, Guid id, Guid mediaId, CancellationToken ct)
    {
        if (await FindOwnAsync(host, id, ct) is not { } listing || listing.Photos.All(p => p.MediaId != mediaId))
        {
            return Outcome<Listing>.Missing;
        }
        db.Photos.Remove(listing.Photos.First(p => p.MediaId == mediaId));
        listing.RemovePhoto(mediaId, Now);
        await db.SaveChangesAsync(ct);
        await media.DeleteAsync(host, mediaId, ct);
        return new(listing);
    }

    /// <summary>A photo's bytes: of a published spot for anyone, of an unpublished one only for its host (<paramref name="viewer"/>).</summary>
    public async Task<(Stream Content, string ContentType)?> OpenPhotoAsync(Guid id, Guid mediaId, Guid viewer, CancellationToken ct)
    {
        var listing = await db.Listings.AsNoTracking().Where(l => l.Id == id && (l.Published || l.HostOrganizationId == viewer)
            && db.Photos.Any(p => p.ListingId == l.Id && p.MediaId == mediaId)).Select(l => new { l.HostOrganizationId }).FirstOrDefaultAsync(ct);
        if (listing is null || await media.FindAsync(listing.HostOrganizationId, mediaId, ct) is not { } item
            || await media.OpenReadAsync(listing.HostOrganizationId, mediaId, ct) is not { } stream)
        {
            return null;
        }
        return (stream, item.ContentType);
    }

    internal static ListingDetails? Validate(ListingRequest r, Validation check)
    {
        var zone = r.TimeZone ?? "UTC";
        var currency = (r.Currency ?? "usd").ToLowerInvariant();
        var policy = r.CancellationPolicy ?? CancellationPolicy.Moderate;
        check
            .Require(!string.IsNullOrWhiteSpace(r.Title) && r.Title.Trim().Length <= 120, "title", "Give the spot a title of at most 120 characters.")
            .Require(!string.IsNullOrWhiteSpace(r.Address) && r.Address.Trim().Length <= 300, "address", "The address is required (at most 300 characters).")
            .Require(r.Latitude is >= -90 and <= 90 && double.IsFinite(r.Latitude.Value), "latitude", "latitude is between -90 and 90.")
            .Require(r.Longitude is >= -180 and <= 180 && double.IsFinite(r.Longitude.Value), "longitude", "longitude is between -180 and 180.")
            .Require(zone.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _), "timeZone", "timeZone must be an IANA time zone such as Europe/Berlin.")
            .Require(r.MaxLengthCm is >= 200 and <= 2_500, "maxLengthCm", "maxLengthCm (the longest vehicle that fits) is between 200 and 2500.")
            .Require(r.MaxHeightCm is >= 100 and <= 500, "maxHeightCm", "maxHeightCm (the tallest vehicle that fits) is between 100 and 500.")
            .Require(r.AccessInstructions is null || r.AccessInstructions.Length <= 2_000, "accessInstructions", "accessInstructions is at most 2000 characters.")
            .Require(r.HouseRules is null || r.HouseRules.Length <= 2_000, "houseRules", "houseRules is at most 2000 characters.")
            .Require(r.HourlyRate is >= 0 and <= 100_000, "hourlyRate", "hourlyRate (minor units per hour) is between 0 and 100000.")
            .Require(r.DailyCap is null or >= 0 and <= 1_000_000, "dailyCap", "dailyCap is between 0 and 1000000.")
            .Require(r.MonthlyRate is null or >= 0 and <= 10_000_000, "monthlyRate", "monthlyRate is between 0 and 10000000.")
            .Require(r.MinimumMinutes is null or >= 15 and <= 43_200, "minimumMinutes", "minimumMinutes is between 15 and 43200 (30 days).")
            .Require(currency.Length == 3 && currency.All(char.IsAsciiLetterLower), "currency", "currency is an ISO 4217 code such as usd.")
            .Require(CancellationPolicy.All.Contains(policy), "cancellationPolicy", $"cancellationPolicy is one of {string.Join(", ", CancellationPolicy.All)}.")
            .Require(r.GeofenceMeters is null or >= 10 and <= 500, "geofenceMeters", "geofenceMeters is between 10 and 500.");
        if (!check.IsValid)
        {
            return null;
        }
        return new ListingDetails(r.Title!.Trim(), r.Address!.Trim(), r.Latitude!.Value, r.Longitude!.Value, zone, r.MaxLengthCm!.Value, r.MaxHeightCm!.Value,
            r.Covered ?? false, r.EvCharger ?? false, r.Gated ?? false, Blank(r.AccessInstructions), Blank(r.HouseRules),
            new SpotPrices(r.HourlyRate!.Value, r.DailyCap, r.MonthlyRate, r.MinimumMinutes ?? 60), currency, policy, r.GeofenceMeters ?? 40);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    internal static List<AvailabilityRule> Rules(RuleRequest[] requests, Validation check)
    {
        var rules = new List<AvailabilityRule>();
        if (requests.Length > MaxRules)
        {
            check.Require(false, "availability", $"At most {MaxRules} weekly openings.");
            return rules;
        }
        for (var i = 0; i < requests.Length; i++)
        {
            var r = requests[i];
            var from = Minute(r.From);
            var to = Minute(r.To);
            var days = Days(r.Day);
            if (days is null || from is null || to is null || to <= from)
            {
                check.Require(false, $"availability[{i}]", "Each opening is {day: monday..sunday, weekdays, weekends or daily; from: HH:mm; to: HH:mm (24:00 allowed), after from}.");
                continue;
            }
            rules.AddRange(days.Select(d => new AvailabilityRule(d, from.Value, to.Value)));
        }
        return rules;
    }

    private static DayOfWeek[]? Days(string? day) => day?.ToLowerInvariant() switch
    {
        "daily" => Enum.GetValues<DayOfWeek>(),
        "weekdays" => [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
        "weekends" => [DayOfWeek.Saturday, DayOfWeek.Sunday],
        { } d when Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(d[0]) => [parsed],
        _ => null,
    };

    internal static int? Minute(string? value) =>
        value == "24:00" ? 1440 : TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.Hour * 60 + t.Minute : null;
}
