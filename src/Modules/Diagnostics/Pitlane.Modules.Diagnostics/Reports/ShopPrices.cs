using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Reports;

namespace Pitlane.Modules.Diagnostics;

/// <summary>PUT /api/v1/diagnostics/shop: the shop's header and rates; the whole profile is replaced.</summary>
/// <param name="Currency">ISO 4217 code, three letters (upper-cased on save).</param>
/// <param name="LaborRate">Price of one labor hour in major units of <paramref name="Currency"/> (120.50 = 120 dollars 50 cents).</param>
/// <param name="TaxRatePercent">0–100, at most two decimals; default 0.</param>
public sealed record ShopRequest(string? Address, string? Phone, string? Currency, decimal? LaborRate, decimal? TaxRatePercent);

/// <summary>GET/PUT /api/v1/diagnostics/shop. <see cref="LaborRate"/> is in major units; <see cref="LaborRateMinor"/> is what is stored.</summary>
/// <param name="IsDefault">True while the shop has not saved a profile: these are the defaults an estimate uses.</param>
public sealed record ShopResponse(string Name, string? Address, string? Phone, string Currency, decimal LaborRate, long LaborRateMinor,
    decimal TaxRatePercent, bool IsDefault, DateTime? UpdatedAt);

/// <summary>PUT /api/v1/diagnostics/labor-times/{key}: the shop's book time for one operation (0–100 h, two decimals).</summary>
public sealed record LaborTimeRequest(string? Name, decimal? Hours);

/// <summary>One row of the effective labor-time table.</summary>
/// <param name="Source">"shop" for the shop's own book time, "default" for the built-in generic table.</param>
public sealed record LaborTimeResponse(string Key, string Name, decimal Hours, string Source);

/// <summary>POST /api/v1/diagnostics/parts: a part on the price list, optionally tied to the operation it is used in.</summary>
/// <param name="UnitPrice">Major units of the shop's currency.</param>
/// <param name="Quantity">How many one operation uses (default 1, at most three decimals: 4.5 litres).</param>
public sealed record PartRequest(string? PartNumber, string? Description, decimal? UnitPrice, string? LaborOperationKey, decimal? Quantity);

/// <summary>A part on the price list; <see cref="UnitPriceMinor"/> is what is stored.</summary>
public sealed record PartResponse(Guid Id, string PartNumber, string Description, decimal UnitPrice, long UnitPriceMinor, string? LaborOperationKey, decimal Quantity)
{
    public static PartResponse From(PartPrice p, string currency) =>
        new(p.Id, p.PartNumber, p.Description, ShopPrices.ToMajor(p.UnitPriceMinor, currency), p.UnitPriceMinor, p.LaborOperationKey, p.Quantity);
}

/// <summary>
/// Generic book times used for an operation the shop has not priced itself: typical flat-rate hours for a four-cylinder
/// passenger car, not any manufacturer's published time. Reports and the API label them as defaults.
/// </summary>
public static class DefaultLaborTimes
{
    public static readonly IReadOnlyDictionary<string, (string Name, decimal Hours)> All = new Dictionary<string, (string, decimal)>(StringComparer.Ordinal)
    {
        ["ignition.coil.replace"] = ("Replace ignition coil", 0.5m),
        ["spark-plugs.replace"] = ("Replace spark plugs", 1.0m),
        ["o2-sensor.replace"] = ("Replace oxygen sensor", 0.6m),
        ["thermostat.replace"] = ("Replace thermostat", 1.5m),
        ["battery.test"] = ("Test battery and charging system", 0.3m),
        ["can-bus.diagnose"] = ("Diagnose CAN bus communication", 1.5m),
        ["fuel-injectors.test"] = ("Test fuel injectors and fuel pressure", 1.0m),
        ["intake.smoke-test"] = ("Smoke-test intake for vacuum leaks", 0.7m),
        ["cooling-system.pressure-test"] = ("Pressure-test cooling system", 0.5m),
        ["oil-filter.replace"] = ("Change engine oil and filter", 0.5m),
        ["air-filter.replace"] = ("Replace engine air filter", 0.3m),
        ["brake-fluid.replace"] = ("Flush brake fluid", 1.0m),
        ["coolant.replace"] = ("Replace engine coolant", 1.2m),
        [GeneralDiagnosis] = ("Diagnose a fault (pinpoint tests, one system)", 1.0m),
    };

    /// <summary>
    /// The time a "diagnosis.{system}" operation (a trouble code with no more specific repair) takes when the shop has no
    /// time for that system: the shop's own diagnosis.general, else this default.
    /// </summary>
    public const string GeneralDiagnosis = "diagnosis.general";
}

/// <summary>
/// The shop's header and prices for estimates: profile, labor-time table and parts price list, in the request's organisation.
/// Every member reads; an Owner or Manager edits. Amounts in requests and responses are decimal major units of the shop's
/// currency (the stored values are integer minor units, ISO 4217 exponent); an amount with more decimals than the currency
/// has is refused, never rounded silently. Changing the currency does not convert stored prices.
/// </summary>
public static partial class ShopPrices
{
    /// <summary>"ignition.coil.replace": at least two dot-separated segments of lower-case letters, digits and dashes.</summary>
    [GeneratedRegex("^[a-z0-9-]+(\\.[a-z0-9-]+)+$", RegexOptions.CultureInvariant)]
    public static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();

    private const decimal MaxPrice = 10_000_000m;

    public static IEndpointRouteBuilder MapShopPriceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapTenantApi("/api/v1/diagnostics", "Diagnostics");
        group.MapGet("/shop", GetShop);
        group.MapPut("/shop", PutShop);
        group.MapGet("/labor-times", ListLabor);
        group.MapPut("/labor-times/{key}", PutLabor);
        group.MapDelete("/labor-times/{key}", DeleteLabor);
        group.MapGet("/parts", ListParts);
        group.MapPost("/parts", AddPart);
        group.MapDelete("/parts/{id:guid}", DeletePart);
        return routes;
    }

    public static decimal ToMajor(long minor, string currency) => minor / Pow10(Money.MinorDigits(currency));

    /// <summary>Null when the amount has more decimals than the currency's minor unit.</summary>
    public static long? ToMinor(decimal major, string currency)
    {
        var exact = major * Pow10(Money.MinorDigits(currency));
        return exact == decimal.Truncate(exact) ? decimal.ToInt64(exact) : null;
    }

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++)
        {
            result *= 10;
        }
        return result;
    }

    private static bool HasAtMostDecimals(decimal value, int decimals) => decimal.Round(value, decimals) == value;

    /// <summary>The profile an estimate uses: the shop's, or the defaults (USD, no labor rate, no tax) until it saved one.</summary>
    public static async Task<ShopProfile> ProfileAsync(DiagnosticsDbContext db, Guid organizationId, CancellationToken ct) =>
        await db.ShopProfiles.AsNoTracking().FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct)
        ?? new ShopProfile { OrganizationId = organizationId };

    private static async Task<ShopResponse> ShopResponseAsync(DiagnosticsDbContext db, IOrganizationDirectory organizations, Guid organizationId, CancellationToken ct)
    {
        var name = await organizations.NameOfAsync(organizationId, ct) ?? "";
        var stored = await db.ShopProfiles.AsNoTracking().FirstOrDefaultAsync(s => s.OrganizationId == organizationId, ct);
        var shop = stored ?? new ShopProfile { OrganizationId = organizationId };
        return new ShopResponse(name, shop.Address, shop.Phone, shop.Currency, ToMajor(shop.LaborRateMinor, shop.Currency), shop.LaborRateMinor,
            shop.TaxRatePercent, stored is null, stored?.UpdatedAt);
    }

    private static async Task<Ok<ShopResponse>> GetShop(OrganizationScope scope, DiagnosticsDbContext db, IOrganizationDirectory organizations, CancellationToken ct) =>
        TypedResults.Ok(await ShopResponseAsync(db, organizations, scope.OrganizationId, ct));

    private static async Task<Results<Ok<ShopResponse>, ValidationProblem, ProblemHttpResult>> PutShop(
        ShopRequest request, OrganizationScope scope, DiagnosticsDbContext db, IOrganizationDirectory organizations, TimeProvider time, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.EditPrices))
        {
            return Problems.Forbidden("Only an Owner or Manager can change the shop's prices.");
        }
        var currency = (request.Currency ?? "").Trim().ToUpperInvariant();
        var check = new Validation()
            .Require(request.Address is null || request.Address.Length <= 200, "address", "address is at most 200 characters.")
            .Require(request.Phone is null || request.Phone.Length <= 40, "phone", "phone is at most 40 characters.")
            .Require(CurrencyPattern().IsMatch(currency), "currency", "currency must be an ISO 4217 code of three letters, e.g. USD or EUR.")
            .Require(request.LaborRate is >= 0 and <= MaxPrice, "laborRate", $"laborRate is required: the price of one labor hour in major units, between 0 and {MaxPrice}.")
            .Require(request.TaxRatePercent is null or (>= 0 and <= 100), "taxRatePercent", "taxRatePercent must be between 0 and 100.")
            .Require(request.TaxRatePercent is not { } t || HasAtMostDecimals(t, 2), "taxRatePercent", "taxRatePercent has at most two decimals.");
        long? rateMinor = check.IsValid ? ToMinor(request.LaborRate!.Value, currency) : null;
        check.Require(!check.IsValid || rateMinor is not null, "laborRate",
            $"laborRate has more decimals than {currency} has ({Money.MinorDigits(currency)}).");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var shop = await db.ShopProfiles.FirstOrDefaultAsync(s => s.OrganizationId == scope.OrganizationId, ct);
        if (shop is null)
        {
            shop = new ShopProfile { OrganizationId = scope.OrganizationId };
            db.ShopProfiles.Add(shop);
        }
        shop.Address = Blank(request.Address);
        shop.Phone = Blank(request.Phone);
        shop.Currency = currency;
        shop.LaborRateMinor = rateMinor!.Value;
        shop.TaxRatePercent = request.TaxRatePercent ?? 0;
        shop.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ShopResponseAsync(db, organizations, scope.OrganizationId, ct));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The effective table: the shop's own times, then the defaults for every key it has not set.</summary>
    public static async Task<List<LaborTimeResponse>> LaborTableAsync(DiagnosticsDbContext db, Guid organizationId, CancellationToken ct)
    {
        var own = await db.LaborOperations.AsNoTracking().Where(l => l.OrganizationId == organizationId).ToListAsync(ct);
        var table = own.Select(l => new LaborTimeResponse(l.Key, l.Name, l.Hours, "shop")).ToList();
        table.AddRange(DefaultLaborTimes.All
            .Where(d => !own.Any(l => l.Key == d.Key))
            .Select(d => new LaborTimeResponse(d.Key, d.Value.Name, d.Value.Hours, "default")));
        return [.. table.OrderBy(l => l.Key, StringComparer.Ordinal)];
    }

    private static async Task<Ok<List<LaborTimeResponse>>> ListLabor(OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await LaborTableAsync(db, scope.OrganizationId, ct));

    private static async Task<Results<Ok<LaborTimeResponse>, ValidationProblem, ProblemHttpResult>> PutLabor(
        string key, LaborTimeRequest request, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.EditPrices))
        {
            return Problems.Forbidden("Only an Owner or Manager can change the labor-time table.");
        }
        var name = request.Name?.Trim() ?? "";
        var check = new Validation()
            .Require(key.Length <= 60 && KeyPattern().IsMatch(key), "key", "key must look like 'ignition.coil.replace': lower-case segments separated by dots, at most 60 characters.")
            .Require(name.Length is >= 1 and <= 120, "name", "name is required (at most 120 characters).")
            .Require(request.Hours is >= 0 and <= 100, "hours", "hours is required, between 0 and 100.")
            .Require(request.Hours is not { } h || HasAtMostDecimals(h, 2), "hours", "hours has at most two decimals.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var labor = await db.LaborOperations.FirstOrDefaultAsync(l => l.OrganizationId == scope.OrganizationId && l.Key == key, ct);
        if (labor is null)
        {
            labor = new LaborOperation { OrganizationId = scope.OrganizationId, Key = key };
            db.LaborOperations.Add(labor);
        }
        labor.Name = name;
        labor.Hours = request.Hours!.Value;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new LaborTimeResponse(labor.Key, labor.Name, labor.Hours, "shop"));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteLabor(string key, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.EditPrices))
        {
            return Problems.Forbidden("Only an Owner or Manager can change the labor-time table.");
        }
        var deleted = await db.LaborOperations.Where(l => l.OrganizationId == scope.OrganizationId && l.Key == key).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problems.NotFound("The shop has no labor time of that key (built-in defaults cannot be deleted).") : TypedResults.NoContent();
    }

    private static async Task<Ok<List<PartResponse>>> ListParts(OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        var shop = await ProfileAsync(db, scope.OrganizationId, ct);
        var parts = await db.PartPrices.AsNoTracking().Where(p => p.OrganizationId == scope.OrganizationId).ToListAsync(ct);
        return TypedResults.Ok(parts.OrderBy(p => p.PartNumber, StringComparer.Ordinal).Select(p => PartResponse.From(p, shop.Currency)).ToList());
    }

    private static async Task<Results<Created<PartResponse>, ValidationProblem, ProblemHttpResult>> AddPart(
        PartRequest request, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.EditPrices))
        {
            return Problems.Forbidden("Only an Owner or Manager can change the parts price list.");
        }
        var shop = await ProfileAsync(db, scope.OrganizationId, ct);
        var partNumber = request.PartNumber?.Trim() ?? "";
        var description = request.Description?.Trim() ?? "";
        var key = string.IsNullOrWhiteSpace(request.LaborOperationKey) ? null : request.LaborOperationKey.Trim();
        var check = new Validation()
            .Require(partNumber.Length is >= 1 and <= 60, "partNumber", "partNumber is required (at most 60 characters).")
            .Require(description.Length is >= 1 and <= 160, "description", "description is required (at most 160 characters).")
            .Require(request.UnitPrice is >= 0 and <= MaxPrice, "unitPrice", $"unitPrice is required, in major units of {shop.Currency}, between 0 and {MaxPrice}.")
            .Require(key is null || (key.Length <= 60 && KeyPattern().IsMatch(key)), "laborOperationKey",
                "laborOperationKey must look like 'ignition.coil.replace': lower-case segments separated by dots, at most 60 characters.")
            .Require(request.Quantity is null or (> 0 and <= 10_000), "quantity", "quantity must be more than 0 and at most 10000.")
            .Require(request.Quantity is not { } q || HasAtMostDecimals(q, 3), "quantity", "quantity has at most three decimals.");
        long? priceMinor = request.UnitPrice is { } price && check.IsValid ? ToMinor(price, shop.Currency) : null;
        check.Require(!check.IsValid || priceMinor is not null, "unitPrice", $"unitPrice has more decimals than {shop.Currency} has ({Money.MinorDigits(shop.Currency)}).");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (await db.PartPrices.AnyAsync(p => p.OrganizationId == scope.OrganizationId && p.PartNumber == partNumber, ct))
        {
            return Problems.Conflict($"The price list already has part {partNumber}; delete it first to change it.");
        }
        var part = new PartPrice
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = scope.OrganizationId,
            PartNumber = partNumber,
            Description = description,
            UnitPriceMinor = priceMinor!.Value,
            LaborOperationKey = key,
            Quantity = request.Quantity ?? 1,
        };
        db.PartPrices.Add(part);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/diagnostics/parts/{part.Id}", PartResponse.From(part, shop.Currency));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePart(Guid id, OrganizationScope scope, DiagnosticsDbContext db, CancellationToken ct)
    {
        if (!scope.Can(DiagnosticsPermissions.EditPrices))
        {
            return Problems.Forbidden("Only an Owner or Manager can change the parts price list.");
        }
        var deleted = await db.PartPrices.Where(p => p.Id == id && p.OrganizationId == scope.OrganizationId).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problems.NotFound("No such part.") : TypedResults.NoContent();
    }

    /// <summary>The demo garage's prices (EUR, 95.00/h, 19 % VAT), added once: nothing happens when it already has a profile.</summary>
    public static async Task SeedDemoAsync(DiagnosticsDbContext db, Guid organizationId, DateTime now, CancellationToken ct)
    {
        if (await db.ShopProfiles.AnyAsync(s => s.OrganizationId == organizationId, ct))
        {
            return;
        }
        db.ShopProfiles.Add(new ShopProfile
        {
            OrganizationId = organizationId,
            Address = "12 Boxenstrasse, 10115 Berlin",
            Phone = "+49 30 1234567",
            Currency = "EUR",
            LaborRateMinor = 9_500,
            TaxRatePercent = 19m,
            UpdatedAt = now,
        });
        db.LaborOperations.AddRange(
            new LaborOperation { OrganizationId = organizationId, Key = "ignition.coil.replace", Name = "Replace ignition coil", Hours = 0.4m },
            new LaborOperation { OrganizationId = organizationId, Key = "spark-plugs.replace", Name = "Replace spark plugs (4 cyl.)", Hours = 0.8m },
            new LaborOperation { OrganizationId = organizationId, Key = "o2-sensor.replace", Name = "Replace downstream oxygen sensor", Hours = 0.5m });
        db.PartPrices.AddRange(
            new PartPrice { Id = Guid.CreateVersion7(), OrganizationId = organizationId, PartNumber = "IC-1001", Description = "Ignition coil", UnitPriceMinor = 6_490, LaborOperationKey = "ignition.coil.replace", Quantity = 1 },
            new PartPrice { Id = Guid.CreateVersion7(), OrganizationId = organizationId, PartNumber = "SP-ILZKR7B", Description = "Iridium spark plug", UnitPriceMinor = 1_290, LaborOperationKey = "spark-plugs.replace", Quantity = 4 },
            new PartPrice { Id = Guid.CreateVersion7(), OrganizationId = organizationId, PartNumber = "O2-2340", Description = "Oxygen sensor, downstream", UnitPriceMinor = 8_900, LaborOperationKey = "o2-sensor.replace", Quantity = 1 });
        await db.SaveChangesAsync(ct);
    }
}
