using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Privacy;
using Pitlane.Modules.Parking.Search;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking;

public sealed record SpotView(
    Guid Id, string Title, string Address, double Latitude, double Longitude, int MaxLengthCm, int MaxHeightCm, bool Covered, bool EvCharger, bool Gated,
    string? HouseRules, long HourlyRate, long? DailyCap, long? MonthlyRate, int MinimumMinutes, string Currency, string CancellationPolicy,
    double DistanceMeters, Quote Quote, string? PhotoUrl);

/// <summary>/api/v1/parking: hosts' listings, drivers' search and bookings, and a person's own data.</summary>
public static class ParkingEndpoints
{
    private const string NoSuchListing = "No such listing.";
    private const string NoSuchBooking = "No such booking.";

    public static IEndpointRouteBuilder MapParkingEndpoints(this IEndpointRouteBuilder routes)
    {
        var listings = routes.MapTenantApi("/api/v1/parking/listings", "Parking");
        listings.MapPost("", async (ListingRequest request, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.CreateAsync(scope.OrganizationId, request, ct)).Result(l => ListingView.From(l, true), NoSuchListing, l => $"/api/v1/parking/listings/{l.Id}"))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapGet("", async (OrganizationScope scope, ListingService service, CancellationToken ct, int? page, int? pageSize) =>
        {
            var check = new Validation();
            var paging = PageRequest.From(page, pageSize, check);
            return check.IsValid ? TypedResults.Ok((await service.ListOwnAsync(scope.OrganizationId, paging, ct)).Map(l => ListingView.From(l, true))) : (IResult)Problems.Invalid(check.Errors);
        }).RequirePermission(ParkingPermissions.Host);
        listings.MapGet("/{id:guid}", async (Guid id, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            await service.FindOwnAsync(scope.OrganizationId, id, ct) is { } l ? TypedResults.Ok(ListingView.From(l, true)) : (IResult)Problems.NotFound(NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapPut("/{id:guid}", async (Guid id, ListingRequest request, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.UpdateAsync(scope.OrganizationId, id, request, ct)).Result(l => ListingView.From(l, true), NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapPost("/{id:guid}/exceptions", async (Guid id, ExceptionRequest request, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.AddExceptionAsync(scope.OrganizationId, id, request, ct)).Result(l => ListingView.From(l, true), NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapDelete("/{id:guid}/exceptions/{exceptionId:guid}", async (Guid id, Guid exceptionId, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.RemoveExceptionAsync(scope.OrganizationId, id, exceptionId, ct)).Result(l => ListingView.From(l, true), NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapPost("/{id:guid}/publish", async (Guid id, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.PublishAsync(scope.OrganizationId, id, true, ct)).Result(l => ListingView.From(l, true), NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapPost("/{id:guid}/unpublish", async (Guid id, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.PublishAsync(scope.OrganizationId, id, false, ct)).Result(l => ListingView.From(l, true), NoSuchListing))
            .RequirePermission(ParkingPermissions.Host);
        listings.MapGet("/{id:guid}/calendar.ics", Calendar).RequirePermission(ParkingPermissions.Host);
        // A photo is the raw request body (image/jpeg, image/png, image/webp...: judged from its bytes); ?name= keeps the file name.
        listings.MapPost("/{id:guid}/photos", AddPhoto).RequirePermission(ParkingPermissions.Host).AcceptsBodyUpTo(ListingService.MaxPhotoBytes);
        listings.MapDelete("/{id:guid}/photos/{mediaId:guid}", async (Guid id, Guid mediaId, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            (await service.RemovePhotoAsync(scope.OrganizationId, id, mediaId, ct)).Result(l => ListingView.From(l, true), "No such photo."))
            .RequirePermission(ParkingPermissions.Host);

        var spots = routes.MapTenantApi("/api/v1/parking", "Parking");
        spots.MapGet("/search", Search).RequirePermission(ParkingPermissions.Search);
        spots.MapGet("/spots/{id:guid}", async (Guid id, ListingService service, CancellationToken ct) =>
            await service.FindPublishedAsync(id, ct) is { } l ? TypedResults.Ok(ListingView.From(l, false)) : (IResult)Problems.NotFound(NoSuchListing))
            .RequirePermission(ParkingPermissions.Search);

        spots.MapGet("/spots/{id:guid}/photos/{mediaId:guid}", async (Guid id, Guid mediaId, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            await service.OpenPhotoAsync(id, mediaId, scope.OrganizationId, ct) is var (content, type)
                ? TypedResults.Stream(content, type) : (IResult)Problems.NotFound("No such photo."))
            .RequirePermission(ParkingPermissions.Search);

        var bookings = routes.MapTenantApi("/api/v1/parking/bookings", "Parking");
        bookings.MapPost("/quote", async (QuoteRequest request, BookingService service, CancellationToken ct) =>
            (await service.QuoteAsync(request, ct)).Result(q => q, NoSuchListing)).RequirePermission(ParkingPermissions.Search);
        bookings.MapPost("", async (BookingRequest request, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            (await service.BookAsync(scope.OrganizationId, scope.UserId, request, ct)).Result(b => b, NoSuchListing, b => $"/api/v1/parking/bookings/{b.Id}"))
            .RequirePermission(ParkingPermissions.Book).WithIdempotency();
        bookings.MapGet("", async (OrganizationScope scope, BookingService service, CancellationToken ct, int? page, int? pageSize, string? role) =>
        {
            var check = new Validation().Require(role is null or "driver" or "host", "role", "role is driver or host.");
            var paging = PageRequest.From(page, pageSize, check);
            return check.IsValid ? TypedResults.Ok(await service.ListAsync(scope.OrganizationId, role, paging, ct)) : (IResult)Problems.Invalid(check.Errors);
        }).RequirePermission(ParkingPermissions.ViewBookings);
        bookings.MapGet("/{id:guid}", async (Guid id, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            await service.FindAsync(scope.OrganizationId, id, ct) is var (b, l)
                ? TypedResults.Ok(View(b, l, scope.OrganizationId)) : (IResult)Problems.NotFound(NoSuchBooking))
            .RequirePermission(ParkingPermissions.ViewBookings);
        bookings.MapPost("/{id:guid}/cancel", (Guid id, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Either, (b, l, host) => service.CancelAsync(b, l, host, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/arrive", (Guid id, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Driver, (b, l, _) => service.ArriveAsync(b, l, "check-in", ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/complete", (Guid id, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Either, (b, l, _) => service.CompleteAsync(b, l, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/extend", (Guid id, ExtendRequest request, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Driver, (b, l, _) => service.ExtendAsync(b, l, request, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/review", (Guid id, ReviewRequest request, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Driver, (b, l, _) => service.ReviewAsync(b, l, request, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/location", (Guid id, LocationRequest request, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Driver, (b, l, _) => service.LocateAsync(b, l, request, "phone", ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/vehicle", (Guid id, FollowVehicleRequest request, OrganizationScope scope, BookingService service, VehicleFollow follow, CancellationToken ct) =>
            Act(id, scope, service, Side.Driver, (b, l, _) => follow.FollowAsync(b, l, request, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/dispute", (Guid id, DisputeRequest request, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Either, (b, l, host) => service.DisputeAsync(b, l, host, request, ct), ct)).RequirePermission(ParkingPermissions.Book);
        bookings.MapPost("/{id:guid}/no-show", (Guid id, OrganizationScope scope, BookingService service, CancellationToken ct) =>
            Act(id, scope, service, Side.Host, (b, l, _) => service.NoShowAsync(b, l, ct), ct)).RequirePermission(ParkingPermissions.Host);

        var me = routes.MapTenantApi("/api/v1/parking/me", "Parking");
        me.MapGet("/export", async (OrganizationScope scope, PersonalData data, CancellationToken ct) =>
            TypedResults.File(await data.ExportAsync(scope.UserId, ct), "application/json", "parking-data.json")).RequirePermission(ParkingPermissions.OwnData);
        me.MapDelete("", async (OrganizationScope scope, PersonalData data, CancellationToken ct) =>
            TypedResults.Ok(await data.EraseAsync(scope.UserId, ct))).RequirePermission(ParkingPermissions.OwnData);
        me.MapPost("/consents", async (ConsentRequest request, OrganizationScope scope, PersonalData data, CancellationToken ct) =>
            await data.RecordConsentAsync(scope.UserId, request, ct) is { } errors ? (IResult)Problems.Invalid(errors) : TypedResults.NoContent())
            .RequirePermission(ParkingPermissions.OwnData);
        return routes;
    }

    private enum Side
    {
        Driver,
        Host,
        Either,
    }

    /// <summary>The driver sees the access instructions of a confirmed booking; the host never needs them echoed.</summary>
    private static BookingView View(Booking b, Listing l, Guid organization) =>
        b.DriverOrganizationId == organization ? BookingView.From(b, l) : BookingView.From(b, l).ForHost();

    private static async Task<IResult> Act(Guid id, OrganizationScope scope, BookingService service, Side side,
        Func<Booking, Listing, bool, Task<Outcome<BookingView>>> action, CancellationToken ct)
    {
        if (await service.FindAsync(scope.OrganizationId, id, ct) is not var (booking, listing))
        {
            return Problems.NotFound(NoSuchBooking);
        }
        var isDriver = booking.DriverOrganizationId == scope.OrganizationId;
        var isHost = booking.HostOrganizationId == scope.OrganizationId;
        if ((side == Side.Driver && !isDriver) || (side == Side.Host && !isHost))
        {
            return Problems.Forbidden(side == Side.Driver ? "Only the driver's organisation can do this." : "Only the host can do this.");
        }
        if (side == Side.Host && !scope.Can(ParkingPermissions.Host))
        {
            return Problems.Forbidden("Managing a host's bookings needs the host permission.");
        }
        Outcome<BookingView> outcome;
        try
        {
            outcome = await action(booking, listing, isHost && !isDriver);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Two changes of one booking at once (extend and cancel, say): the later one is told, nothing half-done stays.
            return Problems.Conflict("This booking was changed by another request at the same time; reload it and try again.");
        }
        return outcome.Result(v => isDriver ? v : v.ForHost(), NoSuchBooking);
    }

    private static async Task<IResult> Search(SpotSearch search, CancellationToken ct, double? lat, double? lon, double? radius, double? minLat, double? minLon,
        double? maxLat, double? maxLon, DateTimeOffset? from, DateTimeOffset? to, int? lengthCm, int? heightCm, string? sort, int? page, int? pageSize)
    {
        var hasBounds = minLat is not null || minLon is not null || maxLat is not null || maxLon is not null;
        var check = new Validation()
            .Require(hasBounds || (lat is >= -90 and <= 90 && lon is >= -180 and <= 180), "lat", "Give lat and lon (degrees) with a radius, or map bounds minLat, minLon, maxLat, maxLon.")
            .Require(hasBounds || radius is > 0 and <= SpotSearch.MaxRadiusMeters, "radius", $"radius is in metres, at most {SpotSearch.MaxRadiusMeters}.")
            .Require(!hasBounds || (minLat is >= -90 and <= 90 && maxLat is >= -90 and <= 90 && minLat <= maxLat), "minLat", "minLat and maxLat are latitudes with minLat <= maxLat.")
            .Require(!hasBounds || (minLon is >= -180 and <= 180 && maxLon is >= -180 and <= 180 && minLon <= maxLon), "minLon", "minLon and maxLon are longitudes with minLon <= maxLon.")
            .Require(from is not null, "from", "from is required (ISO 8601 with an offset).")
            .Require(to is not null && (from is null || to > from), "to", "to must be after from.")
            .Require(from is null || to is null || to - from <= TimeSpan.FromDays(400), "to", "A search window is at most 400 days.")
            .Require(lengthCm is null or >= 100 and <= 2_500, "lengthCm", "lengthCm is between 100 and 2500.")
            .Require(heightCm is null or >= 50 and <= 500, "heightCm", "heightCm is between 50 and 500.")
            .Require(sort is null or "distance" or "price", "sort", "sort is distance or price.");
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var query = new SpotQuery(lat, lon, hasBounds ? null : radius, hasBounds ? new GeoBox(minLat!.Value, minLon!.Value, maxLat!.Value, maxLon!.Value) : null,
            from!.Value.UtcDateTime, to!.Value.UtcDateTime, lengthCm, heightCm, sort ?? "distance");
        var found = await search.SearchAsync(query, paging, ct);
        return TypedResults.Ok(found.Map(h => new SpotView(h.Listing.Id, h.Listing.Title, h.Listing.Address, h.Listing.Latitude, h.Listing.Longitude,
            h.Listing.MaxLengthCm, h.Listing.MaxHeightCm, h.Listing.Covered, h.Listing.EvCharger, h.Listing.Gated, h.Listing.HouseRules, h.Listing.HourlyRate,
            h.Listing.DailyCap, h.Listing.MonthlyRate, h.Listing.MinimumMinutes, h.Listing.Currency, h.Listing.CancellationPolicy, Math.Round(h.DistanceMeters, 1), h.Quote,
            h.Listing.PhotoId is { } photo ? ListingView.PhotoPath(h.Listing.Id, photo) : null)));
    }

    private static async Task<IResult> AddPhoto(Guid id, HttpContext http, OrganizationScope scope, ListingService service, CancellationToken ct, string? name = null)
    {
        if (http.Request.ContentLength > ListingService.MaxPhotoBytes)
        {
            return Problems.TooLarge($"A photo is at most {ListingService.MaxPhotoBytes / (1024 * 1024)} MB.");
        }
        if (name is { Length: > 200 })
        {
            return Problems.BadRequest("name is at most 200 characters.");
        }
        try
        {
            return (await service.AddPhotoAsync(scope.OrganizationId, id, http.Request.Body, name, scope.UserId, ct))
                .Result(l => ListingView.From(l, true), NoSuchListing, l => ListingView.PhotoPath(l.Id, l.Photos.OrderBy(p => p.Position).Last().MediaId));
        }
        catch (Media.Contracts.MediaRejectedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode switch
            {
                413 => "Payload too large",
                415 => "Unsupported media type",
                _ => "Bad request",
            });
        }
    }

    /// <summary>RFC 5545 feed of a listing's bookings and blocked times from a week ago to a year ahead (Ical.Net).</summary>
    private static async Task<IResult> Calendar(Guid id, OrganizationScope scope, ListingService listings, ParkingDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await listings.FindOwnAsync(scope.OrganizationId, id, ct) is not { } listing)
        {
            return Problems.NotFound(NoSuchListing);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var (from, to) = (now.AddDays(-7), now.AddDays(366));
        var calendar = new Calendar { ProductId = "-//Pitlane//Parking//EN" };
        calendar.AddProperty("X-WR-CALNAME", listing.Title);
        var booked = await db.Bookings.AsNoTracking()
            .Where(b => b.ListingId == id && b.StartsAt < to && b.EndsAt > from && BookingStatus.Holding.Contains(b.Status) || (b.ListingId == id && b.Status == BookingStatus.Completed && b.EndsAt > from))
            .OrderBy(b => b.StartsAt).ToListAsync(ct);
        foreach (var b in booked)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{b.Id:N}@parking.pitlane",
                Summary = b.VehiclePlate is { } plate ? $"Booked ({plate})" : "Booked",
                DtStart = new CalDateTime(b.StartsAt, "UTC"),
                DtEnd = new CalDateTime(b.EndsAt, "UTC"),
                DtStamp = new CalDateTime(b.UpdatedAt, "UTC"),
                Location = listing.Address,
                Status = "CONFIRMED",
            });
        }
        foreach (var e in listing.Exceptions.Where(e => e.EndsAt > from && e.StartsAt < to))
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{e.Id:N}@parking.pitlane",
                Summary = e.Reason is { } reason ? $"Blocked: {reason}" : "Blocked",
                DtStart = new CalDateTime(e.StartsAt, "UTC"),
                DtEnd = new CalDateTime(e.EndsAt, "UTC"),
                DtStamp = new CalDateTime(listing.UpdatedAt, "UTC"),
                Location = listing.Address,
            });
        }
        return TypedResults.Text(new CalendarSerializer().SerializeToString(calendar) ?? "", "text/calendar; charset=utf-8");
    }
}
