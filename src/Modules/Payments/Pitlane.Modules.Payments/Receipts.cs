using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Accounts.Contracts;
using Pitlane.Modules.Payments.Simulator;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;
using Pitlane.Reports;

namespace Pitlane.Modules.Payments;

public sealed record ReceiptView(Guid IntentId, string PayeeName, string? Description, long Amount, long Refunded, string Currency, string Status, string? Card, DateTime PaidAt);

/// <summary>A person's receipts: the intents they paid, as a list and as PDF.</summary>
public sealed class Receipts(PaymentService payments, IOrganizationDirectory organizations, BuiltInProcessor simulator)
{
    public async Task<ListPage<ReceiptView>> OfAsync(Guid customerId, PageRequest page, CancellationToken ct)
    {
        var paid = await payments.PaidByAsync(customerId, page, ct);
        var names = await organizations.NamesOfAsync(paid.Items.Select(i => i.PayeeOrganizationId).Distinct().ToList(), ct);
        var items = new List<ReceiptView>();
        foreach (var i in paid.Items)
        {
            items.Add(new ReceiptView(i.Id, names.GetValueOrDefault(i.PayeeOrganizationId) ?? "Unknown", i.Description, i.AmountReceived, i.AmountRefunded, i.Currency,
                i.Status, await CardAsync(i.PaymentMethod, ct), i.UpdatedAt));
        }
        return new ListPage<ReceiptView>(items, paid.Page, paid.PageSize, paid.Total);
    }

    public async Task<byte[]?> PdfAsync(Guid customerId, Guid intentId, CancellationToken ct)
    {
        if (await payments.ForCustomerAsync(intentId, customerId, claim: false, ct) is not { CustomerId: not null, AmountReceived: > 0 } intent)
        {
            return null;
        }
        var currency = intent.Currency.ToUpperInvariant();
        var refunds = await payments.RefundsOfAsync(intent.Id, ct);
        var method = intent.PaymentMethod is { } pm ? await CardDetailsAsync(pm, ct) : null;
        return PaymentReceiptRenderer.Render(new PaymentReceipt(
            $"R-{intent.Id.ToString("N")[..12].ToUpperInvariant()}",
            await organizations.NameOfAsync(intent.PayeeOrganizationId, ct) ?? "Unknown",
            intent.Description,
            intent.UpdatedAt,
            new Money(intent.AmountReceived, currency),
            new Money(intent.AmountRefunded, currency),
            method?.Brand, method?.Last4,
            refunds.Select(r => (new DateTimeOffset(r.CreatedAt, TimeSpan.Zero), new Money(r.Amount, currency))).ToList()));
    }

    private async Task<string?> CardAsync(string? paymentMethod, CancellationToken ct) =>
        paymentMethod is not null && await CardDetailsAsync(paymentMethod, ct) is { } card ? $"{card.Brand} ···· {card.Last4}" : null;

    /// <summary>Brand and last four digits, as a processor's payment-method lookup answers them (never the number).</summary>
    private async Task<(string Brand, string Last4)?> CardDetailsAsync(string paymentMethod, CancellationToken ct)
    {
        if (TestCards.Tokens.TryGetValue(paymentMethod, out var token))
        {
            return (token.Brand, token.Last4);
        }
        return await simulator.PaymentMethodAsync(paymentMethod, ct) is { } method ? (method.Brand, method.Last4) : null;
    }
}

/// <summary>/api/v1/me/payments: the signed-in person's receipts, whatever organisation they paid.</summary>
public static class ReceiptEndpoints
{
    public static IEndpointRouteBuilder MapReceiptEndpoints(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/v1/me/payments").WithTags("Payments").RequireAuthorization();
        me.MapGet("/", List);
        me.MapGet("/{id:guid}/receipt.pdf", Pdf);
        return routes;
    }

    private static async Task<IResult> List(HttpContext http, Receipts receipts, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return http.User.UserId() is { } user ? TypedResults.Ok(await receipts.OfAsync(user, paging, ct)) : Problems.Unauthorized("Sign in first.");
    }

    private static async Task<IResult> Pdf(Guid id, HttpContext http, Receipts receipts, CancellationToken ct) =>
        http.User.UserId() is { } user && await receipts.PdfAsync(user, id, ct) is { } pdf
            ? TypedResults.File(pdf, "application/pdf", $"receipt-{id:N}.pdf")
            : Problems.NotFound("No such receipt.");
}
