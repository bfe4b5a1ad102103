namespace Pitlane.Modules.Payments.Simulator;

// The built-in processor's own records (tables payments_sim_*). They stand for the processor's side of the wire: Pitlane's
// payment code never reads them; it talks to BuiltInProcessor through IPaymentProcessor and hears back by signed webhooks.

public sealed class SimPaymentMethod
{
    public string Id { get; set; } = "";

    /// <summary>What the test card does: success, decline, insufficient_funds, three_d_secure, dispute.</summary>
    public string Behavior { get; set; } = "";

    public string Brand { get; set; } = "";

    public string Last4 { get; set; } = "";

    public int ExpMonth { get; set; }

    public int ExpYear { get; set; }

    public Guid? CustomerId { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class SimIntent
{
    public string Id { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string? IdempotencyKey { get; set; }

    public Guid PitlaneIntentId { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public string CaptureMethod { get; set; } = "";

    public string Status { get; set; } = "";

    public long AmountCapturable { get; set; }

    public long AmountReceived { get; set; }

    public long AmountRefunded { get; set; }

    public long ApplicationFeeAmount { get; set; }

    public Guid Destination { get; set; }

    public long Fee { get; set; }

    public string? PaymentMethod { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public DateTime CreatedAt { get; set; }

    public long Version { get; set; }
}

public sealed class SimBalanceTransaction
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public long Amount { get; set; }

    public long Fee { get; set; }

    public string Currency { get; set; } = "";

    public string Source { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

public sealed class SimPayout
{
    public string Id { get; set; } = "";

    public string? IdempotencyKey { get; set; }

    public Guid Destination { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public string Status { get; set; } = "";

    public string? FailureCode { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ArrivalDate { get; set; }
}

public sealed class SimRefund
{
    public string Id { get; set; } = "";

    public string? IdempotencyKey { get; set; }

    public string IntentId { get; set; } = "";

    public long Amount { get; set; }

    public string Status { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>A webhook event the simulator owes Pitlane, delivered signed like Stripe's (WebhookDelivery).</summary>
public sealed class SimEvent
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public string Payload { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>Not before: a dispute arrives a while after its charge.</summary>
    public DateTime DueAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    public int Attempts { get; set; }
}

/// <summary>Stripe's test cards and test payment methods (docs.stripe.com/testing), as the simulator understands them.</summary>
public static class TestCards
{
    public const string Success = "success";
    public const string Decline = "decline";
    public const string InsufficientFunds = "insufficient_funds";
    public const string ThreeDSecure = "three_d_secure";
    public const string Dispute = "dispute";

    public static readonly IReadOnlyDictionary<string, (string Behavior, string Brand, string Last4)> Tokens = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = (Success, "visa", "4242"),
        ["pm_card_mastercard"] = (Success, "mastercard", "4444"),
        ["pm_card_chargeDeclined"] = (Decline, "visa", "0002"),
        ["pm_card_chargeDeclinedInsufficientFunds"] = (InsufficientFunds, "visa", "9995"),
        ["pm_card_threeDSecure2Required"] = (ThreeDSecure, "visa", "3220"),
        ["pm_card_createDispute"] = (Dispute, "visa", "0259"),
    };

    public static readonly IReadOnlyDictionary<string, (string Behavior, string Brand)> Numbers = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["4242424242424242"] = (Success, "visa"),
        ["5555555555554444"] = (Success, "mastercard"),
        ["4000000000000002"] = (Decline, "visa"),
        ["4000000000009995"] = (InsufficientFunds, "visa"),
        ["4000000000003220"] = (ThreeDSecure, "visa"),
        ["4000000000000259"] = (Dispute, "visa"),
    };

    /// <summary>ISO/IEC 7812 check digit (Luhn).</summary>
    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
