using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Platform;

namespace Pitlane.Modules.Payments;

/// <summary>
/// The payment intents of an organisation: each call asks the processor, takes its answer into the intent and writes the
/// ledger entry of any money that moved in the same SaveChanges. A webhook that applied the same change first wins the
/// optimistic-concurrency race; the call then answers the intent as the webhook left it.
/// </summary>
public sealed partial class PaymentService(PaymentsDbContext db, LedgerBook ledger, IPaymentProcessor processor, IOrganizationDirectory organizations, TimeProvider time) : IPayments
{
    /// <summary>Stripe's minimum charge is 50 minor units (USD 0.50); its maximum is eight digits.</summary>
    public const long MinAmount = 50;
    public const long MaxAmount = 99_999_999;

    internal LedgerBook Ledger => ledger;

    public async Task<PaymentResult> CreateIntentAsync(Guid organizationId, NewPaymentIntent request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request with { Currency = (request.Currency ?? "").Trim().ToLowerInvariant(), CaptureMethod = NormalizeCaptureMethod(request.CaptureMethod) };
        var check = new Validation()
            .Require(request.Amount is >= MinAmount and <= MaxAmount, "amount", $"amount must be between {MinAmount} and {MaxAmount} minor units.")
            .Require(CurrencyPattern().IsMatch(request.Currency), "currency", "currency must be a three-letter ISO 4217 code, e.g. usd.")
            .Require(request.CaptureMethod is "automatic" or "manual", "captureMethod", "captureMethod must be automatic or manual.")
            .Require(request.ApplicationFeeAmount >= 0 && request.ApplicationFeeAmount <= request.Amount, "applicationFeeAmount", "applicationFeeAmount must be between 0 and amount.")
            .Require(request.PaymentMethod is null || PaymentMethodPattern().IsMatch(request.PaymentMethod), "paymentMethod", "paymentMethod must be a processor token (pm_...); card numbers are never accepted.")
            .Require(!request.Confirm || request.PaymentMethod is not null, "paymentMethod", "Confirming needs a paymentMethod.")
            .Require(request.Description is null || request.Description.Length <= 500, "description", "description is at most 500 characters.")
            .Require(request.Reference is null || request.Reference.Length <= 200, "reference", "reference is at most 200 characters.");
        if (request.TransferDestination is { } destination && await organizations.NameOfAsync(destination, ct) is null)
        {
            check.Require(false, "transferDestination", "No such organisation.");
        }
        if (!check.IsValid)
        {
            return new PaymentResult(null, check.Errors);
        }

        var now = Now;
        var intent = PaymentIntent.Create(organizationId, request, processor.Name, now);
        var created = await processor.CreateIntentAsync(
            new ProcessorIntentRequest(intent.Id, intent.Amount, intent.Currency, intent.CaptureMethod, intent.ApplicationFeeAmount, intent.PayeeOrganizationId, intent.Description),
            $"create:{intent.Id}", ct);
        intent.AttachProcessor(created.Id, created.ClientSecret);
        intent.Apply(created, now);
        db.Intents.Add(intent);
        await db.SaveChangesAsync(ct);
        if (request.PaymentMethod is { } method)
        {
            if (!request.Confirm)
            {
                intent.Apply(created with { Status = IntentStatus.RequiresConfirmation, PaymentMethod = method }, Now);
                await db.SaveChangesAsync(ct);
                return new PaymentResult(intent.View());
            }
            return await ConfirmAsync(intent, method, ct);
        }
        return new PaymentResult(intent.View());
    }

    public async Task<PaymentResult> ConfirmAsync(Guid organizationId, Guid intentId, string? paymentMethod, CancellationToken ct)
    {
        if (paymentMethod is not null && !PaymentMethodPattern().IsMatch(paymentMethod))
        {
            return new PaymentResult(null, new Validation().Require(false, "paymentMethod", "paymentMethod must be a processor token (pm_...).").Errors);
        }
        if (await FindOwnedAsync(organizationId, intentId, ct) is not { } intent)
        {
            return PaymentResult.Missing;
        }
        if ((paymentMethod ?? intent.PaymentMethod) is not { } method)
        {
            return new PaymentResult(null, new Validation().Require(false, "paymentMethod", "This intent has no payment method yet; give one.").Errors);
        }
        return await ConfirmAsync(intent, method, ct);
    }

    /// <summary>Confirmation by the paying person (the hosted page), who becomes the intent's customer.</summary>
    public async Task<PaymentResult> ConfirmAsCustomerAsync(Guid intentId, Guid customerId, string paymentMethod, CancellationToken ct)
    {
        if (await db.Intents.FirstOrDefaultAsync(i => i.Id == intentId, ct) is not { } intent || (intent.CustomerId is { } c && c != customerId))
        {
            return PaymentResult.Missing;
        }
        intent.SetCustomer(customerId);
        return await ConfirmAsync(intent, paymentMethod, ct);
    }

    private async Task<PaymentResult> ConfirmAsync(PaymentIntent intent, string method, CancellationToken ct)
    {
        if (intent.CannotConfirm() is { } reason)
        {
            return new PaymentResult(null, Conflict: reason);
        }
        var state = await processor.ConfirmAsync(intent.ProcessorId, method, $"confirm:{intent.Id}:{intent.Version}", ct);
        return await ApplyAndSaveAsync(intent, state, ct);
    }

    public async Task<PaymentResult> CaptureAsync(Guid organizationId, Guid intentId, long? amount, CancellationToken ct)
    {
        if (amount is <= 0)
        {
            return new PaymentResult(null, new Validation().Require(false, "amountToCapture", "amountToCapture must be positive.").Errors);
        }
        if (await FindOwnedAsync(organizationId, intentId, ct) is not { } intent)
        {
            return PaymentResult.Missing;
        }
        var toCapture = amount ?? intent.AmountCapturable;
        if (intent.CannotCapture(toCapture) is { } reason)
        {
            return new PaymentResult(null, Conflict: reason);
        }
        var state = await processor.CaptureAsync(intent.ProcessorId, toCapture, $"capture:{intent.Id}", ct);
        return await ApplyAndSaveAsync(intent, state, ct);
    }

    public async Task<PaymentResult> CancelAsync(Guid organizationId, Guid intentId, CancellationToken ct)
    {
        if (await FindOwnedAsync(organizationId, intentId, ct) is not { } intent)
        {
            return PaymentResult.Missing;
        }
        if (intent.CannotCancel() is { } reason)
        {
            return new PaymentResult(null, Conflict: reason);
        }
        var state = await processor.CancelAsync(intent.ProcessorId, $"cancel:{intent.Id}", ct);
        return await ApplyAndSaveAsync(intent, state, ct);
    }

    public async Task<PaymentResult> RefundAsync(Guid organizationId, Guid intentId, long? amount, string? reason, CancellationToken ct)
    {
        var check = new Validation()
            .Require(amount is null or > 0, "amount", "amount must be positive.")
            .Require(reason is null or "duplicate" or "fraudulent" or "requested_by_customer", "reason", "reason must be duplicate, fraudulent or requested_by_customer.");
        if (!check.IsValid)
        {
            return new PaymentResult(null, check.Errors);
        }
        if (await FindOwnedAsync(organizationId, intentId, ct) is not { } intent)
        {
            return PaymentResult.Missing;
        }
        var toRefund = amount ?? intent.Refundable;
        if (intent.CannotRefund(toRefund) is { } why)
        {
            return new PaymentResult(null, Conflict: why);
        }
        var refund = await processor.RefundAsync(intent.ProcessorId, toRefund, reason, $"refund:{intent.Id}:{intent.AmountRefunded}:{toRefund}", ct);
        for (var attempt = 0; ; attempt++)
        {
            if (await db.Refunds.AnyAsync(r => r.ProcessorId == refund.Id, ct))
            {
                break; // the refund.created webhook recorded it
            }
            try
            {
                await RecordRefundAsync(intent, refund, reason, ct);
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another change to this intent committed first: record the refund on the fresh intent.
                db.ChangeTracker.Clear();
                intent = await db.Intents.FirstAsync(i => i.Id == intent.Id, ct);
            }
        }
        return new PaymentResult((await db.Intents.AsNoTracking().FirstAsync(i => i.Id == intent.Id, ct)).View());
    }

    /// <summary>The refund, the intent's refunded amounts and the ledger entry; the caller saves.</summary>
    internal async Task RecordRefundAsync(PaymentIntent intent, ProcessorRefund refund, string? reason, CancellationToken ct)
    {
        var payeePart = intent.RecordRefund(refund.Amount, Now);
        var row = new Refund(Guid.CreateVersion7(), intent.Id, intent.OrganizationId, refund.Id, refund.Amount, payeePart, intent.Currency, reason, refund.Status, Now);
        db.Refunds.Add(row);
        await ledger.RefundAsync(intent, row.Id, refund.Amount, payeePart, ct);
    }

    /// <summary>Takes a processor state into the intent and writes the capture entry if money moved; the caller saves.</summary>
    internal async Task ApplyAsync(PaymentIntent intent, ProcessorIntent state, DateTime? eventCreated, CancellationToken ct)
    {
        var captured = intent.Apply(state, Now, eventCreated);
        if (captured > 0)
        {
            await ledger.CaptureAsync(intent, captured, state.Fee, ct);
        }
    }

    private async Task<PaymentResult> ApplyAndSaveAsync(PaymentIntent intent, ProcessorIntent state, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await ApplyAsync(intent, state, null, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // Another change committed first (often the webhook of this very change, which then applies nothing
                // twice): take the processor's answer into the fresh intent.
                db.ChangeTracker.Clear();
                intent = await db.Intents.FirstAsync(i => i.Id == intent.Id, ct);
            }
        }
        return new PaymentResult((await db.Intents.AsNoTracking().FirstAsync(i => i.Id == intent.Id, ct)).View());
    }

    public async Task<PaymentIntentView?> FindAsync(Guid organizationId, Guid intentId, CancellationToken ct) =>
        (await db.Intents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == intentId && (i.OrganizationId == organizationId || i.PayeeOrganizationId == organizationId), ct))?.View();

    public async Task<ListPage<PaymentIntentView>> ListAsync(Guid organizationId, PageRequest page, string? status, CancellationToken ct)
    {
        var query = db.Intents.AsNoTracking().Where(i => i.OrganizationId == organizationId || i.PayeeOrganizationId == organizationId);
        if (status is not null)
        {
            query = query.Where(i => i.Status == status);
        }
        var found = await page.ApplyAsync(query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id), ct);
        return found.Map(i => i.View());
    }

    /// <summary>The intents a person paid (their receipts), newest first.</summary>
    public async Task<ListPage<PaymentIntentView>> PaidByAsync(Guid customerId, PageRequest page, CancellationToken ct) =>
        (await page.ApplyAsync(db.Intents.AsNoTracking().Where(i => i.CustomerId == customerId && i.AmountReceived > 0)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id), ct)).Map(i => i.View());

    /// <summary>
    /// The intent as the person paying it sees it (the hosted payment page): anyone signed in holding the link of an
    /// intent nobody has paid yet may pay it and becomes its customer; after that it is theirs alone.
    /// </summary>
    public async Task<PaymentIntent?> ForCustomerAsync(Guid intentId, Guid customerId, bool claim, CancellationToken ct)
    {
        var intent = await db.Intents.FirstOrDefaultAsync(i => i.Id == intentId, ct);
        if (intent is null || (intent.CustomerId is { } owner && owner != customerId))
        {
            return null;
        }
        if (claim && intent.CustomerId is null)
        {
            intent.SetCustomer(customerId);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return await ForCustomerAsync(intentId, customerId, claim: false, ct);
            }
        }
        return intent;
    }

    public async Task<IReadOnlyList<Refund>> RefundsOfAsync(Guid intentId, CancellationToken ct) =>
        await db.Refunds.AsNoTracking().Where(r => r.IntentId == intentId).OrderBy(r => r.CreatedAt).ToListAsync(ct);

    /// <summary>Only the organisation that created the intent changes it.</summary>
    private Task<PaymentIntent?> FindOwnedAsync(Guid organizationId, Guid intentId, CancellationToken ct) =>
        db.Intents.FirstOrDefaultAsync(i => i.Id == intentId && i.OrganizationId == organizationId, ct);

    private static string NormalizeCaptureMethod(string? method) => (method ?? "automatic").Trim().ToLowerInvariant() switch
    {
        "automatic_async" => "automatic",
        var m => m,
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>ISO 4217 in Stripe's lower case; shared by plans and subscriptions.</summary>
    [GeneratedRegex("^[a-z]{3}$")]
    internal static partial Regex CurrencyPattern();

    /// <summary>A processor token (pm_...): card numbers never reach Pitlane.</summary>
    [GeneratedRegex("^pm_[A-Za-z0-9_]{1,100}$")]
    internal static partial Regex PaymentMethodPattern();
}
