using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Marketplace.Listings;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Marketplace.Pages.Marketplace;

/// <summary>Find parts: full-text search with facets, and "fits my car" for one of the organisation's vehicles.</summary>
public sealed class MarketplaceIndexModel(PageOrganization organizations, ListingService listings) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Condition { get; set; }
    [BindProperty(SupportsGet = true)] public string? Brand { get; set; }
    [BindProperty(SupportsGet = true)] public string? Make { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? VehicleId { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int? PageNumber { get; set; }

    public SearchResponse? Result { get; private set; }
    public string? Problem { get; private set; }
    public bool CanBuy { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await organizations.CurrentAsync(ct) is not { } org || !MarketplacePermissions.Browse.Allows(org.Role))
        {
            return NotFound();
        }
        CanBuy = MarketplacePermissions.Buy.Allows(org.Role);
        var answer = await listings.SearchAsync(org.Id, new SearchQuery(
            Q, string.IsNullOrEmpty(Condition) ? null : Condition, string.IsNullOrEmpty(Brand) ? null : Brand,
            VehicleId is null && !string.IsNullOrEmpty(Make) ? Make : null, null, null, VehicleId, PageNumber, 20), ct);
        if (answer is Ok<SearchResponse> ok)
        {
            Result = ok.Value;
        }
        else
        {
            Problem = ProblemText.Of(answer).Detail;
        }
        return Page();
    }

    /// <summary>This page's address with one filter changed (null removes it), for facet links.</summary>
    public string With(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["q"] = Q, ["condition"] = Condition, ["brand"] = Brand, ["make"] = Make, ["vehicleId"] = VehicleId?.ToString(),
        };
        query[key] = value;
        var parts = query.Where(kv => !string.IsNullOrEmpty(kv.Value)).Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value!)}");
        return "/Marketplace?" + string.Join('&', parts);
    }
}
