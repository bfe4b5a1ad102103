using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Parking.Tesla;

public sealed record TeslaConnectRequest(string? RedirectUri);

public sealed record TeslaCallbackRequest(string? Code, string? State, string? RedirectUri);

public sealed record FollowRequest(string? Vin);

/// <summary>/api/v1/parking/tesla: connect a Tesla account, list its cars, send a booking's spot to one.</summary>
public static class TeslaEndpoints
{
    public const string SimulatorAuthorizePath = "/api/v1/parking/tesla/simulator/authorize";
    private const string DefaultRedirect = "/Parking/Tesla";

    public static IEndpointRouteBuilder MapTeslaEndpoints(this IEndpointRouteBuilder routes)
    {
        var tesla = routes.MapTenantApi("/api/v1/parking/tesla", "Parking");
        tesla.MapPost("/connect", async (TeslaConnectRequest? request, OrganizationScope scope, TeslaService service, CancellationToken ct) =>
            Redirect(request?.RedirectUri) is { } redirect
                ? TypedResults.Ok(new { authorizeUrl = await service.BeginConnectAsync(scope.UserId, redirect, ct) })
                : (IResult)Problems.Invalid("redirectUri", "redirectUri is a path of this site, starting with /."))
            .RequirePermission(ParkingPermissions.Book);
        tesla.MapPost("/callback", async (TeslaCallbackRequest request, OrganizationScope scope, TeslaService service, CancellationToken ct) =>
        {
            if (Redirect(request.RedirectUri) is not { } redirect)
            {
                return (IResult)Problems.Invalid("redirectUri", "redirectUri is a path of this site, starting with /.");
            }
            return await service.CompleteConnectAsync(scope.UserId, request.Code, request.State, redirect, ct) is { } error
                ? Problems.BadRequest(error) : (IResult)TypedResults.NoContent();
        }).RequirePermission(ParkingPermissions.Book);
        tesla.MapGet("/vehicles", async (OrganizationScope scope, TeslaService service, CancellationToken ct) =>
            await service.VehiclesAsync(scope.UserId, ct) switch
            {
                { Status: TeslaCallStatus.Ok, Value: { } cars } => (IResult)TypedResults.Ok(cars),
                { Status: TeslaCallStatus.Unauthorized } => Problems.Conflict("Connect a Tesla account first."),
                { Status: TeslaCallStatus.RateLimited } => Problems.TooManyRequests("Tesla asks to slow down; try again in a minute."),
                var other => Problems.ServiceUnavailable($"Tesla did not answer ({other.Error})."),
            }).RequirePermission(ParkingPermissions.Book);
        tesla.MapGet("/simulator/authorize", (OrganizationScope scope, TeslaOptions options, TeslaCloudSimulator simulator, string? state, string? code_challenge, string? redirect_uri) =>
        {
            if (!options.IsSimulator)
            {
                return (IResult)Problems.NotFound("The Tesla simulator is off (Pitlane:Parking:Tesla:Mode is fleet).");
            }
            if (state is not { Length: > 0 and <= 100 } || code_challenge is not { Length: 43 } || Redirect(redirect_uri) is not { } redirect)
            {
                return Problems.BadRequest("state, an S256 code_challenge and a local redirect_uri are required.");
            }
            var code = simulator.Authorize(scope.UserId.ToString("N"), code_challenge);
            return TypedResults.Redirect($"{redirect}{(redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?')}code={code}&state={Uri.EscapeDataString(state)}");
        }).RequirePermission(ParkingPermissions.Book);

        routes.MapTenantApi("/api/v1/parking/bookings", "Parking").MapPost("/{id:guid}/tesla",
            async (Guid id, FollowRequest request, OrganizationScope scope, BookingService bookings, TeslaService service, CancellationToken ct) =>
            {
                if (await bookings.FindAsync(scope.OrganizationId, id, ct) is not var (booking, listing))
                {
                    return (IResult)Problems.NotFound("No such booking.");
                }
                if (booking.DriverOrganizationId != scope.OrganizationId)
                {
                    return Problems.Forbidden("Only the driver's organisation can do this.");
                }
                return (await service.FollowAsync(booking, listing, scope.UserId, request.Vin, ct)).Result(v => v, "No such booking.");
            }).RequirePermission(ParkingPermissions.Book);
        return routes;
    }

    /// <summary>Only local paths: the redirect carries a sign-in code and must not leave the site.</summary>
    private static string? Redirect(string? uri) => uri is null ? DefaultRedirect
        : uri.Length <= 200 && uri.StartsWith('/') && !uri.StartsWith("//", StringComparison.Ordinal) && !uri.Contains('\\', StringComparison.Ordinal) ? uri : null;
}
