using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>One weekly opening row of the host's form: a day (or daily, weekdays, weekends) and local times; a blank day is skipped.</summary>
public sealed class OpeningRow
{
    public string? Day { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
}

/// <summary>What the host's form posts. Prices are typed in the currency's main unit (3.50) and kept in minor units.</summary>
public sealed class SpotForm
{
    public string? Title { get; set; }
    public string? Address { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? TimeZone { get; set; }
    public int? MaxLengthCm { get; set; } = 500;
    public int? MaxHeightCm { get; set; } = 200;
    public bool Covered { get; set; }
    public bool EvCharger { get; set; }
    public bool Gated { get; set; }
    public string? AccessInstructions { get; set; }
    public string? HouseRules { get; set; }
    public decimal? Hourly { get; set; }
    public decimal? DailyCap { get; set; }
    public decimal? Monthly { get; set; }
    public int? MinimumMinutes { get; set; } = 60;
    public string? Currency { get; set; } = "usd";
    public string? CancellationPolicy { get; set; } = Listings.CancellationPolicy.Moderate;
    public int? GeofenceMeters { get; set; } = 40;
    public List<OpeningRow> Openings { get; set; } = [];

    public static SpotForm From(Listing l) => new()
    {
        Title = l.Title, Address = l.Address, Latitude = l.Latitude, Longitude = l.Longitude, TimeZone = l.TimeZone, MaxLengthCm = l.MaxLengthCm,
        MaxHeightCm = l.MaxHeightCm, Covered = l.Covered, EvCharger = l.EvCharger, Gated = l.Gated, AccessInstructions = l.AccessInstructions,
        HouseRules = l.HouseRules, Hourly = Major(l.HourlyRate), DailyCap = Major(l.DailyCap), Monthly = Major(l.MonthlyRate),
        MinimumMinutes = l.MinimumMinutes, Currency = l.Currency, CancellationPolicy = l.CancellationPolicy, GeofenceMeters = l.GeofenceMeters,
        Openings = Rows(l.Rules),
    };

    /// <summary>The stored per-day openings folded back into rows: the same hours every day, on weekdays or at weekends are one row.</summary>
    private static List<OpeningRow> Rows(IEnumerable<AvailabilityRule> rules)
    {
        var rows = new List<OpeningRow>();
        foreach (var hours in rules.GroupBy(r => (r.StartMinute, r.EndMinute)).OrderBy(g => g.Key))
        {
            var days = hours.Select(r => r.Day).ToHashSet();
            var groups = new List<(string Name, DayOfWeek[] Days)>();
            if (days.Count == 7)
            {
                groups.Add(("daily", [.. days]));
            }
            else
            {
                DayOfWeek[] weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
                DayOfWeek[] weekends = [DayOfWeek.Saturday, DayOfWeek.Sunday];
                if (weekdays.All(days.Contains))
                {
                    groups.Add(("weekdays", weekdays));
                }
                if (weekends.All(days.Contains))
                {
                    groups.Add(("weekends", weekends));
                }
                var covered = groups.SelectMany(g => g.Days).ToHashSet();
                groups.AddRange(days.Where(d => !covered.Contains(d)).OrderBy(d => ((int)d + 6) % 7).Select(d => (d.ToString().ToLowerInvariant(), new[] { d })));
            }
            rows.AddRange(groups.Select(g => new OpeningRow { Day = g.Name, From = ListingView.Clock(hours.Key.StartMinute), To = ListingView.Clock(hours.Key.EndMinute) }));
        }
        return rows;
    }

    /// <summary>Minor units as the amount typed (350 → 3.50, two decimals kept for the form).</summary>
    private static decimal? Major(long? minor) => minor is { } m ? decimal.Parse((m / 100m).ToString("0.00", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    /// <summary>The API request this form stands for; <paramref name="errors"/> gets the fields that are not numbers of the currency.</summary>
    public ListingRequest ToRequest(Dictionary<string, string[]> errors)
    {
        long? Minor(decimal? value, string key)
        {
            if (value is null)
            {
                return null;
            }
            if (value < 0 || value > 100_000 || decimal.Round(value.Value, 2) != value)
            {
                errors[key] = ["Give an amount such as 3.50 (at most two decimals)."];
                return null;
            }
            return (long)(value.Value * 100);
        }
        var rows = Openings.Where(o => !string.IsNullOrWhiteSpace(o.Day)).Select(o => new RuleRequest(o.Day, o.From, o.To)).ToArray();
        return new ListingRequest(Title, Address, Latitude, Longitude, TimeZone, MaxLengthCm, MaxHeightCm, Covered, EvCharger, Gated, AccessInstructions,
            HouseRules, Minor(Hourly, "hourlyRate"), Minor(DailyCap, "dailyCap"), Minor(Monthly, "monthlyRate"), MinimumMinutes, Currency, CancellationPolicy,
            GeofenceMeters, rows);
    }
}

/// <summary>A host's spot: create or change its address, place, size, features, openings, blocked times, prices, photos; publish it.</summary>
public sealed class ParkingSpotModel(PageOrganization organizations, ListingService listings, TimeProvider time, ParkingOptions options) : PageModel
{
    public const int BlankOpenings = 3;

    [BindProperty]
    public SpotForm Form { get; set; } = new();

    [BindProperty]
    public BlockForm Block { get; set; } = new();

    public Listing? Listing { get; private set; }
    public bool Allowed { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = [];
    public string? Saved { get; private set; }

    /// <summary>IANA zones for the time zone list.</summary>
    public static IReadOnlyList<string> Zones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC").Order(StringComparer.Ordinal)];

    public sealed class BlockForm
    {
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }
        public string? Reason { get; set; }
    }

    public string? Error(string key) => Errors.TryGetValue(key, out var messages) ? string.Join(" ", messages) : null;

    private async Task<bool> LoadAsync(Guid? id, CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !ParkingPermissions.Host.Allows(org.Role))
        {
            return false;
        }
        Allowed = true;
        OrganizationId = org.Id;
        if (id is { } listingId)
        {
            Listing = await listings.FindOwnAsync(org.Id, listingId, ct);
            return Listing is not null;
        }
        return true;
    }

    public ParkingOptions Map => options;

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context) => MapTiles.AllowIn(Response, options);

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return Allowed ? NotFound() : Page();
        }
        Form = Listing is null ? new SpotForm { TimeZone = "UTC", Openings = [new() { Day = "daily", From = "00:00", To = "24:00" }] } : SpotForm.From(Listing);
        Saved = Request.Query["saved"].FirstOrDefault() switch
        {
            "created" => "Spot saved. Add photos and publish it when it is ready.",
            "saved" => "Changes saved.",
            "published" => "Published: drivers can now find and book this spot.",
            "unpublished" => "Unpublished: drivers no longer find this spot. Confirmed bookings stay.",
            "blocked" => "Blocked time added.",
            "unblocked" => "Blocked time removed.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return Allowed ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }
        var errors = new Dictionary<string, string[]>();
        var request = Form.ToRequest(errors);
        var unreadable = errors.Keys.ToHashSet();
        if (errors.Count == 0)
        {
            var outcome = Listing is null ? await listings.CreateAsync(OrganizationId, request, ct) : await listings.UpdateAsync(OrganizationId, Listing.Id, request, ct);
            if (outcome.Value is { } saved)
            {
                return Redirect($"/Parking/Spot/{saved.Id}?saved={(Listing is null ? "created" : "saved")}");
            }
            errors = outcome.Errors ?? new() { [""] = [outcome.Conflict ?? "The spot could not be saved."] };
        }
        if (errors.Count > 0)
        {
            // Show every fault at once: the amounts the form could not read, and what the service says of the rest.
            var check = new Pitlane.Platform.Validation();
            ListingService.Validate(request, check);
            ListingService.Rules(request.Availability ?? [], check);
            foreach (var (key, messages) in check.Errors)
            {
                errors.TryAdd(key, messages);
            }
        }
        // The API's words for money speak of minor units; the form takes amounts.
        foreach (var (key, words) in Plain)
        {
            if (errors.ContainsKey(key) && !unreadable.Contains(key))
            {
                errors[key] = [words];
            }
        }
        Errors = errors;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private static readonly (string Key, string Words)[] Plain =
    [
        ("hourlyRate", "Give the price per hour, such as 3.50 (at most 1000)."),
        ("dailyCap", "The most per day is an amount such as 20.00 (at most 10000), or empty for no cap."),
        ("monthlyRate", "The price per 30 days is an amount such as 150.00 (at most 100000), or empty for none."),
        ("minimumMinutes", "The shortest stay is 15 minutes to 30 days (43200 minutes)."),
        ("currency", "The currency is a three-letter code such as usd or eur."),
    ];

    public async Task<IActionResult> OnPostPublishAsync(Guid id, bool publish, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return Allowed ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }
        var outcome = await listings.PublishAsync(OrganizationId, id, publish, ct);
        if (outcome.Value is not null)
        {
            return Redirect($"/Parking/Spot/{id}?saved={(publish ? "published" : "unpublished")}");
        }
        Form = SpotForm.From(Listing!);
        Errors = new() { ["publish"] = [outcome.Conflict ?? "The spot could not be published."] };
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    public async Task<IActionResult> OnPostBlockAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return Allowed ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Listing!.TimeZone);
        var request = new ExceptionRequest(Block.From is { } f ? ParkingTime.ToUtc(f, zone) : null, Block.To is { } t ? ParkingTime.ToUtc(t, zone) : null, Block.Reason);
        var outcome = await listings.AddExceptionAsync(OrganizationId, id, request, ct);
        if (outcome.Value is not null)
        {
            return Redirect($"/Parking/Spot/{id}?saved=blocked");
        }
        Form = SpotForm.From(Listing);
        Errors = (outcome.Errors ?? []).ToDictionary(e => "block." + e.Key, e => e.Value);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostUnblockAsync(Guid id, Guid exceptionId, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return Allowed ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }
        var outcome = await listings.RemoveExceptionAsync(OrganizationId, id, exceptionId, ct);
        return outcome.Value is not null ? Redirect($"/Parking/Spot/{id}?saved=unblocked") : NotFound();
    }

    public string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(Listing!.TimeZone))
            .ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);

    public DateTime Now => time.GetUtcNow().UtcDateTime;
}
