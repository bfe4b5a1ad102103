using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

public sealed class StatementModel(PageOrganization organizations, Statements statements) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public bool Allowed { get; private set; }

    public ListPage<StatementLine>? Lines { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var org = await organizations.CurrentAsync(ct);
        Allowed = org is not null && PaymentsPermissions.View.Allows(org.Role);
        if (Allowed)
        {
            Lines = await statements.OfAsync(AccountOwner.Organization, org!.Id, null, new PageRequest(Math.Clamp(PageNumber, 1, 100_000), 50), ct);
        }
    }

    public static string KindName(string kind) => kind switch
    {
        "capture" => "Payment received",
        "refund" => "Refund",
        "dispute" => "Dispute",
        "payout" => "Payout to your bank",
        "payout_paid" => "Payout arrived",
        "payout_failed" => "Payout failed, returned to balance",
        "reversal" => "Correction",
        _ => kind,
    };

    public static string AccountName(string code) => code switch
    {
        AccountCode.PayeePayable => "Balance",
        AccountCode.PayoutsInTransit => "Payouts in transit",
        AccountCode.CustomerFunds => "Customer funds",
        _ => code.Replace('_', ' '),
    };
}
