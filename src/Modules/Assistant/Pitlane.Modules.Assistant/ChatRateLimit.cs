using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Pitlane.Platform;

namespace Pitlane.Modules.Assistant;

/// <summary>
/// Questions per signed-in user per minute (Pitlane:Assistant:ChatPerMinute), whatever organisation they ask in: each
/// answer may cost a model call and several tool queries. A fixed window from System.Threading.RateLimiting, taken in
/// the endpoint because the user is known only after authentication (the host's rate-limiter middleware runs before it).
/// </summary>
public sealed class ChatRateLimit(AssistantOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> limiter = PartitionedRateLimiter.Create<Guid, Guid>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.ChatPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when the user may ask; otherwise the 429 (problem+json, with Retry-After set on the response).</summary>
    public IResult? Refuse(Guid userId, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var lease = limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.TooManyRequests($"You have asked {options.ChatPerMinute} questions in the last minute. Wait {seconds} seconds, then ask again.");
    }

    public void Dispose() => limiter.Dispose();
}
