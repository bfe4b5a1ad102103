using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Messaging.Contracts;
using Pitlane.Modules.Messaging.Email;
using Pitlane.Modules.Messaging.Sms;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Messaging.Threads;

/// <summary>Sends a held or retried message when its time comes.</summary>
public sealed record SendMessageJob(Guid MessageId);

/// <summary>The built-in simulator's delivery report: the same status path as Twilio's callbacks.</summary>
public sealed record SimulatedDeliveryJob(string MessageSid);

/// <summary>
/// Every outbound message goes through here (staff replies, the approval link, invoices, reminders): the channel is chosen
/// from the customer's preference and consent, an opted-out number gets nothing, an SMS written in quiet hours waits
/// for their end (a scheduled job), and every message lands in the customer's thread and reaches the inbox live.
/// </summary>
public sealed class Messenger(
    MessagingDbContext db, IShopCustomerDirectory customers, ISmsSender sms, IEmailSender email, JobQueue jobs, ILiveChannel live,
    MessagingSettingsStore settings, IDataProtectionProvider protection, CustomerMessagingOptions options, IOptions<PitlaneOptions> platform,
    TimeProvider time, ILogger<Messenger> logger) : ICustomerMessenger
{
    public const string LiveMethod = "messaging";

    /// <summary>The purpose of opt-out link tokens ("org:customer").</summary>
    public const string OptOutPurpose = "Pitlane.Messaging.OptOut.v1";

    public async Task<MessageSendResult> SendAsync(CustomerMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Templates.Names.Contains(message.Template))
        {
            return new MessageSendResult(false, null, message.Channel, $"There is no message template called '{message.Template}'.");
        }
        if (message.Channel is not (null or "sms" or "email"))
        {
            return new MessageSendResult(false, null, message.Channel, "The channel must be sms or email.");
        }
        var customer = await customers.FindAsync(message.OrganizationId, message.CustomerId, ct);
        if (customer is null)
        {
            return new MessageSendResult(false, null, message.Channel, NoSuchCustomer);
        }
        var shop = await settings.GetAsync(message.OrganizationId, ct);
        var conversation = await ConversationOfAsync(message.OrganizationId, customer, ct);
        var channel = message.Channel ?? await ChannelOfAsync(customer, conversation, ct);
        if (channel is null)
        {
            return new MessageSendResult(false, null, null, $"{customer.Name} has no phone number or e-mail address they agreed to be contacted on.");
        }
        var optOut = message.Template == "reminder" ? OptOutLink(message.OrganizationId, customer.Id) : null;
        var (rendered, missing) = Templates.Render(message.Template, message.Values, shop.ShopName.Length > 0 ? shop.ShopName : "Your repair shop", optOut);
        if (rendered is null)
        {
            return new MessageSendResult(false, null, channel, $"The '{message.Template}' message needs a value for '{missing}'.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (channel == "sms")
        {
            if (customer.PhoneE164 is not { } phone)
            {
                return new MessageSendResult(false, null, channel, $"{customer.Name} has no mobile number we can text.");
            }
            if (await db.OptOuts.AnyAsync(o => o.OrganizationId == message.OrganizationId && o.Phone == phone, ct))
            {
                return new MessageSendResult(false, null, channel, $"{customer.Name} replied STOP to our texts; they get no texts until they reply START.");
            }
            // Texting needs the customer's consent; replying to a customer who texted us first is allowed (they started the conversation).
            if (!customer.SmsConsent && !await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.Channel == "sms", ct))
            {
                return new MessageSendResult(false, null, channel, $"{customer.Name} has not agreed to receive texts.");
            }
            var row = Message.Outbound(conversation, "sms", phone, sms.From, null, rendered.Text, null, message.Template, message.RepairOrderId, message.SentBy, now);
            var until = QuietHours.HeldUntil(now, TimeZoneInfo.FindSystemTimeZoneById(shop.TimeZone), shop.QuietStartMinute, shop.QuietEndMinute);
            if (until is { } later)
            {
                row.Hold(later, now);
            }
            db.Messages.Add(row);
            conversation.Touch(row, customer.Name);
            if (until is { } runAt)
            {
                jobs.Enqueue(db, message.OrganizationId, new SendMessageJob(row.Id), runAt);
            }
            await db.SaveChangesAsync(ct);
            if (until is null)
            {
                await DispatchSmsAsync(row, ct);
            }
            await PublishAsync(row, ct);
            return row.Status == "refused" || row.Status == "failed"
                ? new MessageSendResult(false, row.Id, "sms", row.Error ?? "The text could not be sent.")
                : new MessageSendResult(true, row.Id, "sms", Held: until is not null);
        }
        if (customer.Email is not { } address)
        {
            return new MessageSendResult(false, null, channel, $"{customer.Name} has no e-mail address.");
        }
        if (message.Template == "reminder" && !customer.EmailConsent)
        {
            return new MessageSendResult(false, null, channel, $"{customer.Name} has not agreed to receive e-mail reminders.");
        }
        var mail = Message.Outbound(conversation, "email", address, options.Smtp.From, rendered.Subject, rendered.Text, rendered.Html, message.Template,
            message.RepairOrderId, message.SentBy, now);
        db.Messages.Add(mail);
        conversation.Touch(mail, customer.Name);
        await db.SaveChangesAsync(ct);
        await DispatchEmailAsync(mail, ct);
        await PublishAsync(mail, ct);
        return mail.Status == "failed"
            ? new MessageSendResult(false, mail.Id, "email", mail.Error ?? "The e-mail could not be sent.")
            : new MessageSendResult(true, mail.Id, "email");
    }

    public const string NoSuchCustomer = "There is no such customer in this shop.";

    /// <summary>Sends a stored SMS (now, after quiet hours, or on retry); a number that opted out meanwhile gets nothing.</summary>
    public async Task DispatchSmsAsync(Message row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.OptOuts.AnyAsync(o => o.OrganizationId == row.OrganizationId && o.Phone == row.To, ct))
        {
            row.Refuse("The customer replied STOP before the text went out.", null, now);
            await db.SaveChangesAsync(ct);
            return;
        }
        SmsSendOutcome outcome;
        try
        {
            outcome = await sms.SendAsync(row.OrganizationId, row.Id, row.To, row.Body, StatusCallback(row.OrganizationId), ct);
        }
        catch (SmsProviderUnavailableException e)
        {
            logger.LogWarning(e, "SMS {Message} not sent yet; retrying in a minute", row.Id);
            row.Apply("queued", null, "Waiting to retry: the text service did not answer.", now);
            jobs.Enqueue(db, row.OrganizationId, new SendMessageJob(row.Id), now.AddMinutes(1));
            await db.SaveChangesAsync(ct);
            return;
        }
        if (outcome.OptedOut)
        {
            row.Refuse("The customer has opted out of texts from this number (STOP).", outcome.ErrorCode, now);
            await OptOutAsync(row.OrganizationId, row.To, "Twilio error 21610 (opted out)", ct);
        }
        else if (outcome.ProviderId is null)
        {
            row.Apply("failed", outcome.ErrorCode, outcome.Error ?? "The text service refused the message.", now);
        }
        else
        {
            row.Accepted(outcome.ProviderId, outcome.Status, now);
            if (sms is SimulatedSmsSender)
            {
                jobs.Enqueue(db, row.OrganizationId, new SimulatedDeliveryJob(outcome.ProviderId), now.AddSeconds(1));
            }
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task DispatchEmailAsync(Message mail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            var sent = await email.SendAsync(mail.Id, mail.To, mail.Subject ?? "", mail.Body, mail.HtmlBody ?? "", ct);
            mail.Accepted(sent.ProviderId, sent.Status, now);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            mail.Apply("failed", ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), $"The mail server refused it: {e.Message}", now);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException)
        {
            logger.LogWarning(e, "E-mail {Message} not sent yet; retrying in a minute", mail.Id);
            mail.Apply("queued", null, "Waiting to retry: the mail server did not answer.", now);
            jobs.Enqueue(db, mail.OrganizationId, new SendMessageJob(mail.Id), now.AddMinutes(1));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The number opted out: nothing more to it, held texts to it are dropped, the Shop records the withdrawn consent.</summary>
    public async Task OptOutAsync(Guid organizationId, string phone, string source, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (!await db.OptOuts.AnyAsync(o => o.OrganizationId == organizationId && o.Phone == phone, ct))
        {
            db.OptOuts.Add(new SmsOptOut { OrganizationId = organizationId, Phone = phone, At = now, Source = source });
        }
        foreach (var held in await db.Messages.Where(m => m.OrganizationId == organizationId && m.To == phone && m.Status == "held").ToListAsync(ct))
        {
            held.Refuse("The customer replied STOP before the text went out.", null, now);
        }
        await db.SaveChangesAsync(ct);
        foreach (var customer in await customers.FindByPhoneAsync(organizationId, phone, ct))
        {
            await customers.RecordConsentAsync(organizationId, customer.Id, "sms", false, source, ct);
        }
    }

    public async Task OptInAsync(Guid organizationId, string phone, string source, CancellationToken ct)
    {
        await db.OptOuts.Where(o => o.OrganizationId == organizationId && o.Phone == phone).ExecuteDeleteAsync(ct);
        foreach (var customer in await customers.FindByPhoneAsync(organizationId, phone, ct))
        {
            await customers.RecordConsentAsync(organizationId, customer.Id, "sms", true, source, ct);
        }
    }

    public async Task<Conversation> ConversationOfAsync(Guid organizationId, ShopCustomerContact customer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.CustomerId == customer.Id, ct);
        if (conversation is null)
        {
            conversation = Conversation.Start(organizationId, customer.Id, customer.PhoneE164, customer.Name, time.GetUtcNow().UtcDateTime);
            db.Conversations.Add(conversation);
        }
        return conversation;
    }

    private async Task<string?> ChannelOfAsync(ShopCustomerContact customer, Conversation conversation, CancellationToken ct)
    {
        var textable = customer.PhoneE164 is not null && (customer.SmsConsent
            || await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.Channel == "sms", ct));
        var mailable = customer.Email is not null;
        return customer.PreferredContact switch
        {
            "sms" when textable => "sms",
            "email" when mailable => "email",
            _ when textable => "sms",
            _ when mailable && customer.EmailConsent => "email",
            _ => null,
        };
    }

    public async Task PublishAsync(Message row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        await live.PublishAsync(LiveGroup.Organization(row.OrganizationId), LiveMethod,
            new { conversationId = row.ConversationId, customerId = row.CustomerId, messageId = row.Id, direction = row.Direction.ToString().ToLowerInvariant(), status = row.Status }, ct);
    }

    /// <summary>Where Twilio reports this organisation's message statuses (signed like every webhook).</summary>
    public Uri StatusCallback(Guid organizationId) => new($"{WebhookBase()}/api/v1/messaging/twilio/{organizationId:D}/status");

    public string WebhookBase() =>
        (options.Twilio.WebhookBaseUrl is { Length: > 0 } hook ? hook : platform.Value.PublicBaseUrl is { Length: > 0 } pub ? pub : "http://localhost").TrimEnd('/');

    public string OptOutLink(Guid organizationId, Guid customerId)
    {
        var token = protection.CreateProtector(OptOutPurpose).Protect($"{organizationId:N}:{customerId:N}");
        var baseUrl = (platform.Value.PublicBaseUrl is { Length: > 0 } pub ? pub : options.Twilio.WebhookBaseUrl is { Length: > 0 } hook ? hook : "http://localhost").TrimEnd('/');
        return $"{baseUrl}/reminders/stop/{Uri.EscapeDataString(token)}";
    }
}
