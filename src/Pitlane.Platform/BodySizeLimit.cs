using Microsoft.AspNetCore.Builder;

namespace Pitlane.Platform;

/// <summary>
/// An endpoint that takes larger bodies than Pitlane:MaxRequestBodyBytes (uploads of photos, videos, recordings). The
/// host's size check reads it after routing and raises the request's limit for that endpoint only.
/// </summary>
public sealed record BodySizeLimit(long MaxBytes);

public static class BodySizeLimits
{
    public static TBuilder AcceptsBodyUpTo<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        return builder.WithMetadata(new BodySizeLimit(maxBytes));
    }
}
