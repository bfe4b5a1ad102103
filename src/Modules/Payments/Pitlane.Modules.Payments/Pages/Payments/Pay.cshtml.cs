using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

/// <summary>
/// The customer's side of a payment link (/Payments/Pay/{id}). The card itself is typed on the processor's page: the
/// built-in processor's checkout, or Stripe Elements from js.stripe.com; this page never has a card field.
/// </summary>
public sealed class PayModel(PaymentService payments, IOrganizationDirectory organizations, PaymentsOptions options) : PageModel
{
    public PaymentIntent? Intent { get; private set; }

    public string PayeeName { get; private set; } = "";

    /// <summary>Where the payer goes afterwards: a page of this site (a booking, an order) given by the link, else Receipts.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Then { get; set; }

    public string Back(Guid intentId) =>
        Then is { Length: > 1 and <= 200 } then && then.StartsWith('/') && !then.StartsWith("//", StringComparison.Ordinal) && !then.Contains('\\', StringComparison.Ordinal)
            ? then : $"/Payments/Receipts?paid={intentId}";

    public string? StripePublishableKey => options.Processor == "stripe" ? options.Stripe.PublishableKey : null;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (User.UserId() is not { } user || await payments.ForCustomerAsync(id, user, claim: false, ct) is not { } intent)
        {
            return NotFound();
        }
        Intent = intent;
        PayeeName = await organizations.NameOfAsync(intent.PayeeOrganizationId, ct) ?? "";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (User.UserId() is not { } user || await payments.ForCustomerAsync(id, user, claim: true, ct) is not { } intent)
        {
            return NotFound();
        }
        if (intent.Processor != "builtin" || intent.CannotConfirm() is not null)
        {
            return RedirectToPage(new { id });
        }
        var back = Back(intent.Id);
        return Redirect($"/simulator/checkout/{Uri.EscapeDataString(intent.ProcessorId)}?client_secret={Uri.EscapeDataString(intent.ClientSecret!)}&return_url={Uri.EscapeDataString(back)}");
    }
}
