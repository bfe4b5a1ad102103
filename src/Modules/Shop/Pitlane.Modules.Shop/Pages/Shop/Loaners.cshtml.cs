using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Shop.Customers;
using Pitlane.Modules.Shop.Porter;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Pages.Shop;

/// <summary>The loaner fleet: who has which car until when, lend one to a customer, take one back, add one (managers).</summary>
public sealed class LoanersModel(PageOrganization organizations, Loaners loaners, global::Pitlane.Modules.Shop.Customers.Customers customers, ShopPageQueries queries)
    : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? CustomerId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanLend => ShopPermissions.MoveCars.Allows(Organization?.Role);

    public bool CanManage => ShopPermissions.ManageFleet.Allows(Organization?.Role);

    public Customer? Customer { get; private set; }

    public IReadOnlyList<Customer> Found { get; private set; } = [];

    public IReadOnlyList<(Loaner Loaner, IReadOnlyList<LoanerAgreement> Agreements)> Fleet { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = ShopPermissions.View.Allows(Organization?.Role);
        if (Organization is null || !Allowed)
        {
            return Page();
        }
        var org = Organization.Id;
        Zone = await queries.ZoneAsync(org, ct);
        Now = DateTime.UtcNow;
        if (CustomerId is { } id && (Customer = await customers.FindAsync(org, id, ct)) is null)
        {
            return NotFound();
        }
        if (Customer is null && Q?.Trim() is { Length: > 0 } q)
        {
            Q = q.Length > global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength ? q[..global::Pitlane.Modules.Shop.Customers.Customers.MaxSearchLength] : q;
            Found = (await customers.SearchAsync(org, Q, new PageRequest(1, 10), ct)).Items;
        }
        var agreements = await loaners.AgreementsAsync(org, null, Now.AddDays(-60), Now.AddDays(60), ct);
        var fleet = await loaners.FleetAsync(org, ct);
        Fleet = [.. fleet.Select(l => (l, (IReadOnlyList<LoanerAgreement>)[.. agreements.Where(a => a.LoanerId == l.Id && a.Status == AgreementStatus.Open)]))];
        var people = await queries.CustomersAsync(org, [.. agreements.Select(a => a.CustomerId).Distinct()], ct);
        Names = people.ToDictionary(c => c.Id, c => c.Name);
        return Page();
    }

    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone)
        .ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A datetime-local value in the shop's time zone.</summary>
    public string Input(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone)
        .ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The zone's offset at that time, "+01:00", so the browser sends the shop's local time, not its own.</summary>
    public string Offset(DateTime utc)
    {
        var offset = Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hh\\:mm", System.Globalization.CultureInfo.InvariantCulture);
    }
}
