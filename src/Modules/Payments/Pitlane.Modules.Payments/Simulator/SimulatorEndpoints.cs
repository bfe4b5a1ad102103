using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Platform;

namespace Pitlane.Modules.Payments.Simulator;

/// <summary>
/// The built-in processor's own pages, standing where Stripe's hosted checkout and 3-D Secure pages stand: the card
/// number is typed here, kept here (only brand and last four digits), and exchanged for a pm_ token. Pitlane's own
/// pages and API never receive a card number; they learn the outcome by signed webhook. Authorised by the intent's
/// client secret, as Stripe.js is.
/// </summary>
public static class SimulatorEndpoints
{
    public static IEndpointRouteBuilder MapSimulatorEndpoints(this IEndpointRouteBuilder routes)
    {
        var simulator = routes.MapGroup("/simulator").WithTags("Payment processor simulator").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        simulator.MapGet("/page.css", () => Results.Text(Css, "text/css; charset=utf-8"));
        simulator.MapGet("/checkout/{id}", Checkout);
        simulator.MapPost("/checkout/{id}", Pay);
        simulator.MapGet("/authenticate/{id}", Challenge);
        simulator.MapPost("/authenticate/{id}", Authenticate);
        return routes;
    }

    private static async Task<IResult> Checkout(string id, string? client_secret, string? return_url, string? error, BuiltInProcessor processor, CancellationToken ct)
    {
        if (await IntentAsync(processor, id, client_secret, ct) is not { } intent)
        {
            return Problems.NotFound("No such payment, or the link is not valid.");
        }
        var done = intent.Status is IntentStatus.Succeeded or IntentStatus.RequiresCapture or IntentStatus.Canceled;
        var body = done
            ? $"<p class=\"ok\">This payment is {Enc(intent.Status.Replace('_', ' '))}.</p>{Back(return_url)}"
            : $"""
              <form method="post" autocomplete="off">
                <input type="hidden" name="client_secret" value="{Enc(client_secret!)}">
                <input type="hidden" name="return_url" value="{Enc(return_url ?? "")}">
                <label>Card number<input name="number" inputmode="numeric" required maxlength="23" placeholder="4242 4242 4242 4242"></label>
                <div class="row">
                  <label>Expiry (MM/YY)<input name="expiry" required maxlength="5" placeholder="12/34"></label>
                  <label>CVC<input name="cvc" inputmode="numeric" required maxlength="4" placeholder="123"></label>
                </div>
                {(string.IsNullOrEmpty(error) ? "" : $"<p class=\"error\" role=\"alert\">{Enc(error)}</p>")}
                <button type="submit">Pay {Enc(Format(intent.Amount, intent.Currency))}</button>
              </form>
              <details><summary>Test cards</summary><ul>
                <li>4242 4242 4242 4242: succeeds</li><li>4000 0000 0000 0002: declined</li><li>4000 0000 0000 9995: insufficient funds</li>
                <li>4000 0000 0000 3220: 3-D Secure</li><li>4000 0000 0000 0259: succeeds, then disputed</li></ul></details>
              """;
        return Page("Pay", Format(intent.Amount, intent.Currency), body);
    }

    private static async Task<IResult> Pay(string id, HttpRequest request, BuiltInProcessor processor, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var secret = form["client_secret"].ToString();
        var returnUrl = form["return_url"].ToString();
        if (await IntentAsync(processor, id, secret, ct) is not { } intent)
        {
            return Problems.NotFound("No such payment, or the link is not valid.");
        }
        var number = new string(form["number"].ToString().Where(char.IsAsciiDigit).ToArray());
        var expiry = form["expiry"].ToString().Split('/', StringSplitOptions.TrimEntries);
        var now = time.GetUtcNow();
        string? error = null;
        if (number.Length is < 12 or > 19 || !TestCards.PassesLuhn(number))
        {
            error = "Your card number is invalid.";
        }
        else if (expiry.Length != 2 || !int.TryParse(expiry[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12
            || !int.TryParse(expiry[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || 2000 + year < now.Year || (2000 + year == now.Year && month < now.Month))
        {
            error = "Your card's expiration date is invalid or in the past.";
        }
        else if (form["cvc"].ToString() is not { Length: 3 or 4 } cvc || !cvc.All(char.IsAsciiDigit))
        {
            error = "Your card's security code is invalid.";
        }
        else
        {
            var method = await processor.CreatePaymentMethodAsync(number, month, 2000 + year, null, ct);
            try
            {
                var state = await processor.ConfirmAsync(intent.Id, method, $"checkout:{intent.Id}:{method}", ct);
                if (state.NextActionUrl is { } next)
                {
                    return Results.Redirect($"{next}&return_url={Uri.EscapeDataString(returnUrl)}");
                }
                if (state.ErrorMessage is { } declined)
                {
                    error = declined;
                }
                else
                {
                    return Done(returnUrl, state.Status);
                }
            }
            catch (ProcessorRejectedException e)
            {
                error = e.Message;
            }
        }
        return Results.Redirect($"/simulator/checkout/{Uri.EscapeDataString(id)}?client_secret={Uri.EscapeDataString(secret)}&return_url={Uri.EscapeDataString(returnUrl)}&error={Uri.EscapeDataString(error ?? "")}");
    }

    private static async Task<IResult> Challenge(string id, string? client_secret, string? return_url, BuiltInProcessor processor, CancellationToken ct)
    {
        if (await IntentAsync(processor, id, client_secret, ct) is not { } intent)
        {
            return Problems.NotFound("No such payment, or the link is not valid.");
        }
        return Page("3-D Secure", Format(intent.Amount, intent.Currency), $"""
            <p>Your bank asks you to confirm this payment (simulated 3-D Secure 2 challenge).</p>
            <form method="post">
              <input type="hidden" name="client_secret" value="{Enc(client_secret!)}">
              <input type="hidden" name="return_url" value="{Enc(return_url ?? "")}">
              <button type="submit" name="outcome" value="pass">Complete authentication</button>
              <button type="submit" name="outcome" value="fail" class="secondary">Fail authentication</button>
            </form>
            """);
    }

    private static async Task<IResult> Authenticate(string id, HttpRequest request, BuiltInProcessor processor, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var secret = form["client_secret"].ToString();
        if (await IntentAsync(processor, id, secret, ct) is null)
        {
            return Problems.NotFound("No such payment, or the link is not valid.");
        }
        var state = await processor.CompleteAuthenticationAsync(id, secret, form["outcome"] == "pass", ct);
        return Done(form["return_url"].ToString(), state.Status);
    }

    /// <summary>The intent when the client secret matches (constant time), else null: a wrong secret looks like no intent.</summary>
    private static async Task<SimIntent?> IntentAsync(BuiltInProcessor processor, string id, string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || id.Length > 100 || await processor.IntentForPageAsync(id, ct) is not { } intent)
        {
            return null;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(intent.ClientSecret), Encoding.UTF8.GetBytes(secret)) ? intent : null;
    }

    /// <summary>Back to the merchant's page (a local path only: no open redirect), or a plain result page.</summary>
    private static IResult Done(string? returnUrl, string status) => IsLocal(returnUrl)
        ? Results.Redirect(returnUrl!)
        : Page("Payment", status.Replace('_', ' '), $"<p class=\"ok\">Payment {Enc(status.Replace('_', ' '))}.</p>");

    private static string Back(string? returnUrl) => IsLocal(returnUrl) ? $"<p><a href=\"{Enc(returnUrl!)}\">Back to the shop</a></p>" : "";

    private static bool IsLocal(string? url) => !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    public static string Format(long amount, string currency) =>
        $"{(amount / 100m).ToString("N2", CultureInfo.InvariantCulture)} {currency.ToUpperInvariant()}";

    private static string Enc(string value) => HtmlEncoder.Default.Encode(value);

    // A stylesheet file, not a <style> element: the host's Content-Security-Policy allows styles from 'self' only.
    private const string Css = """
          body{font-family:system-ui,sans-serif;background:#eef1f5;margin:0;display:flex;justify-content:center;padding:2rem 1rem;color:#1c2430}
          main{background:#fff;max-width:26rem;width:100%;border-radius:12px;box-shadow:0 2px 12px #0002;padding:1.5rem}
          h1{font-size:1.1rem;margin:0 0 .25rem}.amount{font-size:1.8rem;font-weight:600;margin:0 0 1rem}
          label{display:block;font-size:.85rem;margin:.6rem 0;color:#485366}input{display:block;width:100%;box-sizing:border-box;font-size:1.05rem;padding:.6rem;border:1px solid #c3cad6;border-radius:6px;margin-top:.25rem}
          .row{display:flex;gap:.75rem}.row label{flex:1}button{width:100%;margin-top:1rem;padding:.75rem;font-size:1rem;border:0;border-radius:6px;background:#4f46e5;color:#fff;cursor:pointer}
          button.secondary{background:#e5e7eb;color:#1c2430}.error{color:#b42318}.ok{color:#067647;font-weight:600}
          .badge{font-size:.75rem;background:#fef3c7;color:#92400e;border-radius:4px;padding:.1rem .4rem}details{margin-top:1rem;font-size:.85rem;color:#485366}
        """;

    private static IResult Page(string title, string subtitle, string body) => Results.Content($$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Enc(title)}} · Pitlane payment simulator</title>
        <link rel="stylesheet" href="/simulator/page.css"></head>
        <body><main><p><span class="badge">Test mode · built-in processor</span></p><h1>{{Enc(title)}}</h1><p class="amount">{{Enc(subtitle)}}</p>{{body}}</main></body></html>
        """, "text/html; charset=utf-8");
}
