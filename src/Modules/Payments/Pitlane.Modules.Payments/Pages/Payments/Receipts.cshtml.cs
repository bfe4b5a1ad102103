using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

/// <summary>The signed-in person's receipts and the cards they paid with (brand and last four digits only).</summary>
public sealed class ReceiptsModel(Receipts receipts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Paid { get; set; }

    public IReadOnlyList<ReceiptView> Items { get; private set; } = [];

    public IReadOnlyList<string> Cards { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.UserId() is { } user)
        {
            Items = (await receipts.OfAsync(user, new PageRequest(1, 100), ct)).Items;
            Cards = Items.Select(i => i.Card).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        }
    }
}
