namespace Pitlane.Modules.Messaging.Threads;

/// <summary>One customer's thread with the shop (SMS and e-mail together), with what the inbox shows.</summary>
public sealed class Conversation
{
    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>Null for a number no customer has (a text from a stranger); the thread is then keyed by <see cref="Phone"/>.</summary>
    public Guid? CustomerId { get; private set; }

    public string? Phone { get; private set; }

    public string CustomerName { get; private set; } = "";

    public DateTime LastMessageAt { get; private set; }

    public string LastPreview { get; private set; } = "";

    /// <summary>Customer messages staff have not opened yet.</summary>
    public int Unread { get; private set; }

    public static Conversation Start(Guid organizationId, Guid? customerId, string? phone, string customerName, DateTime at) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = organizationId, CustomerId = customerId, Phone = phone, CustomerName = customerName, LastMessageAt = at,
    };

    public void Touch(Message message, string customerName)
    {
        ArgumentNullException.ThrowIfNull(message);
        CustomerName = customerName;
        LastMessageAt = message.CreatedAt;
        LastPreview = message.Body.Length > 140 ? message.Body[..140] : message.Body;
        if (message.Direction == MessageDirection.Inbound)
        {
            Unread++;
        }
    }

    public void MarkRead() => Unread = 0;
}

public enum MessageDirection
{
    Outbound,
    Inbound,
}

/// <summary>
/// One message of a thread. Outbound SMS move held → queued → sent → delivered (or failed/undelivered); a status never
/// moves back, so a replayed or late callback changes nothing (Twilio does not promise callback order).
/// </summary>
public sealed class Message
{
    private static readonly Dictionary<string, int> Rank = new(StringComparer.Ordinal)
    {
        ["held"] = 0, ["queued"] = 1, ["accepted"] = 1, ["scheduled"] = 1, ["sending"] = 2, ["sent"] = 3,
        ["delivered"] = 4, ["read"] = 5, ["undelivered"] = 4, ["failed"] = 4, ["canceled"] = 4, ["refused"] = 6,
        ["stored"] = 3, ["received"] = 4,
    };

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid? CustomerId { get; private set; }

    public Guid? RepairOrderId { get; private set; }

    public MessageDirection Direction { get; private set; }

    /// <summary>"sms" or "email".</summary>
    public string Channel { get; private set; } = "sms";

    public string To { get; private set; } = "";

    public string From { get; private set; } = "";

    public string? Subject { get; private set; }

    public string Body { get; private set; } = "";

    public string? HtmlBody { get; private set; }

    public string? Template { get; private set; }

    /// <summary>held, queued, sending, sent, delivered, undelivered, failed, refused (never sent: opted out), stored (e-mail outbox), received.</summary>
    public string Status { get; private set; } = "queued";

    /// <summary>The provider's id: Twilio's MessageSid (SM…), the SMTP Message-Id.</summary>
    public string? ProviderId { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? Error { get; private set; }

    public Guid? SentBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime StatusAt { get; private set; }

    /// <summary>For a held SMS: when quiet hours end and it goes out.</summary>
    public DateTime? SendAfter { get; private set; }

    public static Message Outbound(Conversation conversation, string channel, string to, string from, string? subject, string body, string? html,
        string? template, Guid? repairOrderId, Guid? sentBy, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new()
        {
            Id = Guid.NewGuid(), OrganizationId = conversation.OrganizationId, ConversationId = conversation.Id, CustomerId = conversation.CustomerId,
            RepairOrderId = repairOrderId, Direction = MessageDirection.Outbound, Channel = channel, To = to, From = from, Subject = subject, Body = body,
            HtmlBody = html, Template = template, SentBy = sentBy, CreatedAt = at, StatusAt = at, Status = "queued",
        };
    }

    public static Message Inbound(Conversation conversation, string channel, string from, string to, string body, string? providerId, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new()
        {
            Id = Guid.NewGuid(), OrganizationId = conversation.OrganizationId, ConversationId = conversation.Id, CustomerId = conversation.CustomerId,
            Direction = MessageDirection.Inbound, Channel = channel, From = from, To = to, Body = body, ProviderId = providerId, CreatedAt = at, StatusAt = at,
            Status = "received",
        };
    }

    public void Hold(DateTime until, DateTime at)
    {
        Status = "held";
        SendAfter = until;
        StatusAt = at;
    }

    public void Refuse(string why, string? code, DateTime at)
    {
        Status = "refused";
        Error = why;
        ErrorCode = code;
        StatusAt = at;
    }

    /// <summary>The provider took the message (queued, or stored for the outbox).</summary>
    public void Accepted(string providerId, string status, DateTime at)
    {
        ProviderId = providerId;
        Status = status;
        SendAfter = null;
        StatusAt = at;
    }

    /// <summary>Applies a provider status; false when it would move the message back (replayed or out-of-order callbacks).</summary>
    public bool Apply(string status, string? errorCode, string? error, DateTime at)
    {
        if (!Rank.TryGetValue(status, out var next) || !Rank.TryGetValue(Status, out var now) || next <= now)
        {
            return false;
        }
        Status = status;
        ErrorCode = errorCode ?? ErrorCode;
        Error = error ?? Error;
        StatusAt = at;
        return true;
    }

    public static bool KnownStatus(string status) => Rank.ContainsKey(status);
}

/// <summary>A number that texted STOP (or that Twilio reported as opted out, 21610): nothing is sent to it until START.</summary>
public sealed class SmsOptOut
{
    public Guid OrganizationId { get; set; }

    public string Phone { get; set; } = "";

    public DateTime At { get; set; }

    public string Source { get; set; } = "";
}

/// <summary>A shop's messaging settings: its time zone and quiet hours (minutes after local midnight).</summary>
public sealed class ShopMessagingSettings
{
    public Guid OrganizationId { get; set; }

    public string TimeZone { get; set; } = "UTC";

    public int QuietStartMinute { get; set; }

    public int QuietEndMinute { get; set; }

    public bool RemindersEnabled { get; set; } = true;

    public string ShopName { get; set; } = "";
}
