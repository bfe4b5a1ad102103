using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Modules.Payments.Subscriptions;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

/// <summary>A provider's plans and the button to subscribe the current organisation; the first payment is on the hosted page.</summary>
[Authorize]
public sealed class PlansModel(PageOrganization organizations, IOrganizationDirectory directory, SubscriptionService subscriptions) : PageModel
{
    public string? ProviderName { get; private set; }

    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    public MeOrganization? Organization { get; private set; }

    public bool CanSubscribe { get; private set; }

    public string? Error { get; private set; }

    [BindProperty] public Guid PlanId { get; set; }
    [BindProperty] public string? Interval { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid providerId, CancellationToken ct) => await LoadAsync(providerId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid providerId, CancellationToken ct)
    {
        if (!await LoadAsync(providerId, ct))
        {
            return NotFound();
        }
        if (!CanSubscribe || User.UserId() is not { } user)
        {
            return Forbid();
        }
        var result = await subscriptions.SubscribeAsync(Organization!.Id, user, PlanId, Interval, paymentMethod: null, ct);
        if (result.Subscription is null)
        {
            Error = result.Conflict ?? string.Join(" ", result.Errors?.SelectMany(e => e.Value) ?? []);
            return Page();
        }
        return result.Invoice?.PayUrl is { } pay ? Redirect(pay) : Redirect("/Payments/Subscriptions");
    }

    private async Task<bool> LoadAsync(Guid providerId, CancellationToken ct)
    {
        ProviderName = await directory.NameOfAsync(providerId, ct);
        if (ProviderName is null)
        {
            return false;
        }
        Plans = await subscriptions.PlansOfAsync(providerId, activeOnly: true, ct);
        Organization = await organizations.CurrentAsync(ct);
        CanSubscribe = Organization is not null && Organization.Id != providerId && PaymentsPermissions.Subscribe.Allows(Organization.Role);
        return true;
    }
}
