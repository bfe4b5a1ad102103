using Microsoft.AspNetCore.Http;

namespace Pitlane.Modules.Parking.Pages.Parking;

/// <summary>The parking maps' tiles: Leaflet with the configured tile server, or the offline canvas when none is set.</summary>
public static class MapTiles
{
    /// <summary>Lets this page's images come from the tile server too (the site's policy allows only its own origin).</summary>
    public static void AllowIn(HttpResponse response, ParkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MapTileOrigin is not { } origin || response.HasStarted)
        {
            return;
        }
        var policy = response.Headers.ContentSecurityPolicy.ToString();
        if (policy.Contains("img-src ", StringComparison.Ordinal) && !policy.Contains(origin, StringComparison.Ordinal))
        {
            response.Headers.ContentSecurityPolicy = policy.Replace("img-src ", $"img-src {origin} ", StringComparison.Ordinal);
        }
    }
}
