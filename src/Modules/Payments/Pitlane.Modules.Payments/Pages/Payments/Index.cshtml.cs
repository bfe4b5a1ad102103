using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

/// <summary>Per currency: what the organisation is owed (available), what is on its way to the bank, and what it owes back.</summary>
public sealed record CurrencyBalance(string Currency, long Available, long InTransit);

public sealed class PaymentsIndexModel(PageOrganization organizations, LedgerBook ledger, PaymentService payments) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public IReadOnlyList<CurrencyBalance> Balances { get; private set; } = [];

    public IReadOnlyList<PaymentIntentView> Intents { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = Organization is not null && PaymentsPermissions.View.Allows(Organization.Role);
        if (!Allowed)
        {
            return;
        }
        Balances = ToCurrencyBalances(await ledger.BalancesAsync(AccountOwner.Organization, Organization!.Id, ct));
        Intents = (await payments.ListAsync(Organization.Id, new PageRequest(1, 50), null, ct)).Items;
    }

    internal static IReadOnlyList<CurrencyBalance> ToCurrencyBalances(IReadOnlyList<AccountBalance> accounts) =>
        accounts.GroupBy(a => a.Currency, StringComparer.Ordinal).Select(g => new CurrencyBalance(g.Key,
            -g.Where(a => a.Code == AccountCode.PayeePayable).Sum(a => a.Balance),
            -g.Where(a => a.Code == AccountCode.PayoutsInTransit).Sum(a => a.Balance))).ToList();
}
