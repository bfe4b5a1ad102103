using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.Porter;

public sealed record CheckPhotoResponse(Guid MediaId, int Count, string Url);

/// <summary>
/// The walk-around photos of a check-in or check-out: stored through the Media module (type judged from the bytes,
/// images only), their ids kept on the check, shown to the team through short-lived signed paths.
/// </summary>
public sealed class CheckInPhotos(ShopDbContext db, IMediaStore media, TimeProvider time)
{
    /// <summary>A phone camera's JPEG is 2–8 MB; 15 MB leaves room for HEIC-converted or high-resolution shots.</summary>
    public const long MaxPhotoBytes = 15 * 1024 * 1024;

    public static readonly TimeSpan ShownFor = TimeSpan.FromHours(2);

    public async Task<(CheckPhotoResponse? Photo, IResult? Refused)> AddAsync(Guid organizationId, Guid checkId, Stream body, string? name, Guid userId, CancellationToken ct)
    {
        if (await db.VehicleChecks.FirstOrDefaultAsync(c => c.Id == checkId && c.OrganizationId == organizationId, ct) is not { } check)
        {
            return (null, Problems.NotFound("No such check."));
        }
        if (check.PhotoIds.Count >= VehicleCheck.MaxPhotos)
        {
            return (null, Problems.Conflict($"A check keeps at most {VehicleCheck.MaxPhotos} photos."));
        }
        MediaItem item;
        try
        {
            item = await media.PutAsync(new MediaUpload(organizationId, body, name, [MediaKind.Image], MaxPhotoBytes, userId), ct);
        }
        catch (MediaRejectedException e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode switch
            {
                413 => "Payload too large",
                415 => "Unsupported media type",
                _ => "Bad request",
            }));
        }
        check.AddPhoto(item.Id);
        await db.SaveChangesAsync(ct);
        return (new CheckPhotoResponse(item.Id, check.PhotoIds.Count, media.SignedPath(item, time.GetUtcNow().UtcDateTime.Add(ShownFor))), null);
    }

    /// <summary>Signed paths of the photos (a photo deleted from the media store is left out).</summary>
    public async Task<IReadOnlyList<string>> PathsAsync(Guid organizationId, IEnumerable<Guid> photoIds, CancellationToken ct)
    {
        var until = time.GetUtcNow().UtcDateTime.Add(ShownFor);
        var paths = new List<string>();
        foreach (var id in photoIds)
        {
            if (await media.FindAsync(organizationId, id, ct) is { } item)
            {
                paths.Add(media.SignedPath(item, until));
            }
        }
        return paths;
    }
}

/// <summary>POST /api/v1/shop/vehicle-checks/{id}/photos?name=: one photo as the raw body (the browser's file input sends it as is).</summary>
public static class CheckInPhotoEndpoints
{
    public static IEndpointRouteBuilder MapCheckInPhotoEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapTenantApi("/api/v1/shop/vehicle-checks", "Shop").MapPost("/{id:guid}/photos", Add)
            .RequirePermission(ShopPermissions.MoveCars).AcceptsBodyUpTo(CheckInPhotos.MaxPhotoBytes + 64 * 1024);
        return routes;
    }

    private static async Task<IResult> Add(Guid id, HttpRequest request, OrganizationScope scope, CheckInPhotos photos, CancellationToken ct, string? name = null)
    {
        if (request.ContentLength > CheckInPhotos.MaxPhotoBytes)
        {
            return Problems.TooLarge($"A photo is at most {CheckInPhotos.MaxPhotoBytes / (1024 * 1024)} MB.");
        }
        if (name is { Length: > 200 })
        {
            return Problems.Invalid("name", "name is at most 200 characters.");
        }
        var (photo, refused) = await photos.AddAsync(scope.OrganizationId, id, request.Body, name, scope.UserId, ct);
        return refused ?? TypedResults.Created($"/api/v1/shop/vehicle-checks/{id}", photo);
    }
}
