using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Payments;

/// <summary>Pitlane:Payments settings: which processor takes the money, and the payout schedule.</summary>
public sealed class PaymentsOptions : IModuleOptions
{
    /// <summary>"builtin" (the simulator, the default) or "stripe".</summary>
    public string Processor { get; set; } = "builtin";

    public BuiltInProcessorOptions BuiltIn { get; set; } = new();

    public StripeOptions Stripe { get; set; } = new();

    public SubscriptionOptions Subscriptions { get; set; } = new();

    /// <summary>How often pending payouts are sent and in-transit ones settled.</summary>
    public int PayoutScheduleMinutes { get; set; } = 60;

    /// <summary>Whether each run also pays out every positive payee balance (a daily payout schedule at 1440).</summary>
    public bool AutomaticPayouts { get; set; } = true;

    /// <summary>How often the simulator delivers its due webhooks.</summary>
    public int WebhookDeliveryMilliseconds { get; set; } = 250;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (Processor is not ("builtin" or "stripe"))
        {
            faults.Add("Pitlane:Payments:Processor must be builtin or stripe.");
        }
        if (Processor == "stripe")
        {
            if (string.IsNullOrWhiteSpace(Stripe.SecretKey))
            {
                faults.Add("Pitlane:Payments:Stripe:SecretKey is required when Pitlane:Payments:Processor is stripe.");
            }
            if (string.IsNullOrWhiteSpace(Stripe.WebhookSecret))
            {
                faults.Add("Pitlane:Payments:Stripe:WebhookSecret (whsec_...) is required when Pitlane:Payments:Processor is stripe.");
            }
        }
        if (Stripe.ApiBase is { Length: > 0 } api && !Uri.TryCreate(api, UriKind.Absolute, out _))
        {
            faults.Add("Pitlane:Payments:Stripe:ApiBase must be an absolute URL.");
        }
        if (PayoutScheduleMinutes is < 1 or > 10_080)
        {
            faults.Add("Pitlane:Payments:PayoutScheduleMinutes must be between 1 and 10080.");
        }
        if (Subscriptions.RetryHours.Length > 10 || Subscriptions.RetryHours.Any(h => h is < 1 or > 720))
        {
            faults.Add("Pitlane:Payments:Subscriptions:RetryHours is at most 10 waits of 1 to 720 hours each.");
        }
        if (Subscriptions.TrialEndWithoutCard is not ("invoice" or "cancel"))
        {
            faults.Add("Pitlane:Payments:Subscriptions:TrialEndWithoutCard must be invoice or cancel.");
        }
        if (WebhookDeliveryMilliseconds is < 10 or > 60_000)
        {
            faults.Add("Pitlane:Payments:WebhookDeliveryMilliseconds must be between 10 and 60000.");
        }
    }
}

public sealed class BuiltInProcessorOptions
{
    /// <summary>The simulator's webhook signing secret; derived from the server secret when empty.</summary>
    public string? WebhookSecret { get; set; }
}

public sealed class StripeOptions
{
    public string? SecretKey { get; set; }

    /// <summary>pk_...: the hosted page then uses Stripe Elements so card data goes from the browser to Stripe only.</summary>
    public string? PublishableKey { get; set; }

    public string? WebhookSecret { get; set; }

    /// <summary>Another API base than https://api.stripe.com (tests point it at an in-process fake).</summary>
    public string? ApiBase { get; set; }
}

public sealed class SubscriptionOptions
{
    /// <summary>
    /// Dunning: hours to wait after each failed renewal attempt before the next (default 1, 3 and 5 days after the
    /// previous one, Stripe's suggested custom schedule); after the last failure the subscription is unpaid.
    /// </summary>
    public int[] RetryHours { get; set; } = [24, 72, 120];

    /// <summary>
    /// What the end of a trial without a saved card does (Stripe's trial_settings.end_behavior.missing_payment_method):
    /// "invoice" (the default) bills the first period, pauses the features (unpaid) and waits for the customer to pay on
    /// the payment page; "cancel" ends the subscription.
    /// </summary>
    public string TrialEndWithoutCard { get; set; } = "invoice";
}
