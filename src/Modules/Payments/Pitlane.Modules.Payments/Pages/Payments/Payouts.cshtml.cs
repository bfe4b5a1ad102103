using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

public sealed class PayoutsModel(PageOrganization organizations, LedgerBook ledger, PayoutService payouts) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanPayOut { get; private set; }

    public IReadOnlyList<CurrencyBalance> Balances { get; private set; } = [];

    public IReadOnlyList<Payout> Payouts { get; private set; } = [];

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Currency { get; set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanPayOut)
        {
            return Forbid();
        }
        var currency = (Currency ?? "").Trim().ToLowerInvariant();
        long? amount = null;
        if (!string.IsNullOrWhiteSpace(Amount) && (amount = MoneyText.ParseMajor(Amount, currency.Length == 3 ? currency : "usd")) is null)
        {
            Error = "Enter an amount such as 150.00, or leave it empty to pay out everything available.";
            return Page();
        }
        var (payout, errors, conflict) = await payouts.CreateAsync(Organization!.Id, amount, currency, automatic: false, ct);
        if (payout is null)
        {
            Error = conflict ?? string.Join(" ", errors!.SelectMany(e => e.Value));
            return Page();
        }
        Message = $"Payout of {MoneyText.Format(payout.Amount, payout.Currency)} created; it is sent to your bank on the next payout run.";
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = Organization is not null && PaymentsPermissions.View.Allows(Organization.Role);
        CanPayOut = Organization is not null && PaymentsPermissions.Payout.Allows(Organization.Role);
        if (!Allowed)
        {
            return;
        }
        Balances = PaymentsIndexModel.ToCurrencyBalances(await ledger.BalancesAsync(AccountOwner.Organization, Organization!.Id, ct));
        Payouts = (await payouts.ListAsync(Organization.Id, new PageRequest(1, 100), ct)).Items;
    }
}
