using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Telemetry;

public sealed record CreateDeviceRequest(Guid? VehicleId, string? Name);

public sealed record DeviceResponse(Guid Id, Guid VehicleId, string Name, string KeyPrefix, DateTime CreatedAt, DateTime? RevokedAt)
{
    public static DeviceResponse From(Device d) => new(d.Id, d.VehicleId, d.Name, d.KeyPrefix, d.CreatedAt, d.RevokedAt);
}

/// <summary>The only response that ever carries the key.</summary>
/// <param name="MqttUsername">With a managed broker: the device's own MQTT login (password: <paramref name="Key"/>).</param>
public sealed record CreatedDeviceResponse(Guid Id, Guid VehicleId, string Name, string Key, string KeyPrefix, DateTime CreatedAt, string? MqttUsername);

/// <summary>Devices of the request's organisation. Another organisation's vehicle or device is a 404.</summary>
public static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder routes)
    {
        var devices = routes.MapTenantApi("/api/v1/devices", "Telemetry");
        devices.MapPost("/", Create);
        devices.MapGet("/", List);
        devices.MapDelete("/{id:guid}", Revoke);
        return routes;
    }

    private static bool CanManage(OrganizationScope scope) => scope.Can(TelemetryPermissions.ManageDevices);

    private static async Task<Results<Created<CreatedDeviceResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateDeviceRequest request, OrganizationScope scope, IVehicleDirectory vehicles, TelemetryDbContext db, TimeProvider time,
        IDeviceBrokerAccounts broker, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        var check = new Validation()
            .Require(request.VehicleId is { } v && v != Guid.Empty, "vehicleId", "vehicleId is required.")
            .Require(!string.IsNullOrEmpty(name) && name.Length <= Device.MaxNameLength, "name", $"name is 1 to {Device.MaxNameLength} characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (!await vehicles.BelongsToAsync(request.VehicleId!.Value, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }
        if (!CanManage(scope))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can add a device.");
        }
        var (device, key) = Device.Create(scope.OrganizationId, request.VehicleId.Value, name!, time.GetUtcNow().UtcDateTime);
        try
        {
            // The broker login first: a device is only created when it can also publish over MQTT.
            await broker.CreateAsync(device.Id, key, ct);
        }
        catch (HttpRequestException)
        {
            return Problems.ServiceUnavailable("The MQTT broker could not be reached, so the device was not created; try again in a moment.");
        }
        db.Devices.Add(device);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await broker.DeleteAsync(device.Id, CancellationToken.None);
            throw;
        }
        return TypedResults.Created($"/api/v1/devices/{device.Id}",
            new CreatedDeviceResponse(device.Id, device.VehicleId, device.Name, key, device.KeyPrefix, device.CreatedAt, broker.LoginFor(device.Id)));
    }

    private static async Task<Ok<List<DeviceResponse>>> List(OrganizationScope scope, TelemetryDbContext db, CancellationToken ct, Guid? vehicleId = null)
    {
        var query = db.Devices.AsNoTracking().Where(d => d.OrganizationId == scope.OrganizationId);
        if (vehicleId is { } vehicle)
        {
            query = query.Where(d => d.VehicleId == vehicle);
        }
        var devices = await query.OrderBy(d => d.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(devices.Select(DeviceResponse.From).ToList());
    }

    private static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> Revoke(
        Guid id, OrganizationScope scope, TelemetryDbContext db, DeviceKeys keys, TimeProvider time, IDeviceBrokerAccounts broker,
        Microsoft.Extensions.Logging.ILogger<TelemetryDbContext> logger, CancellationToken ct)
    {
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == id && d.OrganizationId == scope.OrganizationId, ct);
        if (device is null)
        {
            return Problems.NotFound("No such device.");
        }
        if (!CanManage(scope))
        {
            return Problems.Forbidden("Only an Owner, Manager, Service Advisor or Technician can revoke a device.");
        }
        device.Revoke(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        keys.Forget(device.Id, device.KeyHash);
        try
        {
            await broker.DeleteAsync(device.Id, ct);
        }
        catch (HttpRequestException e)
        {
            // The revocation stands: MQTT ingest refuses a revoked device's batches whatever the broker lets through.
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, e, "Removing the MQTT login of revoked device {DeviceId} failed", device.Id);
        }
        return TypedResults.Ok(DeviceResponse.From(device));
    }
}
