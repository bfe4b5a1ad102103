using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pitlane.Modules.Payments.Subscriptions;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Pages.Payments;

/// <summary>The organisation's subscriptions (as a subscriber) and, for owners and managers, the plans it sells.</summary>
public sealed class SubscriptionsModel(PageOrganization organizations, SubscriptionService subscriptions) : PageModel
{
    public MeOrganization? Organization { get; private set; }

    public bool Allowed { get; private set; }

    public bool CanSubscribe { get; private set; }

    public bool CanManagePlans { get; private set; }

    public IReadOnlyList<(Subscription Subscription, Plan Plan)> Mine { get; private set; } = [];

    public Dictionary<Guid, SubscriptionInvoice?> OpenInvoices { get; } = [];

    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    public IReadOnlyList<(Subscription Subscription, Plan Plan)> Subscribers { get; private set; } = [];

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Monthly { get; set; }
    [BindProperty] public string? Annual { get; set; }
    [BindProperty] public string? Currency { get; set; }
    [BindProperty] public int? TrialDays { get; set; }
    [BindProperty] public Guid SubscriptionId { get; set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostPlanAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanManagePlans)
        {
            return Forbid();
        }
        var currency = (Currency ?? "usd").Trim().ToLowerInvariant();
        long? monthly = string.IsNullOrWhiteSpace(Monthly) ? null : MoneyText.ParseMajor(Monthly, currency);
        long? annual = string.IsNullOrWhiteSpace(Annual) ? null : MoneyText.ParseMajor(Annual, currency);
        if ((!string.IsNullOrWhiteSpace(Monthly) && monthly is null) || (!string.IsNullOrWhiteSpace(Annual) && annual is null))
        {
            Error = "Enter prices such as 29.00.";
            return Page();
        }
        var code = string.IsNullOrWhiteSpace(Code) ? Slug(Name) : Code;
        var (plan, errors, conflict) = await subscriptions.CreatePlanAsync(Organization!.Id, new NewPlan(code, Name, null, currency, monthly, annual, TrialDays, null), ct);
        if (plan is null)
        {
            Error = conflict ?? string.Join(" ", errors!.SelectMany(e => e.Value));
            return Page();
        }
        Message = $"Plan “{plan.Name}” created. Share its sign-up page: {Request.Scheme}://{Request.Host}/Payments/Plans/{Organization.Id}";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct) => await ChangeAsync(id => subscriptions.CancelAsync(Organization!.Id, id, atPeriodEnd: true, ct),
        "The subscription stops at the end of the current period.", ct);

    public async Task<IActionResult> OnPostResumeAsync(CancellationToken ct) => await ChangeAsync(id => subscriptions.ResumeAsync(Organization!.Id, id, ct),
        "The subscription continues.", ct);

    private async Task<IActionResult> ChangeAsync(Func<Guid, Task<SubscriptionResult>> change, string done, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!CanSubscribe)
        {
            return Forbid();
        }
        var result = await change(SubscriptionId);
        if (result.NotFound)
        {
            return NotFound();
        }
        if (result.Subscription is null)
        {
            Error = result.Conflict ?? "That did not work.";
        }
        else
        {
            Message = done;
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Organization = await organizations.CurrentAsync(ct);
        Allowed = Organization is not null && PaymentsPermissions.View.Allows(Organization.Role);
        CanSubscribe = Organization is not null && PaymentsPermissions.Subscribe.Allows(Organization.Role);
        CanManagePlans = Organization is not null && PaymentsPermissions.ManagePlans.Allows(Organization.Role);
        if (!Allowed)
        {
            return;
        }
        Mine = await subscriptions.SubscriptionsOfAsync(Organization!.Id, ct);
        OpenInvoices.Clear();
        foreach (var (s, _) in Mine)
        {
            OpenInvoices[s.Id] = (await subscriptions.InvoicesAsync(s.Id, ct)).FirstOrDefault(i => i.IsOpen);
        }
        Plans = await subscriptions.PlansOfAsync(Organization.Id, activeOnly: false, ct);
        Subscribers = await subscriptions.SubscribersOfAsync(Organization.Id, ct);
    }

    private static string Slug(string? name) =>
        new string((name ?? "").Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-') is { Length: > 0 } slug
            ? slug[..Math.Min(40, slug.Length)] : "plan";

    public static string StatusText(Subscription s) => s.Status switch
    {
        SubscriptionStatus.Trialing when s.PaymentMethod is null => $"Free trial until {s.TrialEnd:d MMM yyyy}; then pay the first invoice here to continue",
        SubscriptionStatus.Trialing => $"Free trial until {s.TrialEnd:d MMM yyyy}",
        SubscriptionStatus.Active when s.CancelAtPeriodEnd => $"Ends {s.CurrentPeriodEnd:d MMM yyyy}",
        SubscriptionStatus.Active => $"Renews {s.CurrentPeriodEnd:d MMM yyyy}",
        SubscriptionStatus.Incomplete => "Waiting for the first payment",
        SubscriptionStatus.PastDue => "Payment failed, we will try again",
        SubscriptionStatus.Unpaid => "Unpaid: features are paused until you pay",
        _ => $"Ended {s.EndedAt:d MMM yyyy}",
    };
}
