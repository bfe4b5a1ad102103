using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Pitlane.Modules.Messaging.Email;

/// <summary>Provider's answer: its id for the message and the status ("sent" by SMTP, "stored" in the built-in outbox).</summary>
public sealed record EmailSendOutcome(string ProviderId, string Status);

public interface IEmailSender
{
    string Name { get; }

    Task<EmailSendOutcome> SendAsync(Guid messageId, string to, string subject, string text, string html, CancellationToken ct);
}

/// <summary>The embedded profile's default: the message is kept in the thread and on the outbox page, and nothing is sent.</summary>
internal sealed class OutboxEmailSender : IEmailSender
{
    public string Name => "outbox";

    public Task<EmailSendOutcome> SendAsync(Guid messageId, string to, string subject, string text, string html, CancellationToken ct) =>
        Task.FromResult(new EmailSendOutcome($"outbox-{messageId:N}", "stored"));
}

/// <summary>SMTP (RFC 5321) through MailKit: multipart/alternative with a plain-text and an HTML part (RFC 2046).</summary>
internal sealed class SmtpEmailSender(CustomerMessagingOptions options) : IEmailSender
{
    public string Name => "smtp";

    public async Task<EmailSendOutcome> SendAsync(Guid messageId, string to, string subject, string text, string html, CancellationToken ct)
    {
        var smtp = options.Smtp;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var domain = smtp.From[(smtp.From.IndexOf('@', StringComparison.Ordinal) + 1)..];
        message.MessageId = $"{messageId:N}@{domain}";
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        var security = smtp.Security switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return new EmailSendOutcome(message.MessageId, "sent");
    }
}
