using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Payments.Webhooks;

/// <summary>The signing secret per webhook source: the simulator's (set, or derived from the server secret) and Stripe's whsec_.</summary>
public sealed class WebhookSecrets(PaymentsOptions options, IServerSecret serverSecret)
{
    private readonly Lazy<string> _builtIn = new(() => string.IsNullOrWhiteSpace(options.BuiltIn.WebhookSecret)
        ? "whsec_" + Convert.ToHexStringLower(serverSecret.DeriveKey("payments-builtin-webhooks", 32))
        : options.BuiltIn.WebhookSecret);

    public string BuiltIn => _builtIn.Value;

    public string? SecretOf(string source) => source switch
    {
        "builtin" => BuiltIn,
        "stripe" when !string.IsNullOrWhiteSpace(options.Stripe.WebhookSecret) => options.Stripe.WebhookSecret,
        _ => null,
    };
}
