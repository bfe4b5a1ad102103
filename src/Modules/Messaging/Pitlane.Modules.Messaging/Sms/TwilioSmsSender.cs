using System.Net;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Pitlane.Modules.Messaging.Sms;

/// <summary>
/// Twilio Programmable Messaging through the official SDK (POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
/// form-encoded, HTTP basic auth), with a StatusCallback per message. The SDK's HTTP client is the host's
/// (IHttpClientFactory "twilio"), which sends to <see cref="TwilioOptions.ApiBase"/> when one is configured.
/// </summary>
internal sealed class TwilioSmsSender(ITwilioRestClient client, CustomerMessagingOptions options) : ISmsSender
{
    /// <summary>"Attempt to send to unsubscribed recipient": the number texted STOP to this sender.</summary>
    public const int OptedOutCode = 21610;

    public string Name => "twilio";

    public string From => options.Twilio.From ?? options.Twilio.MessagingServiceSid ?? "";

    public async Task<SmsSendOutcome> SendAsync(Guid organizationId, Guid messageId, string to, string body, Uri statusCallback, CancellationToken ct)
    {
        try
        {
            var created = await MessageResource.CreateAsync(
                to: new PhoneNumber(to),
                from: string.IsNullOrWhiteSpace(options.Twilio.From) ? null : new PhoneNumber(options.Twilio.From),
                messagingServiceSid: string.IsNullOrWhiteSpace(options.Twilio.MessagingServiceSid) ? null : options.Twilio.MessagingServiceSid,
                body: body,
                statusCallback: statusCallback,
                client: client);
            return new SmsSendOutcome(created.Sid, created.Status?.ToString() ?? "queued",
                created.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture), created.ErrorMessage);
        }
        catch (ApiException e) when (e.Code == OptedOutCode)
        {
            return new SmsSendOutcome(null, "failed", OptedOutCode.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, OptedOut: true);
        }
        catch (ApiException e) when (e.Status is (int)HttpStatusCode.TooManyRequests or >= 500)
        {
            throw new SmsProviderUnavailableException($"Twilio answered {e.Status}: {e.Message}", e);
        }
        catch (ApiException e)
        {
            // A refusal about this message (invalid number 21211, unreachable 21612...): final, recorded on the message.
            return new SmsSendOutcome(null, "failed", e.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
        catch (ApiConnectionException e)
        {
            throw new SmsProviderUnavailableException($"Twilio could not be reached: {e.Message}", e);
        }
    }
}

/// <summary>Sends the SDK's requests to the configured API base (a Twilio-compatible gateway, or a test's fake) instead of api.twilio.com.</summary>
internal sealed class TwilioBaseAddressHandler(Uri apiBase) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            var rebased = new UriBuilder(uri) { Scheme = apiBase.Scheme, Host = apiBase.Host, Port = apiBase.Port };
            var prefix = apiBase.AbsolutePath.TrimEnd('/');
            rebased.Path = prefix + uri.AbsolutePath;
            request.RequestUri = rebased.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
