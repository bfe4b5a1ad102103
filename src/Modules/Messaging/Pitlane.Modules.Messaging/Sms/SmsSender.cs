namespace Pitlane.Modules.Messaging.Sms;

/// <param name="ProviderId">The provider's message id (Twilio's SM…), when it took the message.</param>
/// <param name="Status">Twilio's status words: queued, accepted, failed...</param>
/// <param name="OptedOut">The provider refused because the number opted out (Twilio error 21610).</param>
public sealed record SmsSendOutcome(string? ProviderId, string Status, string? ErrorCode = null, string? Error = null, bool OptedOut = false);

/// <summary>Sends one text; the provider reports later statuses to <paramref name="statusCallback"/>.</summary>
public interface ISmsSender
{
    string Name { get; }

    Task<SmsSendOutcome> SendAsync(Guid organizationId, Guid messageId, string to, string body, Uri statusCallback, CancellationToken ct);

    /// <summary>The number (or sender) texts come from, shown in the thread.</summary>
    string From { get; }
}

/// <summary>Raised for a provider failure worth retrying (network, 5xx, 429): the send job tries again later.</summary>
public sealed class SmsProviderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
