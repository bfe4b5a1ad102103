using System.Security.Cryptography;

namespace Pitlane.Modules.Messaging.Sms;

/// <summary>
/// The built-in SMS simulator (embedded profile default, nothing leaves the machine): it takes the text the way Twilio
/// does (a 34-character SM… sid, status "queued"), reports "sent" then "delivered" through the same status path as
/// Twilio's callbacks (<see cref="Threads.SimulatedDeliveryJob"/>), and the customer's side is the phone page, whose
/// replies go through the same inbound path as Twilio's webhook, STOP included.
/// </summary>
internal sealed class SimulatedSmsSender : ISmsSender
{
    public const string StopConfirmation = "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.";

    public string Name => "simulator";

    public string From => "+15005550006";

    public Task<SmsSendOutcome> SendAsync(Guid organizationId, Guid messageId, string to, string body, Uri statusCallback, CancellationToken ct) =>
        Task.FromResult(new SmsSendOutcome(NewSid(), "queued"));

    public static string NewSid() => "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
