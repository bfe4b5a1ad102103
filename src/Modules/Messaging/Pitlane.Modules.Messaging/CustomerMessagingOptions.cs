using Pitlane.Platform;
using Pitlane.Platform.Modules;

namespace Pitlane.Modules.Messaging;

/// <summary>
/// The "Pitlane:CustomerMessaging" section. ("Pitlane:Messaging" is the kernel's integration-event bus.) The offline
/// defaults are the built-in SMS simulator and the built-in e-mail outbox: nothing leaves the machine until an
/// installation configures Twilio and SMTP.
/// </summary>
public sealed class CustomerMessagingOptions : IModuleOptions
{
    public const string Section = "Pitlane:CustomerMessaging";

    /// <summary>"simulator" (built in: the phone page plays the customer) or "twilio".</summary>
    public string SmsProvider { get; set; } = "simulator";

    /// <summary>"outbox" (built in: stored and shown on the outbox page, never sent) or "smtp".</summary>
    public string EmailProvider { get; set; } = "outbox";

    public TwilioOptions Twilio { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The shop's time zone for quiet hours and reminder times until a shop sets its own (IANA, e.g. America/Chicago).</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>Quiet hours by default, local "HH:mm" (SMS written in them wait until they end); a shop may change them.</summary>
    public string DefaultQuietStart { get; set; } = "21:00";

    public string DefaultQuietEnd { get; set; } = "08:00";

    /// <summary>Inbound texts and status callbacks per client address per minute (the webhooks need no login).</summary>
    public int WebhookRequestsPerMinute { get; set; } = 600;

    public const string WebhookRateLimitPolicy = "messaging-webhooks";

    /// <summary>Days after a job is declined before its reminder goes out.</summary>
    public int DeclinedReminderDays { get; set; } = 14;

    public void Validate(List<string> faults, PitlaneOptions platform)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (SmsProvider is not ("simulator" or "twilio"))
        {
            faults.Add($"{Section}:SmsProvider must be simulator or twilio, not '{SmsProvider}'.");
        }
        if (EmailProvider is not ("outbox" or "smtp"))
        {
            faults.Add($"{Section}:EmailProvider must be outbox or smtp, not '{EmailProvider}'.");
        }
        if (SmsProvider == "twilio")
        {
            if (string.IsNullOrWhiteSpace(Twilio.AccountSid) || !Twilio.AccountSid.StartsWith("AC", StringComparison.Ordinal))
            {
                faults.Add($"{Section}:Twilio:AccountSid is required with SmsProvider twilio and starts with AC.");
            }
            if (string.IsNullOrWhiteSpace(Twilio.AuthToken))
            {
                faults.Add($"{Section}:Twilio:AuthToken is required with SmsProvider twilio (it signs the webhooks).");
            }
            if (string.IsNullOrWhiteSpace(Twilio.From) && string.IsNullOrWhiteSpace(Twilio.MessagingServiceSid))
            {
                faults.Add($"{Section}:Twilio:From (an E.164 number) or {Section}:Twilio:MessagingServiceSid is required with SmsProvider twilio.");
            }
            if (Twilio.ApiBase is { Length: > 0 } api && !AbsoluteHttp(api))
            {
                faults.Add($"{Section}:Twilio:ApiBase must be an absolute http(s) URL, not '{api}'.");
            }
            if (Twilio.WebhookBaseUrl is { Length: > 0 } hook && !AbsoluteHttp(hook))
            {
                faults.Add($"{Section}:Twilio:WebhookBaseUrl must be an absolute http(s) URL, not '{hook}'.");
            }
            if (string.IsNullOrWhiteSpace(Twilio.WebhookBaseUrl) && string.IsNullOrWhiteSpace(platform?.PublicBaseUrl))
            {
                faults.Add($"{Section}:Twilio:WebhookBaseUrl (or Pitlane:PublicBaseUrl) is required with SmsProvider twilio: Twilio calls it back and signs that address.");
            }
        }
        if (EmailProvider == "smtp")
        {
            if (string.IsNullOrWhiteSpace(Smtp.Host))
            {
                faults.Add($"{Section}:Smtp:Host is required with EmailProvider smtp.");
            }
            if (Smtp.Port is < 1 or > 65535)
            {
                faults.Add($"{Section}:Smtp:Port must be between 1 and 65535, not {Smtp.Port}.");
            }
            if (Smtp.Security is not ("auto" or "none" or "starttls" or "tls"))
            {
                faults.Add($"{Section}:Smtp:Security must be auto, none, starttls or tls, not '{Smtp.Security}'.");
            }
        }
        if (string.IsNullOrWhiteSpace(Smtp.From) || !Smtp.From.Contains('@', StringComparison.Ordinal))
        {
            faults.Add($"{Section}:Smtp:From must be an e-mail address, not '{Smtp.From}'.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            faults.Add($"{Section}:DefaultTimeZone must be an IANA time zone such as Europe/Berlin, not '{DefaultTimeZone}'.");
        }
        if (QuietHours.ParseClock(DefaultQuietStart) is null)
        {
            faults.Add($"{Section}:DefaultQuietStart must be a time of day HH:mm, not '{DefaultQuietStart}'.");
        }
        if (QuietHours.ParseClock(DefaultQuietEnd) is null)
        {
            faults.Add($"{Section}:DefaultQuietEnd must be a time of day HH:mm, not '{DefaultQuietEnd}'.");
        }
        if (WebhookRequestsPerMinute is < 1 or > 1_000_000)
        {
            faults.Add($"{Section}:WebhookRequestsPerMinute must be between 1 and 1000000, not {WebhookRequestsPerMinute}.");
        }
        if (DeclinedReminderDays is < 1 or > 365)
        {
            faults.Add($"{Section}:DeclinedReminderDays must be between 1 and 365, not {DeclinedReminderDays}.");
        }
    }

    private static bool AbsoluteHttp(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}

public sealed class TwilioOptions
{
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The shop's sending number in E.164.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>Where the REST API is; empty: Twilio's own (https://api.twilio.com). Tests point it at a fake.</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// The public address Twilio calls (and signs) the webhooks on, e.g. https://shop.example.com. Empty:
    /// Pitlane:PublicBaseUrl, else the address the request came in on.
    /// </summary>
    public string? WebhookBaseUrl { get; set; }
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>"auto" (STARTTLS when offered), "none", "starttls" (required) or "tls" (implicit, port 465).</summary>
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "shop@pitlane.local";

    public string FromName { get; set; } = "Pitlane";

    public int TimeoutSeconds { get; set; } = 30;
}
