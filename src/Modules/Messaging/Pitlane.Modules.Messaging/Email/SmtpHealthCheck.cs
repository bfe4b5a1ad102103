using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pitlane.Modules.Messaging.Email;

/// <summary>
/// /health/ready: the mail server answers its greeting (connect and QUIT, no mail). Degraded, not unhealthy: the app
/// still serves and e-mails wait for their retry.
/// </summary>
internal sealed class SmtpHealthCheck(CustomerMessagingOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var client = new SmtpClient { Timeout = 5000 };
        try
        {
            await client.ConnectAsync(options.Smtp.Host!, options.Smtp.Port,
                options.Smtp.Security == "tls" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return HealthCheckResult.Healthy($"{options.Smtp.Host}:{options.Smtp.Port} answers.");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpProtocolException or SmtpCommandException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded($"The mail server {options.Smtp.Host}:{options.Smtp.Port} does not answer: {e.Message}");
        }
    }
}
