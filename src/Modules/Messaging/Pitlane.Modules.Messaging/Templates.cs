using System.Net;

namespace Pitlane.Modules.Messaging;

/// <summary>What a template makes: the SMS text, or the e-mail subject with plain text and simple HTML.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html);

/// <summary>
/// The customer-facing wording, in plain language (no "RO", no "authorise"): "approval" (values link, vehicle), "invoice"
/// (link, amount), "reminder" (text, optional link), "text" (body: a message a person wrote). Values go into HTML encoded.
/// </summary>
public static class Templates
{
    public static readonly string[] Names = ["approval", "invoice", "reminder", "text"];

    /// <summary>The rendered message, or the missing value's name.</summary>
    public static (RenderedMessage? Message, string? Missing) Render(string template, IReadOnlyDictionary<string, string> values, string shop, string? optOutLink)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? V(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        switch (template)
        {
            case "approval":
                if (V("link") is not { } link)
                {
                    return (null, "link");
                }
                var vehicle = V("vehicle") ?? "your vehicle";
                return (Build($"{shop}: your inspection results", $"Hi, it's {shop}. We've looked over {vehicle}. See photos and prices, and choose what you'd like us to do: {link}",
                    [$"We've looked over {vehicle}.", "You can see the photos and the price of each job, and choose what you'd like us to do."], ("See the results", link), null), null);
            case "invoice":
                if (V("link") is not { } invoiceLink)
                {
                    return (null, "link");
                }
                var amount = V("amount");
                var owed = amount is null ? "Your bill is ready" : $"Your bill of {amount} is ready";
                return (Build($"{shop}: your bill", $"Hi, it's {shop}. {owed}. View and pay here: {invoiceLink}",
                    [$"{owed}. Thank you for choosing us."], ("View and pay", invoiceLink), null), null);
            case "reminder":
                if (V("text") is not { } text)
                {
                    return (null, "text");
                }
                var more = V("link");
                var sms = $"{shop}: {text}" + (more is null ? "" : $" {more}") + " Reply STOP to opt out.";
                return (Build($"{shop}: a reminder", sms, [text], more is null ? null : ("Book a visit", more), optOutLink), null);
            case "text":
                if (V("body") is not { } body)
                {
                    return (null, "body");
                }
                return (Build(V("subject") ?? $"A message from {shop}", body, body.Split('\n'), null, null), null);
            default:
                return (null, "template");
        }
    }

    private static RenderedMessage Build(string subject, string text, IEnumerable<string> paragraphs, (string Label, string Href)? button, string? optOutLink)
    {
        var html = new System.Text.StringBuilder("<!doctype html><html><body style=\"font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#222\">");
        foreach (var p in paragraphs)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(p)).Append("</p>");
        }
        var plain = text;
        if (button is { } b)
        {
            html.Append("<p><a href=\"").Append(WebUtility.HtmlEncode(b.Href))
                .Append("\" style=\"display:inline-block;padding:10px 18px;background:#0d6efd;color:#fff;text-decoration:none;border-radius:6px\">")
                .Append(WebUtility.HtmlEncode(b.Label)).Append("</a></p>");
        }
        if (optOutLink is not null)
        {
            html.Append("<p style=\"font-size:13px;color:#666\">Don't want reminders? <a href=\"").Append(WebUtility.HtmlEncode(optOutLink)).Append("\">Stop them here</a>.</p>");
            plain += $"\n\nDon't want reminders? Stop them here: {optOutLink}";
        }
        html.Append("</body></html>");
        return new RenderedMessage(subject, plain, html.ToString());
    }
}
