using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop;

/// <param name="LaborTaxPercent">Tax rates per line type, in percent to 0.01 (8.25).</param>
public sealed record SettingsRequest(string? Currency, decimal? LaborTaxPercent, decimal? PartsTaxPercent, decimal? FeesTaxPercent,
    IReadOnlyList<LaborRate>? LaborRates, IReadOnlyList<MarkupTier>? MarkupMatrix, string? TimeZone = null);

public sealed record SettingsResponse(string Currency, decimal LaborTaxPercent, decimal PartsTaxPercent, decimal FeesTaxPercent, IReadOnlyList<LaborRate> LaborRates,
    IReadOnlyList<MarkupTier> MarkupMatrix, string TimeZone)
{
    public static SettingsResponse From(ShopSettings s) => new(s.Currency, s.LaborTaxBps / 100m, s.PartsTaxBps / 100m, s.FeesTaxBps / 100m, s.LaborRates, s.MarkupMatrix,
        s.TimeZone);
}

public sealed record CannedJobRequest(string? Name, NewShopJob? Job);

/// <summary>/api/v1/shop/settings (prices, set by managers) and /api/v1/shop/canned-jobs.</summary>
public static class SettingsEndpoints
{
    public static IEndpointRouteBuilder MapShopSettingsEndpoints(this IEndpointRouteBuilder routes)
    {
        var settings = routes.MapTenantApi("/api/v1/shop/settings", "Shop");
        settings.MapGet("/", async (OrganizationScope scope, ShopSettingsStore store, CancellationToken ct) =>
            TypedResults.Ok(SettingsResponse.From(await store.GetAsync(scope.OrganizationId, ct)))).RequirePermission(ShopPermissions.View);
        settings.MapPut("/", Put).RequirePermission(ShopPermissions.SetPrices);
        var canned = routes.MapTenantApi("/api/v1/shop/canned-jobs", "Shop");
        canned.MapGet("/", async (OrganizationScope scope, ShopDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.CannedJobs.AsNoTracking().Where(c => c.OrganizationId == scope.OrganizationId).OrderBy(c => c.Name)
                .Select(c => new { c.Id, c.Name, c.Definition }).ToListAsync(ct))).RequirePermission(ShopPermissions.View);
        canned.MapPost("/", AddCanned).RequirePermission(ShopPermissions.SetPrices);
        return routes;
    }

    private static async Task<IResult> Put(SettingsRequest request, OrganizationScope scope, ShopSettingsStore store, TimeProvider time, CancellationToken ct)
    {
        int? Bps(decimal? percent) => percent is { } p ? ShopMoney.ToHundredths(p) : null;
        var check = new Validation()
            .Require(request.Currency is { Length: 3 } c && c.All(char.IsAsciiLetter), "currency", "currency is an ISO 4217 code such as usd.")
            .Require(Bps(request.LaborTaxPercent) is >= 0 and <= 10_000, "laborTaxPercent", "laborTaxPercent is 0 to 100, to 0.01.")
            .Require(Bps(request.PartsTaxPercent) is >= 0 and <= 10_000, "partsTaxPercent", "partsTaxPercent is 0 to 100, to 0.01.")
            .Require(Bps(request.FeesTaxPercent) is >= 0 and <= 10_000, "feesTaxPercent", "feesTaxPercent is 0 to 100, to 0.01.")
            .Require(request.LaborRates is { Count: > 0 and <= 20 } rates && rates.All(r => !string.IsNullOrWhiteSpace(r.Category) && r.Category.Length <= 40 && r.RatePerHour is > 0 and <= 100_000_00)
                && rates.Select(r => r.Category.Trim().ToLowerInvariant()).Distinct().Count() == rates.Count,
                "laborRates", "1 to 20 labor rates, each a distinct category (at most 40 characters) with a ratePerHour above 0.")
            .Require(request.MarkupMatrix is { Count: > 0 and <= 20 } tiers && tiers.Count(t => t.UpToCost is null) == 1 && tiers.All(t => t.MultiplierBps is >= 10_000 and <= 100_000 && t.UpToCost is null or > 0),
                "markupMatrix", "1 to 20 tiers, exactly one without upToCost (the top tier), multipliers from 10000 (cost) to 100000 (10 × cost) basis points.")
            .Require(request.TimeZone is null || (request.TimeZone.Length <= 60 && TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _)), "timeZone",
                "timeZone must be an IANA time zone such as America/Chicago.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var saved = await store.SaveAsync(scope.OrganizationId, s => s.Change(request.Currency!, Bps(request.LaborTaxPercent)!.Value, Bps(request.PartsTaxPercent)!.Value,
            Bps(request.FeesTaxPercent)!.Value, request.LaborRates!.Select(r => r with { Category = r.Category.Trim().ToLowerInvariant() }), request.MarkupMatrix!,
            time.GetUtcNow().UtcDateTime), ct);
        if (request.TimeZone is { } zone && zone != saved.TimeZone)
        {
            saved = await store.SaveAsync(scope.OrganizationId, s => s.SetTimeZone(zone), ct);
        }
        return TypedResults.Ok(SettingsResponse.From(saved));
    }

    private static async Task<IResult> AddCanned(CannedJobRequest request, OrganizationScope scope, ShopDbContext db, CancellationToken ct)
    {
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 200, "name", "The canned job needs a name of at most 200 characters.")
            .Require(request.Job is { Title.Length: > 0 and <= 200 }, "job", "The canned job needs a job with a title.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (await db.CannedJobs.AnyAsync(c => c.OrganizationId == scope.OrganizationId && c.Name == request.Name!.Trim(), ct))
        {
            return Problems.Conflict("A canned job of that name exists already.");
        }
        var canned = new CannedJob(scope.OrganizationId, request.Name!.Trim(), JsonSerializer.Serialize(request.Job, JsonSerializerOptions.Web));
        db.CannedJobs.Add(canned);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/shop/canned-jobs/{canned.Id}", new { canned.Id, canned.Name, canned.Definition });
    }
}
