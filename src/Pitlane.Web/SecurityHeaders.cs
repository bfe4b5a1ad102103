using Pitlane.Platform;

namespace Pitlane.Web;

public static class SecurityHeaders
{
    // Everything the pages use is served from this origin (npm packages copied into wwwroot/lib), so the policy can be
    // strict. Swagger UI at /docs needs inline styles and scripts of its own and gets a looser policy there only.
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/docs") ? DocsPolicy : PagePolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(self), microphone=(self), geolocation=(self)";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return next(http);
    });
}

public static class RequestSizeLimit
{
    /// <summary>
    /// Refuses a declared body over the limit with 413 before anything reads it. Kestrel's MaxRequestBodySize also
    /// stops chunked bodies that grow past the limit while being read. Runs after routing: an endpoint marked with
    /// <see cref="BodySizeLimit"/> (uploads) gets its own limit instead of <paramref name="maxBytes"/>.
    /// </summary>
    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app, long maxBytes) => app.Use(async (http, next) =>
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>()?.MaxBytes ?? maxBytes;
        if (http.Request.ContentLength > limit)
        {
            await Problems.TooLarge($"The request body is larger than the {limit} bytes accepted.").ExecuteAsync(http);
            return;
        }
        if (limit != maxBytes && http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(http);
    });
}
