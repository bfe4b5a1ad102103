namespace Pitlane.Modules.Messaging.Contracts;

/// <summary>
/// A message to a shop customer from a template the Messaging module owns.
/// Templates: "approval" (values: link, vehicle), "invoice" (link, amount), "reminder" (text, link optional).
/// </summary>
/// <param name="Channel">"sms", "email", or null for the customer's preferred channel (falling back to the one they consented to).</param>
/// <param name="RepairOrderId">The RO the message is about; the message appears in that RO's thread.</param>
/// <param name="SentBy">The staff user sending it; null for the system (reminders).</param>
public sealed record CustomerMessage(
    Guid OrganizationId,
    Guid CustomerId,
    string Template,
    IReadOnlyDictionary<string, string> Values,
    string? Channel = null,
    Guid? RepairOrderId = null,
    Guid? SentBy = null);

/// <summary>
/// Sent (queued to the provider) or refused. <paramref name="Refused"/> says why in words a person can read: opted out,
/// no consent, no phone number, unknown template. A message held for quiet hours counts as sent, with <paramref name="Held"/>.
/// </summary>
public sealed record MessageSendResult(bool Sent, Guid? MessageId, string? Channel, string? Refused = null, bool Held = false);

/// <summary>Sending templated messages to the shop's customers; every message lands in the customer's thread.</summary>
public interface ICustomerMessenger
{
    Task<MessageSendResult> SendAsync(CustomerMessage message, CancellationToken ct);
}
