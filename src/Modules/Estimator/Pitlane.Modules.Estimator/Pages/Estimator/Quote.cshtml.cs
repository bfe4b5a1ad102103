using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Estimator.Pages.Estimator;

/// <summary>"Shop parts": the offers per line, the optimiser's choice and why, totals and profit, override, order and order status.</summary>
public sealed class EstimatorQuoteModel(PageOrganization organizations, QuoteService quotes, TimeProvider clock) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public QuoteResponse? Quote { get; private set; }

    public IReadOnlyList<OrderResponse> Orders { get; private set; } = [];

    public bool CanQuote { get; private set; }

    public bool CanOrder { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostChooseAsync(Guid id, string lineId, string? offerId, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!CanQuote) return Forbid();
        var (_, conflict, invalid) = await quotes.ChooseAsync(Organization!.Id, id, lineId, string.IsNullOrEmpty(offerId) ? null : offerId, ct);
        if (conflict is not null || invalid is not null)
        {
            Message = conflict ?? invalid;
            return Page();
        }
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostOrderAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!CanOrder) return Forbid();
        var (_, conflict) = await quotes.OrderAsync(Organization!.Id, id, ct);
        if (conflict is not null)
        {
            Message = conflict;
            return Page();
        }
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        if (Organization is null || !EstimatorPermissions.View.Allows(Organization.Role)) return false;
        Quote = await quotes.FindAsync(Organization.Id, id, ct);
        if (Quote is null) return false;
        Orders = await quotes.OrdersAsync(Organization.Id, id, ct) ?? [];
        CanQuote = EstimatorPermissions.Quote.Allows(Organization.Role) && Quote.Status == "quoted";
        CanOrder = EstimatorPermissions.Order.Allows(Organization.Role) && Quote.Status == "quoted";
        Now = clock.GetUtcNow();
        return true;
    }
}
