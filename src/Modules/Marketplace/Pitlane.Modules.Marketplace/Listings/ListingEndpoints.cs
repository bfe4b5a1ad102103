using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Marketplace.Provenance;
using Pitlane.Modules.Marketplace.Sellers;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Listings;

public sealed record FitmentRequest(int? YearFrom, int? YearTo, string? Make, string? Model, string? Engine);
public sealed record ShippingRequest(string? Name, long? Price, int? Days);
public sealed record CreateListingRequest(
    string? Title, string? PartNumber, string? Brand, string? Condition, string? SerialNumber, string? Description,
    long? Price, string? Currency, int? Quantity, List<FitmentRequest>? Fitment, List<ShippingRequest>? Shipping, bool? Active = null);

public sealed record FitmentView(int YearFrom, int YearTo, string Make, string Model, string? Engine);
public sealed record ShippingView(string Name, long Price, int Days);
public sealed record ListingView(
    Guid Id, Guid SellerOrganizationId, string Title, string PartNumber, string Brand, string Condition, string? SerialNumber, string? Description,
    long Price, string Currency, int Quantity, bool Active, IReadOnlyList<FitmentView> Fitment, IReadOnlyList<ShippingView> Shipping, string? Fit,
    IReadOnlyList<Guid>? PhotoIds = null, IReadOnlyList<string>? Photos = null)
{
    public static ListingView From(Listing l, string? fit = null) => new(
        l.Id, l.SellerOrganizationId, l.Title, l.PartNumber, l.Brand, l.Condition, l.SerialNumber, l.Description, l.Price, l.Currency, l.Quantity, l.Active,
        l.Fitments.OrderBy(f => f.Make).ThenBy(f => f.Model).ThenBy(f => f.YearFrom).Select(f => new FitmentView(f.YearFrom, f.YearTo, f.Make, f.Model, f.Engine)).ToList(),
        l.ShippingOptions.OrderBy(s => s.Price).Select(s => new ShippingView(s.Name, s.Price, s.Days)).ToList(),
        fit, l.Photos);
}

public sealed record FacetValue(string Value, int Count);
public sealed record SearchFacets(IReadOnlyList<FacetValue> Condition, IReadOnlyList<FacetValue> Brand, IReadOnlyList<FacetValue> Make);
public sealed record SearchVehicle(Guid Id, string Title, int? ModelYear, string? Make, string? Model, string? Engine);
public sealed record SearchResponse(IReadOnlyList<ListingView> Items, int Page, int PageSize, int Total, SearchFacets Facets, SearchVehicle? Vehicle);

public sealed record SearchQuery(string? Q, string? Condition, string? Brand, string? Make, string? Model, int? Year, Guid? VehicleId, int? Page, int? PageSize);

/// <summary>
/// Listings: a seller's create, edit, photos and withdrawal (limited by the seller's plan, <see cref="SellerPlans"/>), and
/// the buyers' full-text search with facets and "fits my car". Used by the API and the pages alike.
/// </summary>
public sealed class ListingService(MarketplaceDbContext db, ProvenanceLog log, SellerPlans plans, IVehicleDirectory vehicles, IMediaStore media, TimeProvider time)
{
    public const int MaxFitmentRows = 200;
    public const long MaxPhotoBytes = 10 * 1024 * 1024;
    public const string ListingLimitType = "https://pitlane.dev/problems/listing-limit";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private sealed record Checked(string Currency, string? Serial, List<FitmentRequest> Fitment, List<ShippingRequest> Shipping);

    private static (Validation Check, Checked Values) Validate(CreateListingRequest request)
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
            .Require(request.Quantity is >= 0 and <= 10_000, "quantity", "quantity is between 0 and 10000.")
            .Require(serial is null || request.Quantity is 0 or 1, "quantity", "A listing with a serial number is one part: quantity 1.")
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
        check.Require(shipping.Select(s => s.Name?.Trim().ToUpperInvariant()).Distinct().Count() == shipping.Count, "shipping", "Shipping option names must differ.");
        return (check, new Checked(currency, serial, fitment, shipping));
    }

    private static IEnumerable<Fitment> Fitments(List<FitmentRequest> fitment) => fitment.Select(f => new Fitment
    {
        YearFrom = f.YearFrom!.Value, YearTo = f.YearTo!.Value, Make = f.Make!.Trim(), MakeKey = f.Make.Trim().ToUpperInvariant(),
        Model = f.Model!.Trim(), ModelKey = f.Model.Trim().ToUpperInvariant(), Engine = string.IsNullOrWhiteSpace(f.Engine) ? null : f.Engine.Trim(),
    });

    private static IEnumerable<ShippingOption> Shipping(List<ShippingRequest> shipping) =>
        shipping.Select(s => new ShippingOption { Name = s.Name!.Trim(), Price = s.Price!.Value, Days = s.Days!.Value });

    /// <summary>403 with a type of its own when one more active listing is over the seller's plan.</summary>
    private async Task<IResult?> OverLimitAsync(Guid seller, Guid? except, CancellationToken ct)
    {
        var terms = await plans.TermsAsync(seller, ct);
        var active = await db.Listings.CountAsync(l => l.SellerOrganizationId == seller && l.Active && l.Id != except, ct);
        if (active < terms.ListingLimit)
        {
            return null;
        }
        return TypedResults.Problem(
            $"Your {(terms.PlanName is null ? "free allowance" : $"plan ({terms.PlanName})")} allows {terms.ListingLimit} active listings and you have {active}. " +
            "Withdraw a listing or subscribe to a seller plan with more listings.",
            statusCode: StatusCodes.Status403Forbidden, title: "Listing limit reached", type: ListingLimitType,
            extensions: new Dictionary<string, object?> { ["limit"] = terms.ListingLimit, ["active"] = active });
    }

    public async Task<IResult> CreateAsync(Guid seller, CreateListingRequest request, CancellationToken ct)
    {
        var (check, v) = Validate(request);
        check.Require(request.Quantity is null or >= 1, "quantity", "quantity is between 1 and 10000.");
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        if (v.Serial is not null && await db.Listings.AnyAsync(l => l.SerialNumber == v.Serial && l.Active && l.Quantity > 0, ct))
        {
            return Problems.Conflict($"Part {v.Serial} is already listed for sale.");
        }
        if (await OverLimitAsync(seller, null, ct) is { } over)
        {
            return over;
        }
        var now = Now;
        var listing = Listing.Create(seller, request.Title!.Trim(), request.PartNumber!.Trim(), request.Brand!.Trim(), request.Condition!, v.Serial,
            request.Description?.Trim(), request.Price!.Value, v.Currency, request.Quantity!.Value, Fitments(v.Fitment), Shipping(v.Shipping), now);
        db.Listings.Add(listing);
        PartEvent[] events = v.Serial is null ? [] : [new PartEvent(v.Serial, PartEvents.Listed, now, seller, listing.PartNumber, listing.Brand, Note: listing.Condition)];
        await log.SaveWithEventsAsync(events, ct);
        return TypedResults.Created($"/api/v1/marketplace/listings/{listing.Id}", ListingView.From(listing));
    }

    private Task<Listing?> OwnAsync(Guid seller, Guid id, CancellationToken ct) =>
        db.Listings.Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery().FirstOrDefaultAsync(l => l.Id == id && l.SellerOrganizationId == seller, ct);

    /// <summary>The seller's edit (PUT: the whole listing). The serial number cannot change; reactivating counts against the plan.</summary>
    public async Task<IResult> UpdateAsync(Guid seller, Guid id, CreateListingRequest request, CancellationToken ct)
    {
        if (await OwnAsync(seller, id, ct) is not { } listing)
        {
            return Problems.NotFound("No such listing of this organisation.");
        }
        var (check, v) = Validate(request with { SerialNumber = listing.SerialNumber });
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        var active = request.Active ?? listing.Active;
        if (active && !listing.Active && await OverLimitAsync(seller, listing.Id, ct) is { } over)
        {
            return over;
        }
        db.Fitments.RemoveRange(listing.Fitments);
        db.ShippingOptions.RemoveRange(listing.ShippingOptions);
        // The new rows are added explicitly: found only through the navigation with their client-made ids, EF would take
        // them for existing rows and update nothing (a false concurrency conflict).
        var fitments = Fitments(v.Fitment).ToList();
        var shipping = Shipping(v.Shipping).ToList();
        fitments.ForEach(f => f.ListingId = listing.Id);
        shipping.ForEach(s => s.ListingId = listing.Id);
        db.Fitments.AddRange(fitments);
        db.ShippingOptions.AddRange(shipping);
        listing.Update(request.Title!.Trim(), request.PartNumber!.Trim(), request.Brand!.Trim(), request.Condition!, request.Description?.Trim(),
            request.Price!.Value, v.Currency, request.Quantity!.Value, fitments, shipping, active, Now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The listing changed while saving (an order took stock?); reload and try again.");
        }
        return TypedResults.Ok(ListingView.From(listing));
    }

    public async Task<IResult> AddPhotoAsync(Guid seller, Guid userId, Guid id, Stream content, string? fileName, CancellationToken ct)
    {
        if (await db.Listings.FirstOrDefaultAsync(l => l.Id == id && l.SellerOrganizationId == seller, ct) is not { } listing)
        {
            return Problems.NotFound("No such listing of this organisation.");
        }
        if (listing.CannotAddPhoto() is { } full)
        {
            return Problems.Conflict(full);
        }
        MediaItem item;
        try
        {
            item = await media.PutAsync(new MediaUpload(seller, content, fileName, [MediaKind.Image], MaxPhotoBytes, userId), ct);
        }
        catch (MediaRejectedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }
        listing.AddPhoto(item.Id, Now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await WithPhotosAsync(ListingView.From(listing), ct));
    }

    public async Task<IResult> RemovePhotoAsync(Guid seller, Guid id, Guid photoId, CancellationToken ct)
    {
        if (await db.Listings.FirstOrDefaultAsync(l => l.Id == id && l.SellerOrganizationId == seller, ct) is not { } listing || !listing.RemovePhoto(photoId, Now))
        {
            return Problems.NotFound("No such photo on a listing of this organisation.");
        }
        await db.SaveChangesAsync(ct);
        await media.DeleteAsync(seller, photoId, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Photo links anyone looking at the listing can open for an hour (buyers are not members of the seller).</summary>
    public async Task<ListingView> WithPhotosAsync(ListingView view, CancellationToken ct)
    {
        var links = new List<string>();
        foreach (var photo in view.PhotoIds ?? [])
        {
            if (await media.FindAsync(view.SellerOrganizationId, photo, ct) is { } item)
            {
                links.Add(media.SignedPath(item, Now.AddHours(1)));
            }
        }
        return view with { Photos = links };
    }

    public async Task<ListingView?> GetAsync(Guid organization, Guid id, CancellationToken ct)
    {
        var listing = await db.Listings.AsNoTracking().Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .FirstOrDefaultAsync(l => l.Id == id && (l.Active || l.SellerOrganizationId == organization), ct);
        return listing is null ? null : await WithPhotosAsync(ListingView.From(listing), ct);
    }

    public async Task<ListPage<ListingView>> MineAsync(Guid seller, PageRequest paging, CancellationToken ct)
    {
        var result = await paging.ApplyAsync(db.Listings.AsNoTracking().Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .Where(l => l.SellerOrganizationId == seller).OrderByDescending(l => l.CreatedAt), ct);
        return result.Map(l => ListingView.From(l));
    }

    public Task<SellerTerms> TermsAsync(Guid seller, CancellationToken ct) => plans.TermsAsync(seller, ct);

    public async Task<IResult> WithdrawAsync(Guid seller, Guid id, CancellationToken ct)
    {
        if (await db.Listings.FirstOrDefaultAsync(l => l.Id == id && l.SellerOrganizationId == seller, ct) is not { } listing)
        {
            return Problems.NotFound("No such listing.");
        }
        listing.Withdraw(Now);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public async Task<IResult> SearchAsync(Guid organization, SearchQuery s, CancellationToken ct)
    {
        var (q, condition, brand, make, model, year, vehicleId) = (s.Q, s.Condition, s.Brand, s.Make, s.Model, s.Year, s.VehicleId);
        var check = new Validation()
            .Require(q is null || q.Length <= 200, "q", "q is at most 200 characters.")
            .Require(condition is null || Conditions.All.Contains(condition), "condition", "condition is new, used or refurbished.")
            .Require(year is null or (>= 1900 and <= 2100), "year", "year is a model year.")
            .Require(vehicleId is null || (make is null && model is null && year is null), "vehicleId", "Give either vehicleId or year/make/model, not both.");
        var paging = PageRequest.From(s.Page, s.PageSize, check, defaultPageSize: 20, maxPageSize: 100);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        SearchVehicle? vehicle = null;
        if (vehicleId is { } vid)
        {
            if (await vehicles.FindAsync(organization, vid, ct) is not { } found)
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
        var terms = ListingSearch.Terms(q);
        IQueryable<SearchHit>? hits = null;
        if (terms.Count > 0)
        {
            hits = ListingSearch.Hits(db, terms);
            query = query.Where(l => hits.Any(h => h.Id == l.Id));
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

        // Best match first when words were given (then newest), newest first otherwise; the page's rows are then loaded with their children.
        List<Guid> pageIds = hits is null
            ? await query.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.Id).Select(l => l.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct)
            : await (from l in query join h in hits on l.Id equals h.Id orderby h.Rank descending, l.CreatedAt descending, l.Id select l.Id)
                .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var rows = await db.Listings.AsNoTracking().Include(l => l.Fitments).Include(l => l.ShippingOptions).AsSplitQuery()
            .Where(l => pageIds.Contains(l.Id)).ToListAsync(ct);
        var items = pageIds.Select(id => rows.First(l => l.Id == id)).ToList();

        // "exact": the vehicle's year, make and model match a fitment row; "likely": its model is not known (a VIN decoded
        // offline gives year and make only), so only year and make could be checked.
        string? Fit(Listing l) => vehicle is null ? null : modelKey is null ? "likely" : "exact";
        var views = new List<ListingView>(items.Count);
        foreach (var l in items)
        {
            views.Add(await WithPhotosAsync(ListingView.From(l, Fit(l)), ct));
        }
        return TypedResults.Ok(new SearchResponse(views, paging.Number, paging.PageSize, total, new SearchFacets(conditions, brands, makes), vehicle));
    }
}

/// <summary>/api/v1/marketplace/listings (a seller's own) and /api/v1/marketplace/search (every active listing, with facets and "fits my car").</summary>
public static class ListingEndpoints
{
    public const int MaxFitmentRows = ListingService.MaxFitmentRows;

    public static IEndpointRouteBuilder MapListingEndpoints(this IEndpointRouteBuilder routes)
    {
        var listings = routes.MapTenantApi("/api/v1/marketplace/listings", "Marketplace");
        listings.MapPost("", (CreateListingRequest request, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            service.CreateAsync(scope.OrganizationId, request, ct)).RequirePermission(MarketplacePermissions.Sell);
        listings.MapGet("", Mine).RequirePermission(MarketplacePermissions.Sell);
        listings.MapGet("/{id:guid}", async (Guid id, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            await service.GetAsync(scope.OrganizationId, id, ct) is { } view ? Results.Ok(view) : Problems.NotFound("No such listing."))
            .RequirePermission(MarketplacePermissions.Browse);
        listings.MapPut("/{id:guid}", (Guid id, CreateListingRequest request, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            service.UpdateAsync(scope.OrganizationId, id, request, ct)).RequirePermission(MarketplacePermissions.Sell);
        listings.MapDelete("/{id:guid}", (Guid id, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            service.WithdrawAsync(scope.OrganizationId, id, ct)).RequirePermission(MarketplacePermissions.Sell);
        listings.MapPost("/{id:guid}/photos", AddPhoto).RequirePermission(MarketplacePermissions.Sell)
            .AcceptsBodyUpTo(ListingService.MaxPhotoBytes + 64 * 1024);
        listings.MapDelete("/{id:guid}/photos/{photoId:guid}", (Guid id, Guid photoId, OrganizationScope scope, ListingService service, CancellationToken ct) =>
            service.RemovePhotoAsync(scope.OrganizationId, id, photoId, ct)).RequirePermission(MarketplacePermissions.Sell);
        routes.MapTenantApi("/api/v1/marketplace/search", "Marketplace").MapGet("", Search).RequirePermission(MarketplacePermissions.Browse);
        return routes;
    }

    /// <summary>multipart/form-data with one file field "photo".</summary>
    private static async Task<IResult> AddPhoto(Guid id, HttpRequest request, OrganizationScope scope, ListingService service, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Invalid("photo", "Send the photo as multipart/form-data in the field 'photo'.");
        }
        var form = await request.ReadFormAsync(ct);
        if (form.Files.GetFile("photo") is not { Length: > 0 } file)
        {
            return Problems.Invalid("photo", "Send the photo as multipart/form-data in the field 'photo'.");
        }
        await using var stream = file.OpenReadStream();
        return await service.AddPhotoAsync(scope.OrganizationId, scope.UserId, id, stream, file.FileName, ct);
    }

    private static async Task<IResult> Mine(OrganizationScope scope, ListingService service, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        return check.IsValid ? TypedResults.Ok(await service.MineAsync(scope.OrganizationId, paging, ct)) : Problems.Invalid(check.Errors);
    }

    private static Task<IResult> Search(
        OrganizationScope scope, ListingService service, CancellationToken ct,
        string? q = null, string? condition = null, string? brand = null, string? make = null, string? model = null, int? year = null,
        Guid? vehicleId = null, int? page = null, int? pageSize = null) =>
        service.SearchAsync(scope.OrganizationId, new SearchQuery(q, condition, brand, make, model, year, vehicleId, page, pageSize), ct);
}
