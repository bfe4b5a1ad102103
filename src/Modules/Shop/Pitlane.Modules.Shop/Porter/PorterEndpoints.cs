using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Porter;

public sealed record LoanerResponse(Guid Id, string Name, string Plate, int OdometerKm, int FuelEighths)
{
    public static LoanerResponse From(Loaner l) => new(l.Id, l.Name, l.Plate, l.OdometerKm, l.FuelEighths);
}

public sealed record AgreementResponse(
    Guid Id, Guid LoanerId, Guid CustomerId, Guid? RepairOrderId, DateTime StartsAt, DateTime EndsAt, string Status, int OdometerOutKm, int FuelOutEighths,
    string? DamageOut, int? OdometerInKm, int? FuelInEighths, string? DamageIn, DateTime? ReturnedAt)
{
    public static AgreementResponse From(LoanerAgreement a) => new(
        a.Id, a.LoanerId, a.CustomerId, a.RepairOrderId, a.StartsAt, a.EndsAt, a.Status.ToString().ToLowerInvariant(), a.OdometerOutKm, a.FuelOutEighths,
        a.DamageOut, a.OdometerInKm, a.FuelInEighths, a.DamageIn, a.ReturnedAt);
}

public sealed record VehicleCheckResponse(
    Guid Id, Guid VehicleId, Guid? RepairOrderId, string Direction, int OdometerKm, int FuelEighths, string? KeyTag, string? Notes, IReadOnlyList<Guid> PhotoIds,
    DateTime At, Guid UserId)
{
    public static VehicleCheckResponse From(VehicleCheck c) => new(
        c.Id, c.VehicleId, c.RepairOrderId, c.Direction.ToString().ToLowerInvariant(), c.OdometerKm, c.FuelEighths, c.KeyTag, c.Notes, c.PhotoIds, c.At, c.UserId);
}

/// <summary>/api/v1/shop/loaners (the fleet and its agreements) and /api/v1/shop/vehicle-checks (cars in and out).</summary>
public static class PorterEndpoints
{
    private const string NoSuchLoaner = "No such loaner.";

    public static IEndpointRouteBuilder MapPorterEndpoints(this IEndpointRouteBuilder routes)
    {
        var loaners = routes.MapTenantApi("/api/v1/shop/loaners", "Shop");
        loaners.MapGet("/", async (OrganizationScope scope, Loaners l, CancellationToken ct) =>
            TypedResults.Ok((await l.FleetAsync(scope.OrganizationId, ct)).Select(LoanerResponse.From))).RequirePermission(ShopPermissions.View);
        loaners.MapPost("/", async (LoanerRequest request, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            (await l.AddLoanerAsync(scope.OrganizationId, request, ct)).Created(LoanerResponse.From, x => $"/api/v1/shop/loaners/{x.Id}", NoSuchLoaner))
            .RequirePermission(ShopPermissions.ManageFleet);
        loaners.MapGet("/{id:guid}/agreements", AgreementsOf).RequirePermission(ShopPermissions.View);
        loaners.MapPost("/{id:guid}/agreements", async (Guid id, AgreementRequest request, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            (await l.LendAsync(scope.OrganizationId, id, scope.UserId, request, ct)).Created(AgreementResponse.From, a => $"/api/v1/shop/loaner-agreements/{a.Id}", NoSuchLoaner))
            .RequirePermission(ShopPermissions.MoveCars).WithIdempotency();
        var agreements = routes.MapTenantApi("/api/v1/shop/loaner-agreements", "Shop");
        agreements.MapPost("/{id:guid}/return", async (Guid id, ReturnRequest request, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            (await l.ReturnAsync(scope.OrganizationId, id, scope.UserId, request, ct)).Ok(AgreementResponse.From, "No such agreement."))
            .RequirePermission(ShopPermissions.MoveCars);
        agreements.MapPost("/{id:guid}/cancel", async (Guid id, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            (await l.CancelAsync(scope.OrganizationId, id, scope.UserId, ct)).Ok(AgreementResponse.From, "No such agreement."))
            .RequirePermission(ShopPermissions.MoveCars);
        var checks = routes.MapTenantApi("/api/v1/shop/vehicle-checks", "Shop");
        checks.MapPost("/", async (VehicleCheckRequest request, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            (await l.CheckAsync(scope.OrganizationId, scope.UserId, request, ct)).Created(VehicleCheckResponse.From, c => $"/api/v1/shop/vehicle-checks/{c.Id}", "No such vehicle."))
            .RequirePermission(ShopPermissions.MoveCars).WithIdempotency();
        checks.MapGet("/", async (OrganizationScope scope, Loaners l, CancellationToken ct, Guid? vehicleId = null, Guid? repairOrderId = null) =>
            TypedResults.Ok((await l.ChecksAsync(scope.OrganizationId, vehicleId, repairOrderId, ct)).Select(VehicleCheckResponse.From)))
            .RequirePermission(ShopPermissions.View);
        checks.MapGet("/{id:guid}", async (Guid id, OrganizationScope scope, Loaners l, CancellationToken ct) =>
            await l.FindCheckAsync(scope.OrganizationId, id, ct) is { } c ? (IResult)TypedResults.Ok(VehicleCheckResponse.From(c)) : Problems.NotFound("No such check."))
            .RequirePermission(ShopPermissions.View);
        return routes;
    }

    private static async Task<IResult> AgreementsOf(Guid id, OrganizationScope scope, Loaners loaners, TimeProvider time, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (await loaners.LoanerAsync(scope.OrganizationId, id, ct) is null)
        {
            return Problems.NotFound(NoSuchLoaner);
        }
        var start = (from ?? time.GetUtcNow().AddDays(-30)).UtcDateTime;
        var end = (to ?? time.GetUtcNow().AddDays(60)).UtcDateTime;
        if (end <= start || end - start > TimeSpan.FromDays(366))
        {
            return Problems.Invalid("to", "to must be after from, at most 366 days later.");
        }
        return TypedResults.Ok((await loaners.AgreementsAsync(scope.OrganizationId, id, start, end, ct)).Select(AgreementResponse.From));
    }
}
