using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Estimator.Pipeline;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Estimator.Pages.Estimator;

/// <summary>Start a quote (VIN + jobs) and see the recent ones.</summary>
public sealed class EstimatorIndexModel(PageOrganization organizations, QuoteService quotes, EstimatePipeline pipeline,
    IVehicleDirectory vehicles, IVehicleRegistrar registrar) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanQuote { get; private set; }

    public IReadOnlyList<QuoteSummary> Recent { get; private set; } = [];

    [BindProperty]
    public string? Vin { get; set; }

    [BindProperty]
    public List<string> Jobs { get; set; } = [];

    [BindProperty]
    public decimal? Ceiling { get; set; }

    [BindProperty]
    public int? WithinHours { get; set; }

    /// <summary>The repair order the quote's jobs go to (from the RO page's "Shop parts"); none: the quote stands alone.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? RepairOrderId { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(Guid? vehicleId, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Allowed && vehicleId is { } id && await vehicles.FindAsync(Organization!.Id, id, ct) is { } v) Vin = v.Vin;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanQuote) return Forbid();
        var vin = Vin?.Trim().ToUpperInvariant() ?? "";
        Jobs = Jobs.Where(j => LaborCatalog.Find(j) is not null).Distinct().ToList();
        if (vin.Length != 17) Error = "Enter the 17-character VIN from the windscreen or the door pillar.";
        else if (Jobs.Count == 0) Error = "Tick at least one job.";
        else if (Ceiling is < 0 or > 1_000_000) Error = "The customer's limit must be a positive amount.";
        else if (WithinHours is < 1 or > 720) Error = "Needed within: between 1 and 720 hours.";
        if (Error is not null) return Page();

        var vehicle = await vehicles.FindByVinAsync(Organization!.Id, vin, ct);
        if (vehicle is null)
        {
            var added = await registrar.RegisterByVinAsync(Organization.Id, vin, ct);
            if (added.Vehicle is null)
            {
                Error = added.Errors?.Values.SelectMany(e => e).FirstOrDefault() ?? added.Conflict ?? "This VIN could not be added.";
                return Page();
            }
            vehicle = added.Vehicle;
        }
        var quote = await pipeline.RunAsync(Organization.Id, new EstimateRequest(vehicle.Id, Jobs,
            Ceiling is { } c ? (long)Math.Round(c * 100) : null, WithinHours, RepairOrderId), ct);
        return RedirectToPage("/Estimator/Quote", new { id = quote!.Id });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = Organization is not null && EstimatorPermissions.View.Allows(Organization.Role);
        CanQuote = Organization is not null && EstimatorPermissions.Quote.Allows(Organization.Role);
        if (Allowed) Recent = (await quotes.ListAsync(Organization!.Id, new PageRequest(1, 20), ct)).Items;
    }
}
