using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Bays;

/// <summary>/api/v1/shop/bays: bays, their bookings (never overlapping: 409), and an iCalendar feed per bay.</summary>
public static class BayEndpoints
{
    private const string NoSuchBay = "No such bay.";

    public static IEndpointRouteBuilder MapBayEndpoints(this IEndpointRouteBuilder routes)
    {
        var bays = routes.MapTenantApi("/api/v1/shop/bays", "Shop");
        bays.MapGet("/", List).RequirePermission(ShopPermissions.View);
        bays.MapPost("/", Add).RequirePermission(ShopPermissions.ManageBays);
        bays.MapGet("/{id:guid}/bookings", BookingsOf).RequirePermission(ShopPermissions.View);
        bays.MapPost("/{id:guid}/bookings", Book).RequirePermission(ShopPermissions.BookBays).WithIdempotency();
        bays.MapGet("/{id:guid}/calendar.ics", Calendar).RequirePermission(ShopPermissions.View);
        bays.MapPost("/{id:guid}/calendar-feed", async (Guid id, OrganizationScope scope, Bookings b, CancellationToken ct) =>
            await b.RotateFeedAsync(scope.OrganizationId, id, ct) is { } secret
                ? (IResult)TypedResults.Ok(new { path = FeedPath(id, secret) })
                : Problems.NotFound(NoSuchBay)).RequirePermission(ShopPermissions.ManageBays);
        bays.MapDelete("/{id:guid}/calendar-feed", async (Guid id, OrganizationScope scope, Bookings b, CancellationToken ct) =>
            await b.RevokeFeedAsync(scope.OrganizationId, id, ct) ? (IResult)TypedResults.NoContent() : Problems.NotFound(NoSuchBay)).RequirePermission(ShopPermissions.ManageBays);
        // The published feed: no sign-in (calendar apps cannot), the secret in the path is the key; revoked or wrong is 404.
        routes.MapGet("/feeds/shop/bays/{id:guid}/{secret}.ics", Feed).AllowAnonymous().WithTags("Shop");
        var bookings = routes.MapTenantApi("/api/v1/shop/bookings", "Shop");
        bookings.MapPost("/{id:guid}/start", (Guid id, OrganizationScope scope, Bookings b, CancellationToken ct) => Change(id, "start", scope, b, ct)).RequirePermission(ShopPermissions.BookBays);
        bookings.MapPost("/{id:guid}/finish", (Guid id, OrganizationScope scope, Bookings b, CancellationToken ct) => Change(id, "finish", scope, b, ct)).RequirePermission(ShopPermissions.BookBays);
        bookings.MapPost("/{id:guid}/cancel", (Guid id, OrganizationScope scope, Bookings b, CancellationToken ct) => Change(id, "cancel", scope, b, ct)).RequirePermission(ShopPermissions.BookBays);
        return routes;
    }

    private static async Task<IResult> List(OrganizationScope scope, Bookings bookings, CancellationToken ct) =>
        TypedResults.Ok((await bookings.BaysAsync(scope.OrganizationId, ct)).Select(BayResponse.From));

    private static async Task<IResult> Add(BayRequest request, OrganizationScope scope, Bookings bookings, CancellationToken ct) =>
        (await bookings.AddBayAsync(scope.OrganizationId, request, ct)).Created(BayResponse.From, b => $"/api/v1/shop/bays/{b.Id}", NoSuchBay);

    private static async Task<IResult> BookingsOf(Guid id, OrganizationScope scope, Bookings bookings, TimeProvider time, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (await bookings.BayAsync(scope.OrganizationId, id, ct) is null)
        {
            return Problems.NotFound(NoSuchBay);
        }
        var start = (from ?? time.GetUtcNow().AddDays(-1)).UtcDateTime;
        var end = (to ?? time.GetUtcNow().AddDays(14)).UtcDateTime;
        if (end <= start || end - start > TimeSpan.FromDays(92))
        {
            return Problems.Invalid("to", "to must be after from, at most 92 days later.");
        }
        return TypedResults.Ok((await bookings.BookingsAsync(scope.OrganizationId, id, start, end, ct)).Select(BookingResponse.From));
    }

    private static async Task<IResult> Book(Guid id, BookingRequest request, OrganizationScope scope, Bookings bookings, CancellationToken ct) =>
        (await bookings.BookAsync(scope.OrganizationId, id, scope.UserId, request, ct))
        .Created(BookingResponse.From, b => $"/api/v1/shop/bays/{id}/bookings", NoSuchBay);

    private static async Task<IResult> Change(Guid id, string action, OrganizationScope scope, Bookings bookings, CancellationToken ct) =>
        (await bookings.ChangeAsync(scope.OrganizationId, id, action, ct)).Ok(BookingResponse.From, "No such booking.");

    public static string FeedPath(Guid bayId, string secret) => $"/feeds/shop/bays/{bayId}/{secret}.ics";

    /// <summary>RFC 5545 feed of the bay's bookings from a week ago to 90 days ahead (Ical.Net).</summary>
    private static async Task<IResult> Calendar(Guid id, OrganizationScope scope, Bookings bookings, TimeProvider time, CancellationToken ct) =>
        await bookings.BayAsync(scope.OrganizationId, id, ct) is { } bay ? await Ics(bay, bookings, time, ct) : Problems.NotFound(NoSuchBay);

    private static async Task<IResult> Feed(Guid id, string secret, Bookings bookings, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (await bookings.BayByFeedAsync(id, secret, ct) is not { } bay)
        {
            return Problems.NotFound("No such calendar feed (it may have been revoked).");
        }
        http.Response.Headers.CacheControl = "private, max-age=300";
        return await Ics(bay, bookings, time, ct);
    }

    private static async Task<IResult> Ics(Bay bay, Bookings bookings, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var calendar = new Calendar { ProductId = "-//Pitlane//Shop bays//EN" };
        calendar.AddProperty("X-WR-CALNAME", $"Bay {bay.Name}");
        foreach (var booking in await bookings.BookingsAsync(bay.OrganizationId, bay.Id, now.AddDays(-7), now.AddDays(90), ct))
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{booking.Id:N}@pitlane",
                Summary = string.IsNullOrEmpty(booking.Title) ? $"Bay {bay.Name}" : booking.Title,
                DtStart = new CalDateTime(booking.StartsAt, "UTC"),
                DtEnd = new CalDateTime(booking.EndsAt, "UTC"),
                DtStamp = new CalDateTime(booking.CreatedAt, "UTC"),
                Location = bay.Name,
                Status = booking.Status == BookingStatus.Cancelled ? "CANCELLED" : "CONFIRMED",
            });
        }
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        return TypedResults.Text(text, "text/calendar; charset=utf-8");
    }
}
