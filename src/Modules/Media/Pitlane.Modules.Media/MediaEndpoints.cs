using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Media;

public sealed record MediaResponse(
    Guid Id, string Kind, string ContentType, long Length, string Sha256, string? FileName, DateTime CreatedAt, string Url)
{
    public static MediaResponse From(MediaItem item) => new(
        item.Id, item.Kind.ToString().ToLowerInvariant(), item.ContentType, item.Length, item.Sha256, item.FileName, item.CreatedAt,
        $"/api/v1/media/{item.Id}/content");
}

public sealed record LinkRequest(int? Minutes);

public sealed record LinkResponse(string Url, DateTime ExpiresAt);

/// <summary>
/// The organisation's files (X-Organization-Id; another organisation's file is a 404) and the signed links /m/{token}
/// that open one file without signing in until they expire.
/// </summary>
public static class MediaEndpoints
{
    public const string PublicRateLimitPolicy = "media-link";

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder routes)
    {
        var max = routes.ServiceProvider.GetRequiredService<IOptions<MediaOptions>>().Value.MaxBytes;
        var media = routes.MapTenantApi("/api/v1/media", "Media");
        media.MapPost("/", Upload).RequirePermission(MediaPermissions.Upload).AcceptsBodyUpTo(max + 64 * 1024)
            .WithSummary("Store a file: the raw body (name in ?name=) or multipart/form-data with one part named \"file\". Its type is judged from its bytes.");
        media.MapGet("/{id:guid}", Get);
        media.MapGet("/{id:guid}/content", Content);
        media.MapPost("/{id:guid}/links", Link).RequirePermission(MediaPermissions.Share)
            .WithSummary("A link that opens the file without signing in for the given minutes (default 60, at most Pitlane:Media:MaxLinkDays).");
        media.MapDelete("/{id:guid}", Delete).RequirePermission(MediaPermissions.Delete);
        routes.MapGet("/m/{token}", Public).AllowAnonymous().RequireRateLimiting(PublicRateLimitPolicy).ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<Created<MediaResponse>, ProblemHttpResult>> Upload(
        HttpRequest request, OrganizationScope scope, MediaService store, CancellationToken ct, string? name = null)
    {
        try
        {
            var (found, item) = await UploadedFile.ReadAsync(request, "file", store.MaxBytes,
                (body, fileName) => store.PutAsync(new MediaUpload(scope.OrganizationId, body, fileName ?? name, Kinds, UploadedBy: scope.UserId), ct), ct);
            if (!found || item is null)
            {
                return Problems.BadRequest("The multipart body has no part named \"file\".");
            }
            return TypedResults.Created($"/api/v1/media/{item.Id}", MediaResponse.From(item));
        }
        catch (MediaRejectedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode switch
            {
                413 => "Payload too large",
                415 => "Unsupported media type",
                _ => "Bad request",
            });
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            // A malformed multipart body, or a body cut off / over Kestrel's limit while reading.
            return e is BadHttpRequestException { StatusCode: 413 }
                ? Problems.TooLarge("The file is larger than accepted here.")
                : Problems.BadRequest("The upload could not be read: " + e.Message);
        }
    }

    private static readonly MediaKind[] Kinds = Enum.GetValues<MediaKind>();

    private static async Task<Results<Ok<MediaResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, MediaService store, CancellationToken ct) =>
        await store.FindAsync(scope.OrganizationId, id, ct) is { } item ? TypedResults.Ok(MediaResponse.From(item)) : Problems.NotFound("No such file.");

    private static async Task<IResult> Content(Guid id, HttpContext http, OrganizationScope scope, MediaService store, CancellationToken ct)
    {
        if (await store.FindAsync(scope.OrganizationId, id, ct) is not { } item || await store.OpenAsync(item, ct) is not { } stream)
        {
            return Problems.NotFound("No such file.");
        }
        return Serve(http, item, stream, "private, max-age=3600");
    }

    private static async Task<Results<Ok<LinkResponse>, ProblemHttpResult, ValidationProblem>> Link(
        Guid id, LinkRequest? request, OrganizationScope scope, MediaService store, IOptions<MediaOptions> options, TimeProvider time, CancellationToken ct)
    {
        var minutes = request?.Minutes ?? 60;
        if (minutes < 1 || minutes > options.Value.MaxLinkDays * 24 * 60)
        {
            return Problems.Invalid("minutes", $"A link lives from 1 minute to {options.Value.MaxLinkDays} days ({options.Value.MaxLinkDays * 24 * 60} minutes).");
        }
        if (await store.FindAsync(scope.OrganizationId, id, ct) is not { } item)
        {
            return Problems.NotFound("No such file.");
        }
        var expires = time.GetUtcNow().UtcDateTime.AddMinutes(minutes);
        expires = expires.AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond));
        return TypedResults.Ok(new LinkResponse(store.SignedPath(item, expires), expires));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, OrganizationScope scope, MediaService store, CancellationToken ct) =>
        await store.DeleteAsync(scope.OrganizationId, id, ct) ? TypedResults.NoContent() : Problems.NotFound("No such file.");

    private static async Task<IResult> Public(string token, HttpContext http, MediaService store, MediaLinks links, TimeProvider time, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex";
        if (links.Read(token, time.GetUtcNow().UtcDateTime) is not { } id
            || await store.FindSignedAsync(id, ct) is not { } item
            || await store.OpenAsync(item, ct) is not { } stream)
        {
            return Problems.NotFound("This link is not valid, or it has expired.");
        }
        return Serve(http, item, stream, "private, no-store");
    }

    /// <summary>
    /// A stored file, never as a page: its sniffed type, nosniff, a sandboxing CSP, inline only for media and PDF,
    /// ranges when the backend can seek (video scrubbing).
    /// </summary>
    private static IResult Serve(HttpContext http, MediaItem item, Stream stream, string cacheControl)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox";
        headers.XContentTypeOptions = "nosniff";
        var fileName = item.FileName ?? item.Id.ToString("N") + ContentSniffer.Extension(item.ContentType);
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(fileName);
        headers.ContentDisposition = disposition.ToString();
        return Results.Stream(stream, item.ContentType, lastModified: item.CreatedAt,
            entityTag: new EntityTagHeaderValue($"\"{item.Sha256}\""), enableRangeProcessing: stream.CanSeek);
    }
}
