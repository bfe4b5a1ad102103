using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Estimator.PartsTech;
using Pitlane.Modules.Estimator.Pipeline;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Estimator;

public sealed record CreateQuoteRequest(Guid? VehicleId, IReadOnlyList<string>? Jobs, long? CustomerPriceCeiling, int? LatestArrivalHours, Guid? RepairOrderId = null);
public sealed record ChooseOfferRequest(string? LineId, string? OfferId);
public sealed record BookTimeRequest(string? OperationCode, string? Make, string? Model, decimal? Hours);
public sealed record OperationView(string Code, string Name, string Category, decimal GenericHours, IReadOnlyList<BookTimeView> ShopTimes, IReadOnlyList<JobPartView> Parts);
public sealed record BookTimeView(string? Make, string? Model, decimal Hours);
public sealed record JobPartView(int PartTypeId, string Name, int Quantity, bool Optional);
public sealed record SettingsResponse(bool IsDefault, PricingSettings Settings);

/// <summary>
/// /api/v1/estimator: labor operations and the shop's book times, pricing settings, quotes (build through the 12
/// steps, read, override a line), orders to suppliers with their status, and PartsTech's punchout callback.
/// </summary>
public static class EstimatorEndpoints
{
    public const int MaxJobs = 20;

    public static IEndpointRouteBuilder MapEstimatorEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapTenantApi("/api/v1/estimator", "Estimator").WithIdempotency();
        api.MapGet("/operations", Operations).RequirePermission(EstimatorPermissions.View);
        api.MapPut("/book-times", SetBookTime).RequirePermission(EstimatorPermissions.Configure);
        api.MapGet("/settings", GetSettings).RequirePermission(EstimatorPermissions.View);
        api.MapPut("/settings", PutSettings).RequirePermission(EstimatorPermissions.Configure);
        api.MapPost("/quotes", Create).RequirePermission(EstimatorPermissions.Quote);
        api.MapGet("/quotes", List).RequirePermission(EstimatorPermissions.View);
        api.MapGet("/quotes/{id:guid}", Get).RequirePermission(EstimatorPermissions.View);
        api.MapPost("/quotes/{id:guid}/choices", Choose).RequirePermission(EstimatorPermissions.Quote);
        api.MapPost("/quotes/{id:guid}/orders", Order).RequirePermission(EstimatorPermissions.Order);
        api.MapGet("/quotes/{id:guid}/orders", Orders).RequirePermission(EstimatorPermissions.View);

        routes.MapPost("/api/v1/estimator/partstech/callback", Callback).WithTags("Estimator").AllowAnonymous().DisableAntiforgery()
            .RequireRateLimiting(EstimatorModule.CallbackRateLimit);
        return routes;
    }

    private static async Task<IResult> Operations(OrganizationScope scope, EstimatorDbContext db, CancellationToken ct)
    {
        var shop = await db.BookTimes.AsNoTracking().Where(b => b.OrganizationId == scope.OrganizationId).ToListAsync(ct);
        return TypedResults.Ok(LaborCatalog.Operations.Select(o => new OperationView(o.Code, o.Name, o.Category, o.GenericTenths / 10m,
            shop.Where(s => s.OperationCode == o.Code).Select(s => new BookTimeView(s.Make, s.Model, s.TenthsOfHour / 10m)).ToList(),
            o.Parts.Select(p => new JobPartView(p.PartTypeId, Sourcing.Suppliers.PartTypes.Find(p.PartTypeId)!.Name, p.Quantity, p.Optional)).ToList())).ToList());
    }

    private static async Task<IResult> SetBookTime(BookTimeRequest request, OrganizationScope scope, EstimatorDbContext db, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.OperationCode is { } c && LaborCatalog.Find(c) is not null, "operationCode", "operationCode must be one of GET /operations.")
            .Require(request.Hours is > 0 and <= 99, "hours", "hours must be more than 0 and at most 99.")
            .Require(request.Make is null || request.Make.Trim().Length is > 0 and <= 80, "make", "make is at most 80 characters.")
            .Require(request.Model is null || (request.Make is not null && request.Model.Trim().Length is > 0 and <= 120), "model", "model needs a make and is at most 120 characters.");
        if (!check.IsValid) return Problems.Invalid(check.Errors);
        var code = LaborCatalog.Find(request.OperationCode!)!.Code;
        var make = request.Make?.Trim().ToUpperInvariant();
        var model = request.Model?.Trim();
        var row = await db.BookTimes.FirstOrDefaultAsync(b => b.OrganizationId == scope.OrganizationId && b.OperationCode == code && b.Make == make && b.Model == model, ct);
        if (row is null) db.BookTimes.Add(row = new ShopBookTime { Id = Guid.NewGuid(), OrganizationId = scope.OrganizationId, OperationCode = code, Make = make, Model = model });
        row.TenthsOfHour = (int)Math.Round(request.Hours!.Value * 10, MidpointRounding.AwayFromZero);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new BookTimeView(make, model, row.TenthsOfHour / 10m));
    }

    private static async Task<IResult> GetSettings(OrganizationScope scope, PricingStore pricing, CancellationToken ct) =>
        TypedResults.Ok(new SettingsResponse(await pricing.IsDefaultAsync(scope.OrganizationId, ct), await pricing.GetAsync(scope.OrganizationId, ct)));

    private static async Task<IResult> PutSettings(HttpRequest http, OrganizationScope scope, PricingStore pricing, CancellationToken ct)
    {
        PricingSettings? settings;
        try
        {
            settings = await JsonSerializer.DeserializeAsync<PricingSettings>(http.Body, EstimatePipeline.Json, ct);
        }
        catch (JsonException)
        {
            return Problems.BadRequest("The body is not valid pricing settings JSON.");
        }
        if (settings is null || settings.LaborRates is null || settings.Markup is null || settings.PreferredBrands is null || settings.Currency is null)
            return Problems.Invalid("settings", "currency, laborRates, markup and preferredBrands are required.");
        var faults = settings.Check().ToArray();
        if (faults.Length > 0) return Problems.Invalid(new Dictionary<string, string[]> { ["settings"] = faults });
        settings = settings with { Currency = settings.Currency.ToUpperInvariant() };
        await pricing.SaveAsync(scope.OrganizationId, settings, ct);
        return TypedResults.Ok(new SettingsResponse(false, settings));
    }

    private static async Task<IResult> Create(CreateQuoteRequest request, OrganizationScope scope, EstimatePipeline pipeline, QuoteService quotes, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.VehicleId is not null, "vehicleId", "vehicleId is required.")
            .Require(request.Jobs is { Count: > 0 and <= MaxJobs }, "jobs", $"jobs must list 1 to {MaxJobs} operation codes (GET /operations).")
            .Require(request.Jobs is null || request.Jobs.All(j => j is not null && LaborCatalog.Find(j) is not null), "jobs", "every job must be an operation code of GET /operations.")
            .Require(request.CustomerPriceCeiling is null or (> 0 and <= 100_000_000), "customerPriceCeiling", "customerPriceCeiling must be a positive amount in minor units.")
            .Require(request.LatestArrivalHours is null or (>= 1 and <= 24 * 30), "latestArrivalHours", "latestArrivalHours must be between 1 and 720.");
        if (!check.IsValid) return Problems.Invalid(check.Errors);
        var quote = await pipeline.RunAsync(scope.OrganizationId, new EstimateRequest(request.VehicleId!.Value, request.Jobs!.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            request.CustomerPriceCeiling, request.LatestArrivalHours, request.RepairOrderId), ct);
        return quote is null
            ? Problems.Invalid("vehicleId", "No such vehicle in this organisation.")
            : TypedResults.Created($"/api/v1/estimator/quotes/{quote.Id}", QuoteService.Response(quote));
    }

    private static async Task<IResult> List(OrganizationScope scope, QuoteService quotes, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        return check.IsValid ? TypedResults.Ok(await quotes.ListAsync(scope.OrganizationId, paging, ct)) : Problems.Invalid(check.Errors);
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, QuoteService quotes, CancellationToken ct) =>
        await quotes.FindAsync(scope.OrganizationId, id, ct) is { } quote ? TypedResults.Ok(quote) : Problems.NotFound("No such quote.");

    private static async Task<IResult> Choose(Guid id, ChooseOfferRequest request, OrganizationScope scope, QuoteService quotes, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.LineId)) return Problems.Invalid("lineId", "lineId is required.");
        var (quote, conflict, invalid) = await quotes.ChooseAsync(scope.OrganizationId, id, request.LineId, request.OfferId, ct);
        if (invalid is not null) return Problems.Invalid(invalid.StartsWith("offerId", StringComparison.Ordinal) ? "offerId" : "lineId", invalid);
        if (conflict is not null) return Problems.Conflict(conflict);
        return quote is null ? Problems.NotFound("No such quote.") : TypedResults.Ok(quote);
    }

    private static async Task<IResult> Order(Guid id, OrganizationScope scope, QuoteService quotes, CancellationToken ct)
    {
        var (orders, conflict) = await quotes.OrderAsync(scope.OrganizationId, id, ct);
        if (conflict is not null) return Problems.Conflict(conflict);
        return orders is null ? Problems.NotFound("No such quote.") : TypedResults.Created($"/api/v1/estimator/quotes/{id}/orders", orders);
    }

    private static async Task<IResult> Orders(Guid id, OrganizationScope scope, QuoteService quotes, CancellationToken ct) =>
        await quotes.OrdersAsync(scope.OrganizationId, id, ct) is { } orders ? TypedResults.Ok(orders) : Problems.NotFound("No such quote.");

    /// <summary>
    /// PartsTech's punchout callback: {sessionId, orders[], action SUBMIT_QUOTE | PURCHASE}, each order with its
    /// totalPrice, tax, shippingPrice and coreCharge in dollars. Authenticated by the shared secret of the callback
    /// URL we gave PartsTech (compared in constant time), matched to our order by sessionId.
    /// </summary>
    private static async Task<IResult> Callback(HttpRequest http, string? secret, EstimatorDbContext db, IOptions<EstimatorOptions> options, CancellationToken ct)
    {
        var expected = options.Value.PartsTech.CallbackSecret;
        if (string.IsNullOrEmpty(expected) || secret is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected)))
            return Problems.Unauthorized("Unknown callback secret.");
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return Problems.BadRequest("The body is not JSON.");
        }
        var session = body?["sessionId"]?.ToString();
        var action = body?["action"] is JsonValue a && a.TryGetValue<string>(out var s) ? s : null;
        if (session is null || action is not ("SUBMIT_QUOTE" or "PURCHASE")) return Problems.Invalid("action", "sessionId and action SUBMIT_QUOTE or PURCHASE are required.");
        var order = await db.Orders.FirstOrDefaultAsync(o => o.PunchoutSessionId == session, ct);
        if (order is null) return Problems.NotFound("No order for this session.");
        long total;
        try
        {
            total = (body!["orders"]?.AsArray() ?? []).Sum(o => PartsTechClient.Cents(o?["totalPrice"]));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return Problems.Invalid("orders", "orders[].totalPrice must be numbers.");
        }
        order.Status = action == "PURCHASE" ? "ordered in PartsTech" : "quote submitted in PartsTech";
        if (total > 0) order.TotalCost = total;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new { order.Id, order.Status, order.TotalCost });
    }
}
