using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking;

public sealed record SuspendRequest(string? Reason);

/// <summary>
/// /api/v1/parking/admin: the platform's own staff (the owners and managers of the operator organisation,
/// Pitlane:Parking:OperatorOrganizationId) see every host's spots, suspend and reinstate them, and settle disputed
/// bookings with a refund. Any other organisation gets 404, as if the routes did not exist.
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapParkingAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapTenantApi("/api/v1/parking/admin", "Parking")
            .WithMetadata(new OrganizationGate((services, organization) => services.GetRequiredService<ParkingOptions>().IsOperator(organization)));
        admin.MapGet("/listings", async (ListingService listings, CancellationToken ct, int? page, int? pageSize, bool? suspended) =>
        {
            var check = new Validation();
            var paging = PageRequest.From(page, pageSize, check);
            return check.IsValid ? TypedResults.Ok((await listings.ListAllAsync(suspended, paging, ct)).Map(l => ListingView.From(l, false))) : (IResult)Problems.Invalid(check.Errors);
        }).RequirePermission(ParkingPermissions.Operate);
        admin.MapPost("/listings/{id:guid}/suspend", async (Guid id, SuspendRequest request, ListingService listings, CancellationToken ct) =>
            (await listings.SuspendAsync(id, request.Reason, true, ct)).Result(l => ListingView.From(l, false), "No such listing."))
            .RequirePermission(ParkingPermissions.Operate);
        admin.MapPost("/listings/{id:guid}/reinstate", async (Guid id, ListingService listings, CancellationToken ct) =>
            (await listings.SuspendAsync(id, null, false, ct)).Result(l => ListingView.From(l, false), "No such listing."))
            .RequirePermission(ParkingPermissions.Operate);
        admin.MapGet("/disputes", async (BookingService bookings, CancellationToken ct, int? page, int? pageSize) =>
        {
            var check = new Validation();
            var paging = PageRequest.From(page, pageSize, check);
            return check.IsValid ? TypedResults.Ok(await bookings.ListDisputedAsync(paging, ct)) : (IResult)Problems.Invalid(check.Errors);
        }).RequirePermission(ParkingPermissions.Operate);
        admin.MapPost("/bookings/{id:guid}/resolve", async (Guid id, ResolveRequest request, BookingService bookings, CancellationToken ct) =>
            (await bookings.ResolveDisputeAsync(id, request, ct)).Result(b => b, "No such booking."))
            .RequirePermission(ParkingPermissions.Operate);
        return routes;
    }
}
