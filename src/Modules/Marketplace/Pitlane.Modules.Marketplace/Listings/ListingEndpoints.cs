using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Listings;

public sealed record FitmentRequest(int? YearFrom, int? YearTo, string? Make, string? Model, string? Engine);
public sealed record ShippingRequest(string? Name, long? Price, int? Days);
public sealed record CreateListingRequest(
    string? Title, string? PartNumber, string? Brand, string? Condition, string? SerialNumber, string? Description,
    long? Price, string? Currency, int? Quantity, List<FitmentRequest>? Fitment, List<ShippingRequest>? Shipping);

public sealed record FitmentView(int YearFrom, int YearTo, string Make, string Model, string? Engine);
public sealed record ShippingView(string Name, long Price, int Days);
public sealed record ListingView(
    Guid Id, Guid SellerOrganizationId, string Title, string PartNumber, string Brand, string Condition, string? SerialNumber, string? Description,
    long Price, string Currency, int Quantity, bool Active, IReadOnlyList<FitmentView> Fitment, IReadOnlyList<ShippingView> Shipping, string? Fit)
{
    public static ListingView From(Listing l, string? fit = null) => new(
        l.Id, l.SellerOrganizationId, l.Title, l.PartNumber, l.Brand, l.Condition, l.SerialNumber, l.Description, l.Price, l.Currency, l.Quantity, l.Active,
        l.Fitments.OrderBy(f => f.Make).ThenBy(f => f.Model).ThenBy(f => f.YearFrom).Select(f => new FitmentView(f.YearFrom, f.YearTo, f.Make, f.Model, f.Engine)).ToList(),
        l.ShippingOptions.OrderBy(s => s.Price).Select(s => new ShippingView(s.Name, s.Price, s.Days)).ToList(),
        fit);
}

public sealed record FacetValue(string Value, int Count);
public sealed record SearchFacets(IReadOnlyList<FacetValue> Condition, IReadOnlyList<FacetValue> Brand, IReadOnlyList<FacetValue> Make);
public sealed record SearchVehicle(Guid Id, string Title, int? ModelYear, string? Make, string? Model, string? Engine);
public sealed record SearchResponse(IReadOnlyList<ListingView> Items, int Page, int PageSize, int Total, SearchFacets Facets, SearchVehicle? Vehicle);

/// <summary>/api/v1/marketplace/listings (a seller's own) and /api/v1/marketplace/search (every active listing, with facets and "fits my car").</summary>
public static class ListingEndpoints
{
    public const int MaxFitmentRows = 200;

    public static IEndpointRouteBuilder MapListingEndpoints(this IEndpointRouteBuilder routes)
    {
        var listings = routes.MapTenantApi("/api/v1/marketplace/listings", "Marketplace");
        listings.MapPost("", Create).RequirePermission(MarketplacePermissions.Sell);
        listings.MapGet("", Mine).RequirePermission(MarketplacePermissions.Sell);
        listings.MapGet("/{id:guid}", Get).RequirePermission(MarketplacePermissions.Browse);
        listings.MapDelete("/{id:guid}", Withdraw).RequirePermission(MarketplacePermissions.Sell);
        routes.MapTenantApi("/api/v1/marketplace/search", "Marketplace").MapGet("", Search).RequirePermission(MarketplacePermissions.Browse);
        return routes;
    }

    private static async Task<IResult> Create(CreateListingRequest request, OrganizationScope scope, MarketplaceDbContext db, ProvenanceLog log, TimeProvider time, CancellationToken ct)
    {
        var currency = (request.Currency ?? "usd").Trim().ToLowerInvariant();
        var serial = request.SerialNumber is null ? null : Serials.Normalize(request.SerialNumber);
        var fitment = request.Fitment ?? [];
        var shipping = request.Shipping ?? [];
        var check = new Validation()
            .Require(request.Title is { Length: >= 3 and <= 200 }, "title", "title is 3 to 200 characters.")
            .Require(request.PartNumber is { Length: >= 1 and <= 60 }, "partNumber", "partNumber is 1 to 60 characters.")
            .Require(request.Brand is { Length: >= 1 and <= 80 }, "brand", "brand is 1 to 80 characters.")
            .Require(request.Condition is not null && Conditions.All.Contains(request.Condition), "condition", "condition is new, used or refurbished.")
            .Require(request.SerialNumber is null || serial is not null, "serialNumber", Serials.Rule)
            .Require(request.Description is null || request.Description.Length <= 4000, "description", "description is at most 4000 characters.")
            .Require(request.Price is >= 50 and <= 99_999_999, "price", "price is between 50 and 99999999 minor units.")
            .Require(currency.Length == 3 && currency.All(char.IsAsciiLetterLower), "currency", "currency is a three-letter ISO 4217 code, e.g. usd.")
            .Require(request.Quantity is >= 1 and <= 10_000, "quantity", "quantity is between 1 and 10000.")
            .Require(serial is null || request.Quantity == 1, "quantity", "A listing with a serial number is one part: quantity 1.")
            .Require(fitment.Count <= MaxFitmentRows, "fitment", $"At most {MaxFitmentRows} fitment rows.")
            .Require(shipping.Count is >= 1 and <= 10, "shipping", "Give 1 to 10 shipping options.");
        for (var i = 0; i < fitment.Count; i++)
        {
            var f = fitment[i];
            check.Require(f is { YearFrom: >= 1900 and <= 2100, YearTo: >= 1900 and <= 2100 } && f.YearFrom <= f.YearTo, $"fitment[{i}].yearFrom", "yearFrom and yearTo are model years, yearFrom first.")
                .Require(f.Make is { Length: >= 1 and <= 80 }, $"fitment[{i}].make", "make is 1 to 80 characters.")
                .Require(f.Model is { Length: >= 1 and <= 120 }, $"fitment[{i}].model", "model is 1 to 120 characters.")
                .Require(f.Engine is null || f.Engine.Length <= 120, $"fitment[{i}].engine", "engine is at most 120 characters.");
        }
        for (var i = 0; i < shipping.Count; i++)
        {
            var s = shipping[i];
            check.Require(s.Name is { Length: >= 1 and <= 80 }, $"shipping[{i}].name", "name is 1 to 80 characters.")
                .Require(s.Price is >= 0 and <= 1_000_000, $"shipping[{i}].price", "price is between 0 and 1000000 minor units.")
                .Require(s.Days is >= 0 and <= 90, $"shipping[{i}].days", "days is between 0 and 90.");
        }
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (serial is not null && await db.Listings.AnyAsync(l => l.SerialNumber == serial && l.Active && l.Quantity > 0, ct))
        {
            return Problems.Conflict($"Part {serial} is already listed for sale.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var listing = Listing.Create(scope.OrganizationId, request.Title!.Trim(), request.PartNumber!.Trim(), request.Brand!.Trim(), request.Condition!, serial,
            request.Description?.Trim(), request.Price!.Value, currency, request.Quantity!.Value,
            fitment.Select(f => new Fitment
            {
                YearFrom = f.YearFrom!.Value, YearTo = f.YearTo!.Value, Make = f.Make!.Trim(), MakeKey = f.Make.Trim().ToUpperInvariant(),
                Model = f.Model!.Trim(), ModelKey = f.Model.Trim().ToUpperInvariant(), Engine = f.Engine?.Trim(),
            }),
            shipping.Select(s => new ShippingOption { Name = s.Name!.Trim(), Price = s.Price!.Value, Days = s.Days!.Value }),
            now);
        db.Listings.Add(listing);
        PartEvent[] events = serial is null ? [] : [new PartEvent(serial, PartEvents.Listed, now, scope.OrganizationId, listing.PartNumber, listing.Brand, Note: listing.Condition)];
        await log.SaveWithEventsAsync(events, ct);
        return TypedResults.Created($"/api/v1/marketplace/listings/{listing.Id}", ListingView.From(listing));
    }

    private static async Task<IResult> Mine(OrganizationScope scope, MarketplaceDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var result = await paging.ApplyAsync(db.Listings.AsNoTracking().Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .Where(l => l.SellerOrganizationId == scope.OrganizationId).OrderByDescending(l => l.CreatedAt), ct);
        return TypedResults.Ok(result.Map(l => ListingView.From(l)));
    }

    private static async Task<IResult> Get(Guid id, OrganizationScope scope, MarketplaceDbContext db, CancellationToken ct)
    {
        var listing = await db.Listings.AsNoTracking().Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .FirstOrDefaultAsync(l => l.Id == id && (l.Active || l.SellerOrganizationId == scope.OrganizationId), ct);
        return listing is null ? Problems.NotFound("No such listing.") : TypedResults.Ok(ListingView.From(listing));
    }

    private static async Task<IResult> Withdraw(Guid id, OrganizationScope scope, MarketplaceDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Listings.FirstOrDefaultAsync(l => l.Id == id && l.SellerOrganizationId == scope.OrganizationId, ct) is not { } listing)
        {
            return Problems.NotFound("No such listing.");
        }
        listing.Withdraw(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Search(
        OrganizationScope scope, MarketplaceDbContext db, IVehicleDirectory vehicles, CancellationToken ct,
        string? q = null, string? condition = null, string? brand = null, string? make = null, string? model = null, int? year = null,
        Guid? vehicleId = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation()
            .Require(q is null || q.Length <= 200, "q", "q is at most 200 characters.")
            .Require(condition is null || Conditions.All.Contains(condition), "condition", "condition is new, used or refurbished.")
            .Require(year is null or (>= 1900 and <= 2100), "year", "year is a model year.")
            .Require(vehicleId is null || (make is null && model is null && year is null), "vehicleId", "Give either vehicleId or year/make/model, not both.");
        var paging = PageRequest.From(page, pageSize, check, defaultPageSize: 20, maxPageSize: 100);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        SearchVehicle? vehicle = null;
        if (vehicleId is { } vid)
        {
            if (await vehicles.FindAsync(scope.OrganizationId, vid, ct) is not { } found)
            {
                return Problems.NotFound("No such vehicle in this organisation.");
            }
            vehicle = new SearchVehicle(found.Id, found.Title, found.ModelYear, found.Make, found.Model, found.Engine);
            if (found.ModelYear is null || string.IsNullOrWhiteSpace(found.Make))
            {
                return Problems.Conflict("This vehicle's model year and make are not known yet, so fitment cannot be checked. Decode its VIN first.");
            }
            year = found.ModelYear;
            make = found.Make;
            model = found.Model;
        }

        var query = db.Listings.AsNoTracking().Where(l => l.Active && l.Quantity > 0);
        foreach (var term in (q ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
        {
            query = query.Where(l => l.SearchText.Contains(term));
        }
        if (condition is not null)
        {
            query = query.Where(l => l.Condition == condition);
        }
        if (!string.IsNullOrWhiteSpace(brand))
        {
            var b = brand.Trim().ToLowerInvariant();
            query = query.Where(l => l.Brand.ToLower() == b);
        }
        var makeKey = string.IsNullOrWhiteSpace(make) ? null : make.Trim().ToUpperInvariant();
        var modelKey = string.IsNullOrWhiteSpace(model) ? null : model.Trim().ToUpperInvariant();
        if (makeKey is not null || year is not null)
        {
            query = query.Where(l => l.Fitments.Any(f =>
                (makeKey == null || f.MakeKey == makeKey) && (modelKey == null || f.ModelKey == modelKey) && (year == null || (f.YearFrom <= year && f.YearTo >= year))));
        }

        var total = await query.CountAsync(ct);
        var conditions = (await query.GroupBy(l => l.Condition).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .Select(g => new FacetValue(g.Key, g.Count)).OrderBy(f => f.Value, StringComparer.Ordinal).ToList();
        var brands = (await query.GroupBy(l => l.Brand).Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(g => g.Count).ThenBy(g => g.Key).Take(20).ToListAsync(ct))
            .Select(g => new FacetValue(g.Key, g.Count)).ToList();
        var makes = (await db.Fitments.AsNoTracking().Where(f => query.Any(l => l.Id == f.ListingId)).Select(f => new { f.MakeKey, f.ListingId }).Distinct()
            .GroupBy(f => f.MakeKey).Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(g => g.Count).ThenBy(g => g.Key).Take(20).ToListAsync(ct))
            .Select(g => new FacetValue(g.Key, g.Count)).ToList();
        var items = await query.Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);

        // "exact": the vehicle's year, make and model match a fitment row; "likely": its model is not known (a VIN decoded
        // offline gives year and make only), so only year and make could be checked.
        string? Fit(Listing l) => vehicle is null ? null : modelKey is null ? "likely" : "exact";
        return TypedResults.Ok(new SearchResponse(
            items.Select(l => ListingView.From(l, Fit(l))).ToList(), paging.Number, paging.PageSize, total,
            new SearchFacets(conditions, brands, makes), vehicle));
    }
}
