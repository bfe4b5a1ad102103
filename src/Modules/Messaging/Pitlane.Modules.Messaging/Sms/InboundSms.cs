using System.Security;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Messaging.FollowUps;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Modules.Shop.Contracts;

namespace Pitlane.Modules.Messaging.Sms;

/// <summary>What an inbound text did: stored (or a replay of one already stored), and the TwiML reply.</summary>
public sealed record InboundOutcome(bool Duplicate, Guid? MessageId, string? Reply)
{
    /// <summary>TwiML: &lt;Response/&gt; (no reply) or one &lt;Message&gt;.</summary>
    public string TwiML => Reply is null ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
        : $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{SecurityElement.Escape(Reply)}</Message></Response>";
}

/// <summary>
/// Texts from customers (Twilio's inbound webhook, or the simulator's phone page) and message status reports. Applied
/// once: an inbound MessageSid already stored is a replay; a status never moves a message back.
/// </summary>
public sealed class InboundSms(MessagingDbContext db, IShopCustomerDirectory customers, Messenger messenger, MessagingSettingsStore settings, TimeProvider time)
{
    public async Task<InboundOutcome> ReceiveAsync(Guid organizationId, string messageSid, string from, string to, string body, CancellationToken ct)
    {
        if (await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ProviderId == messageSid, ct) is { } known)
        {
            return new InboundOutcome(true, known.Id, null);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var matches = await customers.FindByPhoneAsync(organizationId, from, ct);
        var customer = matches.Count > 0 ? matches[0] : null;
        var phone = customer?.PhoneE164 ?? from;
        Conversation conversation;
        if (customer is not null)
        {
            conversation = await messenger.ConversationOfAsync(organizationId, customer, ct);
        }
        else
        {
            conversation = await db.Conversations.FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.CustomerId == null && c.Phone == from, ct)
                ?? db.Conversations.Add(Conversation.Start(organizationId, null, from, from, now)).Entity;
        }
        var message = Message.Inbound(conversation, "sms", from, to, body, messageSid, now);
        db.Messages.Add(message);
        conversation.Touch(message, customer?.Name ?? from);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same webhook delivered twice at once: the other request stored it (MessageSid is unique).
            db.ChangeTracker.Clear();
            return new InboundOutcome(true, null, null);
        }
        var shop = await settings.GetAsync(organizationId, ct);
        var name = shop.ShopName.Length > 0 ? shop.ShopName : "Your repair shop";
        string? reply = null;
        switch (SmsKeywords.Of(body))
        {
            case SmsKeyword.Stop:
                await messenger.OptOutAsync(organizationId, phone, "SMS STOP reply", ct);
                await CancelFollowUpsAsync(organizationId, matches, ct);
                // Twilio's own opt-out confirmation answers STOP; a second reply would be refused (21610).
                break;
            case SmsKeyword.Start:
                await messenger.OptInAsync(organizationId, phone, "SMS START reply", ct);
                reply = $"{name}: you will get our texts again. Reply STOP to stop, HELP for help.";
                break;
            case SmsKeyword.Help:
                reply = $"{name}: reply to this text to reach our service team. Reply STOP to stop texts.";
                break;
        }
        if (reply is not null)
        {
            var answer = Message.Outbound(conversation, "sms", from, to, null, reply, null, "keyword", null, null, now);
            answer.Accepted($"twiml-{message.Id:N}", "sent", now);
            db.Messages.Add(answer);
            conversation.Touch(answer, customer?.Name ?? from);
            await db.SaveChangesAsync(ct);
        }
        await messenger.PublishAsync(message, ct);
        return new InboundOutcome(false, message.Id, reply);
    }

    private async Task CancelFollowUpsAsync(Guid organizationId, IReadOnlyList<ShopCustomerContact> matches, CancellationToken ct)
    {
        var ids = matches.Select(m => (Guid?)m.Id).ToList();
        foreach (var followUp in await db.FollowUps.Where(f => f.OrganizationId == organizationId && ids.Contains(f.CustomerId) && f.Status == "scheduled").ToListAsync(ct))
        {
            followUp.Cancel("The customer replied STOP.");
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A status report (Twilio's StatusCallback, or the simulator's); false when unknown or not a step forward.</summary>
    public async Task<bool> StatusAsync(Guid organizationId, string messageSid, string status, string? errorCode, CancellationToken ct)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.ProviderId == messageSid, ct);
        if (message is null)
        {
            return false;
        }
        var applied = message.Apply(status, string.IsNullOrEmpty(errorCode) ? null : errorCode, ErrorText(errorCode), time.GetUtcNow().UtcDateTime);
        if (!applied)
        {
            return false;
        }
        await db.SaveChangesAsync(ct);
        if (errorCode == "21610")
        {
            await messenger.OptOutAsync(organizationId, message.To, "Twilio error 21610 (opted out)", ct);
        }
        await messenger.PublishAsync(message, ct);
        return true;
    }

    private static string? ErrorText(string? code) => code switch
    {
        null or "" => null,
        "21610" => "The customer has opted out of texts (STOP).",
        "30003" => "The phone is switched off or unreachable.",
        "30005" => "The number does not exist.",
        "30006" => "The number cannot receive texts (a landline?).",
        "30007" => "The carrier filtered the text as spam.",
        _ => $"The text service reported error {code}.",
    };
}
