using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments.Processing;

namespace Pitlane.Modules.Payments.Simulator;

/// <summary>
/// The embedded profile's payment processor: behaves like Stripe for the test cards (success, decline, insufficient
/// funds, 3-D Secure required, succeeds-then-disputes), keeps its own records in its own transaction (as a remote
/// processor would), charges a 2.9 % + 30 fee, and tells Pitlane what happened by signed webhooks.
/// </summary>
public sealed class BuiltInProcessor(IServiceScopeFactory scopes, TimeProvider time) : IPaymentProcessor
{
    /// <summary>How long after a dispute-card charge succeeds the dispute is opened.</summary>
    public static readonly TimeSpan DisputeDelay = TimeSpan.FromSeconds(2);

    public string Name => "builtin";

    public static long FeeOf(long amount) => amount == 0 ? 0 : ((amount * 29) + 500) / 1000 + 30;

    public Task<ProcessorIntent> CreateIntentAsync(ProcessorIntentRequest request, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            if (await db.SimIntents.FirstOrDefaultAsync(i => i.IdempotencyKey == idempotencyKey, ct) is { } existing)
            {
                return View(existing);
            }
            var intent = new SimIntent
            {
                Id = NewId("pi"),
                ClientSecret = NewId("secret"),
                IdempotencyKey = idempotencyKey,
                PitlaneIntentId = request.PitlaneIntentId,
                Amount = request.Amount,
                Currency = request.Currency,
                CaptureMethod = request.CaptureMethod,
                Status = IntentStatus.RequiresPaymentMethod,
                ApplicationFeeAmount = request.ApplicationFeeAmount,
                Destination = request.Destination,
                CreatedAt = Now,
            };
            intent.ClientSecret = $"{intent.Id}_{intent.ClientSecret}";
            db.SimIntents.Add(intent);
            await db.SaveChangesAsync(ct);
            return View(intent);
        });

    public Task<ProcessorIntent> ConfirmAsync(string intentId, string paymentMethod, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var intent = await FindAsync(db, intentId, ct);
            if (intent.Status is not (IntentStatus.RequiresPaymentMethod or IntentStatus.RequiresConfirmation or IntentStatus.RequiresAction))
            {
                throw new ProcessorRejectedException($"This PaymentIntent's status is {intent.Status}; it cannot be confirmed.");
            }
            var behavior = await BehaviorOfAsync(db, paymentMethod, ct)
                ?? throw new ProcessorRejectedException($"No such PaymentMethod: '{paymentMethod}'.");
            intent.PaymentMethod = paymentMethod;
            intent.ErrorCode = null;
            intent.ErrorMessage = null;
            switch (behavior)
            {
                case TestCards.Decline:
                    Fail(db, intent, "card_declined", "Your card was declined.");
                    break;
                case TestCards.InsufficientFunds:
                    Fail(db, intent, "insufficient_funds", "Your card has insufficient funds.");
                    break;
                case TestCards.ThreeDSecure when intent.Status != IntentStatus.RequiresAction:
                    intent.Status = IntentStatus.RequiresAction;
                    Emit(db, "payment_intent.requires_action", intent);
                    break;
                default:
                    Authorize(db, intent, behavior);
                    break;
            }
            intent.Version++;
            await db.SaveChangesAsync(ct);
            return View(intent);
        });

    /// <summary>The customer passed (or failed) the 3-D Secure challenge on the simulator's page.</summary>
    public Task<ProcessorIntent> CompleteAuthenticationAsync(string intentId, string clientSecret, bool passed, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var intent = await FindAsync(db, intentId, ct);
            if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(intent.ClientSecret), System.Text.Encoding.UTF8.GetBytes(clientSecret)))
            {
                throw new ProcessorRejectedException("The client secret does not match this PaymentIntent.");
            }
            if (intent.Status != IntentStatus.RequiresAction)
            {
                return View(intent);
            }
            if (passed)
            {
                Authorize(db, intent, TestCards.Success);
            }
            else
            {
                Fail(db, intent, "payment_intent_authentication_failure", "The customer failed 3-D Secure authentication.");
            }
            intent.Version++;
            await db.SaveChangesAsync(ct);
            return View(intent);
        });

    public Task<ProcessorIntent> CaptureAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var intent = await FindAsync(db, intentId, ct);
            if (intent.Status == IntentStatus.Succeeded && intent.AmountReceived == amount)
            {
                return View(intent);
            }
            if (intent.Status != IntentStatus.RequiresCapture || amount <= 0 || amount > intent.AmountCapturable)
            {
                throw new ProcessorRejectedException($"This PaymentIntent ({intent.Status}) cannot capture {amount}: amount_capturable is {intent.AmountCapturable}.");
            }
            Capture(db, intent, amount);
            intent.Version++;
            await db.SaveChangesAsync(ct);
            return View(intent);
        });

    public Task<ProcessorIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var intent = await FindAsync(db, intentId, ct);
            if (intent.Status == IntentStatus.Canceled)
            {
                return View(intent);
            }
            if (intent.Status is IntentStatus.Succeeded or IntentStatus.Processing)
            {
                throw new ProcessorRejectedException($"This PaymentIntent's status is {intent.Status}; it cannot be canceled.");
            }
            intent.Status = IntentStatus.Canceled;
            intent.AmountCapturable = 0;
            intent.Version++;
            Emit(db, "payment_intent.canceled", intent);
            await db.SaveChangesAsync(ct);
            return View(intent);
        });

    public Task<ProcessorIntent> GetIntentAsync(string intentId, CancellationToken ct) =>
        InSimulatorAsync(async db => View(await FindAsync(db, intentId, ct)));

    public Task<ProcessorRefund> RefundAsync(string intentId, long amount, string? reason, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            if (await db.SimRefunds.FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, ct) is { } done)
            {
                return new ProcessorRefund(done.Id, done.IntentId, done.Amount, done.Status);
            }
            var intent = await FindAsync(db, intentId, ct);
            if (intent.Status != IntentStatus.Succeeded || amount <= 0 || amount > intent.AmountReceived - intent.AmountRefunded)
            {
                throw new ProcessorRejectedException($"Refund amount {amount} is greater than the unrefunded amount {intent.AmountReceived - intent.AmountRefunded}.");
            }
            intent.AmountRefunded += amount;
            intent.Version++;
            var refund = new SimRefund { Id = NewId("re"), IdempotencyKey = idempotencyKey, IntentId = intent.Id, Amount = amount, Status = "succeeded", CreatedAt = Now };
            db.SimRefunds.Add(refund);
            db.SimBalanceTransactions.Add(new SimBalanceTransaction { Id = NewId("txn"), Type = "refund", Amount = -amount, Currency = intent.Currency, Source = refund.Id, CreatedAt = Now });
            Emit(db, "refund.created", RefundObject(refund, intent));
            await db.SaveChangesAsync(ct);
            return new ProcessorRefund(refund.Id, intent.Id, amount, refund.Status);
        });

    public Task<ProcessorPayout> CreatePayoutAsync(Guid payee, long amount, string currency, string idempotencyKey, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            if (await db.SimPayouts.FirstOrDefaultAsync(p => p.IdempotencyKey == idempotencyKey, ct) is { } done)
            {
                return PayoutView(done);
            }
            var payout = new SimPayout
            {
                Id = NewId("po"), IdempotencyKey = idempotencyKey, Destination = payee, Amount = amount, Currency = currency,
                Status = "in_transit", CreatedAt = Now, ArrivalDate = Now,
            };
            db.SimPayouts.Add(payout);
            await db.SaveChangesAsync(ct);
            return PayoutView(payout);
        });

    /// <summary>Bank transfers of the simulator arrive at once: an in-transit payout is paid when next asked about.</summary>
    public Task<ProcessorPayout> GetPayoutAsync(string payoutId, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var payout = await db.SimPayouts.FirstOrDefaultAsync(p => p.Id == payoutId, ct) ?? throw new ProcessorRejectedException($"No such payout: '{payoutId}'.");
            if (payout.Status == "in_transit" && payout.ArrivalDate <= Now)
            {
                payout.Status = "paid";
                // The simulator books a payout when it arrives (Stripe books it when created; reconciliation allows for in-transit payouts).
                db.SimBalanceTransactions.Add(new SimBalanceTransaction { Id = NewId("txn"), Type = "payout", Amount = -payout.Amount, Currency = payout.Currency, Source = payout.Id, CreatedAt = Now });
                Emit(db, "payout.paid", PayoutObject(payout));
                await db.SaveChangesAsync(ct);
            }
            return PayoutView(payout);
        });

    public Task<IReadOnlyList<ProcessorBalanceTransaction>> BalanceTransactionsAsync(DateTime since, CancellationToken ct) =>
        InSimulatorAsync<IReadOnlyList<ProcessorBalanceTransaction>>(async db =>
            (await db.SimBalanceTransactions.Where(t => t.CreatedAt >= since).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct))
                .Select(t => new ProcessorBalanceTransaction(t.Id, t.Type, t.Amount, t.Fee, t.Currency, t.Source, t.CreatedAt)).ToList());

    /// <summary>Card entry on the simulator's own page: the number stays here; Pitlane only ever sees the pm_ token.</summary>
    public Task<string> CreatePaymentMethodAsync(string number, int expMonth, int expYear, Guid? customerId, CancellationToken ct) =>
        InSimulatorAsync(async db =>
        {
            var behavior = TestCards.Numbers.TryGetValue(number, out var known) ? known : (TestCards.Success, "visa");
            var method = new SimPaymentMethod
            {
                Id = NewId("pm"), Behavior = behavior.Item1, Brand = behavior.Item2, Last4 = number[^4..], ExpMonth = expMonth, ExpYear = expYear,
                CustomerId = customerId, CreatedAt = Now,
            };
            db.SimPaymentMethods.Add(method);
            await db.SaveChangesAsync(ct);
            return method.Id;
        });

    public Task<SimPaymentMethod?> PaymentMethodAsync(string id, CancellationToken ct) =>
        InSimulatorAsync(db => db.SimPaymentMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct));

    public Task<IReadOnlyList<SimPaymentMethod>> PaymentMethodsOfAsync(Guid customerId, CancellationToken ct) =>
        InSimulatorAsync<IReadOnlyList<SimPaymentMethod>>(async db =>
            await db.SimPaymentMethods.AsNoTracking().Where(m => m.CustomerId == customerId).OrderByDescending(m => m.CreatedAt).ToListAsync(ct));

    public Task<SimIntent?> IntentForPageAsync(string intentId, CancellationToken ct) =>
        InSimulatorAsync(db => db.SimIntents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == intentId, ct));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private void Authorize(PaymentsDbContext db, SimIntent intent, string behavior)
    {
        if (intent.CaptureMethod == "manual")
        {
            intent.Status = IntentStatus.RequiresCapture;
            intent.AmountCapturable = intent.Amount;
            Emit(db, "payment_intent.amount_capturable_updated", intent);
        }
        else
        {
            intent.AmountCapturable = intent.Amount;
            Capture(db, intent, intent.Amount);
        }
        if (behavior == TestCards.Dispute)
        {
            var dispute = new JsonObject
            {
                ["id"] = NewId("dp"), ["object"] = "dispute", ["amount"] = intent.Amount, ["currency"] = intent.Currency,
                ["payment_intent"] = intent.Id, ["reason"] = "fraudulent", ["status"] = "needs_response",
            };
            Emit(db, "charge.dispute.created", dispute, DisputeDelay);
            db.SimBalanceTransactions.Add(new SimBalanceTransaction
            {
                Id = NewId("txn"), Type = "adjustment", Amount = -intent.Amount, Currency = intent.Currency, Source = dispute["id"]!.GetValue<string>(), CreatedAt = Now + DisputeDelay,
            });
        }
    }

    private void Capture(PaymentsDbContext db, SimIntent intent, long amount)
    {
        intent.Status = IntentStatus.Succeeded;
        intent.AmountReceived = amount;
        intent.AmountCapturable = 0;
        intent.Fee = FeeOf(amount);
        db.SimBalanceTransactions.Add(new SimBalanceTransaction
        {
            Id = NewId("txn"), Type = "charge", Amount = amount, Fee = intent.Fee, Currency = intent.Currency, Source = intent.Id, CreatedAt = Now,
        });
        Emit(db, "payment_intent.succeeded", intent);
    }

    private void Fail(PaymentsDbContext db, SimIntent intent, string code, string message)
    {
        intent.Status = IntentStatus.RequiresPaymentMethod;
        intent.ErrorCode = code;
        intent.ErrorMessage = message;
        Emit(db, "payment_intent.payment_failed", intent);
    }

    private static async Task<string?> BehaviorOfAsync(PaymentsDbContext db, string paymentMethod, CancellationToken ct)
    {
        if (TestCards.Tokens.TryGetValue(paymentMethod, out var token))
        {
            return token.Behavior;
        }
        return await db.SimPaymentMethods.Where(m => m.Id == paymentMethod).Select(m => m.Behavior).FirstOrDefaultAsync(ct);
    }

    private static async Task<SimIntent> FindAsync(PaymentsDbContext db, string id, CancellationToken ct) =>
        await db.SimIntents.FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new ProcessorRejectedException($"No such PaymentIntent: '{id}'.");

    private void Emit(PaymentsDbContext db, string type, SimIntent intent) => Emit(db, type, IntentObject(intent));

    private void Emit(PaymentsDbContext db, string type, JsonObject data, TimeSpan? delay = null)
    {
        var id = NewId("evt");
        var created = time.GetUtcNow();
        var payload = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = "2025-01-27.acacia",
            ["created"] = created.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = data },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        db.SimEvents.Add(new SimEvent
        {
            Id = id, Type = type, Payload = payload.ToJsonString(), CreatedAt = created.UtcDateTime, DueAt = (created + (delay ?? TimeSpan.Zero)).UtcDateTime,
        });
    }

    internal static JsonObject IntentObject(SimIntent intent) => new()
    {
        ["id"] = intent.Id,
        ["object"] = "payment_intent",
        ["amount"] = intent.Amount,
        ["amount_capturable"] = intent.AmountCapturable,
        ["amount_received"] = intent.AmountReceived,
        ["application_fee_amount"] = intent.ApplicationFeeAmount,
        ["capture_method"] = intent.CaptureMethod,
        ["currency"] = intent.Currency,
        ["status"] = intent.Status,
        ["payment_method"] = intent.PaymentMethod,
        ["last_payment_error"] = intent.ErrorCode is null ? null : new JsonObject { ["code"] = intent.ErrorCode, ["message"] = intent.ErrorMessage },
        ["metadata"] = new JsonObject { ["pitlane_intent_id"] = intent.PitlaneIntentId.ToString() },
        ["x_fee"] = intent.Fee,
    };

    private static JsonObject RefundObject(SimRefund refund, SimIntent intent) => new()
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["currency"] = intent.Currency,
        ["payment_intent"] = intent.Id,
        ["status"] = refund.Status,
        ["metadata"] = new JsonObject { ["pitlane_intent_id"] = intent.PitlaneIntentId.ToString() },
    };

    private static JsonObject PayoutObject(SimPayout payout) => new()
    {
        ["id"] = payout.Id,
        ["object"] = "payout",
        ["amount"] = payout.Amount,
        ["currency"] = payout.Currency,
        ["status"] = payout.Status,
        ["failure_code"] = payout.FailureCode,
    };

    private ProcessorIntent View(SimIntent i) => new(
        i.Id, i.Status, i.AmountCapturable, i.AmountReceived, i.Fee, i.PaymentMethod, i.ErrorCode, i.ErrorMessage,
        i.Status == IntentStatus.RequiresAction ? $"/simulator/authenticate/{i.Id}?client_secret={Uri.EscapeDataString(i.ClientSecret)}" : null,
        i.ClientSecret);

    private static ProcessorPayout PayoutView(SimPayout p) => new(p.Id, p.Amount, p.Currency, p.Status, p.FailureCode);

    private static string NewId(string prefix) => $"{prefix}_sim_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    private async Task<T> InSimulatorAsync<T>(Func<PaymentsDbContext, Task<T>> work)
    {
        // A fresh scope: the simulator commits on its own, like a processor on the other side of the network.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        try
        {
            return await work(db);
        }
        catch (DbUpdateConcurrencyException e)
        {
            throw new ProcessorRejectedException($"Another request changed this object at the processor at the same time; retry. ({e.Entries.Count} rows)");
        }
    }
}
