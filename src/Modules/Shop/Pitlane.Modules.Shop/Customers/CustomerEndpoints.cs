using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Customers;

public sealed record LinkVehicleRequest(Guid? VehicleId);

/// <summary>/api/v1/shop/customers: the shop's customers, their consents and their vehicles.</summary>
public static class CustomerEndpoints
{
    private const string NoSuchCustomer = "No such customer.";

    public static IEndpointRouteBuilder MapCustomerEndpoints(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapTenantApi("/api/v1/shop/customers", "Shop");
        customers.MapPost("/", Create).RequirePermission(ShopPermissions.WriteOrders).WithIdempotency();
        customers.MapGet("/", Search).RequirePermission(ShopPermissions.View);
        customers.MapGet("/{id:guid}", Get).RequirePermission(ShopPermissions.View);
        customers.MapPatch("/{id:guid}", Update).RequirePermission(ShopPermissions.WriteOrders);
        customers.MapPost("/{id:guid}/consents", Consent).RequirePermission(ShopPermissions.WriteOrders);
        customers.MapPost("/{id:guid}/vehicles", LinkVehicle).RequirePermission(ShopPermissions.WriteOrders);
        customers.MapGet("/{id:guid}/vehicles", Vehicles).RequirePermission(ShopPermissions.View);
        customers.MapGet("/{id:guid}/audit", Audit).RequirePermission(ShopPermissions.View);
        return routes;
    }

    private static async Task<IResult> Create(CustomerRequest request, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        (await customers.CreateAsync(scope.OrganizationId, scope.UserId, request, null, ct))
        .Created(CustomerResponse.From, c => $"/api/v1/shop/customers/{c.Id}", NoSuchCustomer);

    private static async Task<IResult> Search(OrganizationScope scope, Customers customers, CancellationToken ct, string? q = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        check.Require(q is null || q.Length <= Customers.MaxSearchLength, "q", $"The search text is at most {Customers.MaxSearchLength} characters.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return TypedResults.Ok((await customers.SearchAsync(scope.OrganizationId, q, paging, ct)).Map(CustomerResponse.From));
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        await customers.FindAsync(scope.OrganizationId, id, ct) is { } c ? TypedResults.Ok(CustomerResponse.From(c)) : Problems.NotFound(NoSuchCustomer);

    private static async Task<IResult> Update(Guid id, CustomerRequest request, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        (await customers.UpdateAsync(scope.OrganizationId, scope.UserId, id, request, ct)).Ok(CustomerResponse.From, NoSuchCustomer);

    private static async Task<IResult> Consent(Guid id, ConsentRequest request, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        (await customers.SetConsentAsync(scope.OrganizationId, scope.UserId, id, request, ct)).Ok(CustomerResponse.From, NoSuchCustomer);

    private static async Task<IResult> LinkVehicle(Guid id, LinkVehicleRequest request, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        (await customers.LinkVehicleAsync(scope.OrganizationId, scope.UserId, id, request.VehicleId, ct))
        .Created(v => new { v.VehicleId, v.Vin, v.LinkedAt }, _ => $"/api/v1/shop/customers/{id}/vehicles", NoSuchCustomer);

    private static async Task<IResult> Vehicles(Guid id, OrganizationScope scope, Customers customers, CancellationToken ct) =>
        await customers.FindAsync(scope.OrganizationId, id, ct) is null
            ? Problems.NotFound(NoSuchCustomer)
            : TypedResults.Ok(await customers.VehiclesOfAsync(scope.OrganizationId, id, ct));

    private static async Task<IResult> Audit(Guid id, OrganizationScope scope, Customers customers, RepairOrders.RepairOrders orders, CancellationToken ct) =>
        await customers.FindAsync(scope.OrganizationId, id, ct) is null
            ? Problems.NotFound(NoSuchCustomer)
            : TypedResults.Ok((await orders.AuditOfAsync(scope.OrganizationId, Customer.EntityType, id, ct)).Select(AuditResponse.From));
}
