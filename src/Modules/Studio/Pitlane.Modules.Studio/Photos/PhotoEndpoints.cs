using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pitlane.Imaging;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Studio;

public sealed record BackdropRequest(string? Kind, string? Top, string? Bottom);

/// <summary>Listing photos of the request's organisation. Another organisation's vehicle or photo is a 404.</summary>
public static class PhotoEndpoints
{
    /// <summary>One upload request (a batch of photos) is at most 200 MB; each photo is also held to Pitlane:Studio:MaxPhotoBytes.</summary>
    public const long MaxBatchBytes = 200L * 1024 * 1024;

    public static IEndpointRouteBuilder MapPhotoEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapTenantApi("/api/v1/studio/vehicles", "Studio");
        vehicles.MapPost("/{vehicleId:guid}/photos", Upload).RequirePermission(StudioPermissions.Edit).AcceptsBodyUpTo(MaxBatchBytes);
        vehicles.MapGet("/{vehicleId:guid}/photos", List).RequirePermission(StudioPermissions.View);

        var photos = routes.MapTenantApi("/api/v1/studio/photos", "Studio");
        photos.MapGet("/{id:guid}", Get).RequirePermission(StudioPermissions.View);
        photos.MapPut("/{id:guid}/backdrop", ChooseBackdrop).RequirePermission(StudioPermissions.Edit);
        photos.MapPost("/{id:guid}/retry", Retry).RequirePermission(StudioPermissions.Edit);
        photos.MapGet("/{id:guid}/original", Original).RequirePermission(StudioPermissions.View);
        photos.MapGet("/{id:guid}/cutout", CutoutPng).RequirePermission(StudioPermissions.View);
        photos.MapGet("/{id:guid}/render", Render).RequirePermission(StudioPermissions.View);
        return routes;
    }

    /// <summary>multipart/form-data with one or more "photos" parts. 202: stored, one background-removal job each.</summary>
    private static async Task<Results<Accepted<IReadOnlyList<PhotoResponse>>, ProblemHttpResult, ValidationProblem>> Upload(
        Guid vehicleId, HttpRequest request, OrganizationScope scope, StudioPhotos photos, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Invalid("photos", "Send the photos as multipart/form-data, each in a part named \"photos\".");
        }

        var files = new List<PhotoFile>();
        try
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var file in form.Files.GetFiles("photos"))
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                files.Add(new PhotoFile(Path.GetFileName(file.FileName), buffer.ToArray()));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            // A malformed multipart body, or one cut off or over the limit while reading.
            return e is BadHttpRequestException { StatusCode: 413 }
                ? Problems.TooLarge($"One upload is at most {MaxBatchBytes / (1024 * 1024)} MB: send the photos in smaller batches.")
                : Problems.BadRequest("The upload could not be read: " + e.Message);
        }

        var outcome = await photos.UploadAsync(scope.OrganizationId, vehicleId, files, scope.UserId, ct);
        return outcome.Photos is { } stored
            ? TypedResults.Accepted($"/api/v1/studio/vehicles/{vehicleId}/photos", (IReadOnlyList<PhotoResponse>)stored.Select(PhotoResponse.From).ToList())
            : TypedResults.Problem(outcome.Error, statusCode: outcome.Status);
    }

    private static async Task<Results<Ok<IReadOnlyList<PhotoResponse>>, ProblemHttpResult>> List(Guid vehicleId, OrganizationScope scope, StudioPhotos photos, Pitlane.Modules.Vehicles.Contracts.IVehicleDirectory vehicles, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(vehicleId, scope.OrganizationId, ct))
        {
            return Problems.NotFound("No such vehicle.");
        }

        var list = await photos.OfVehicleAsync(scope.OrganizationId, vehicleId, ct);
        return TypedResults.Ok((IReadOnlyList<PhotoResponse>)list.Select(PhotoResponse.From).ToList());
    }

    private static async Task<Results<Ok<PhotoResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, StudioPhotos photos, CancellationToken ct) =>
        await photos.FindAsync(scope.OrganizationId, id, ct) is { } photo ? TypedResults.Ok(PhotoResponse.From(photo)) : Problems.NotFound("No such photo.");

    private static async Task<Results<Ok<PhotoResponse>, ProblemHttpResult, ValidationProblem>> ChooseBackdrop(
        Guid id, BackdropRequest request, OrganizationScope scope, StudioPhotos photos, CancellationToken ct)
    {
        if (!Enum.TryParse<BackdropKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            return Problems.Invalid("kind", "The backdrop is one of Solid, Gradient, StudioFloor.");
        }

        if (Backdrop.TryCreate(kind, request.Top, request.Bottom) is not { } backdrop)
        {
            return Problems.Invalid("top", "Colours are written #rrggbb.");
        }

        return await photos.ChooseBackdropAsync(scope.OrganizationId, id, backdrop, ct) is { } photo
            ? TypedResults.Ok(PhotoResponse.From(photo))
            : Problems.NotFound("No such photo.");
    }

    private static async Task<Results<Accepted<PhotoResponse>, ProblemHttpResult>> Retry(Guid id, OrganizationScope scope, StudioPhotos photos, CancellationToken ct)
    {
        var photo = await photos.RetryAsync(scope.OrganizationId, id, ct);
        return photo switch
        {
            null => Problems.NotFound("No such photo."),
            { Status: not PhotoStatus.Queued } => Problems.Conflict($"The photo is {photo.Status.ToString().ToLowerInvariant()}: only a failed photo is run again."),
            _ => TypedResults.Accepted($"/api/v1/studio/photos/{id}", PhotoResponse.From(photo)),
        };
    }

    private static async Task<IResult> Original(Guid id, OrganizationScope scope, StudioPhotos photos, CancellationToken ct)
    {
        var photo = await photos.FindAsync(scope.OrganizationId, id, ct);
        return photo is not null && await photos.BytesAsync(scope.OrganizationId, photo.OriginalMediaId, ct) is { } bytes
            ? TypedResults.File(bytes, SniffType(bytes))
            : Problems.NotFound("No such photo.");
    }

    private static async Task<IResult> CutoutPng(Guid id, OrganizationScope scope, StudioPhotos photos, CancellationToken ct)
    {
        var photo = await photos.FindAsync(scope.OrganizationId, id, ct);
        if (photo is null)
        {
            return Problems.NotFound("No such photo.");
        }

        return photo.CutoutMediaId is { } cutout && await photos.BytesAsync(scope.OrganizationId, cutout, ct) is { } bytes
            ? TypedResults.File(bytes, "image/png")
            : Problems.Conflict("The background has not been removed yet.");
    }

    /// <summary>?size=1200x900 (64–4096 a side) &amp;format=jpeg|webp: the car on its chosen backdrop.</summary>
    private static async Task<IResult> Render(Guid id, OrganizationScope scope, StudioPhotos photos, CancellationToken ct, string? size = null, string? format = null)
    {
        if (StudioPhotos.ParseSize(size) is not { } listingSize)
        {
            return Problems.Invalid("size", "The size is WIDTHxHEIGHT, 64 to 4096 pixels a side (e.g. 1200x900).");
        }

        OutputFormat output;
        switch (format?.ToLowerInvariant())
        {
            case null or "" or "jpeg" or "jpg":
                output = OutputFormat.Jpeg;
                break;
            case "webp":
                output = OutputFormat.Webp;
                break;
            default:
                return Problems.Invalid("format", "The format is jpeg or webp.");
        }

        var photo = await photos.FindAsync(scope.OrganizationId, id, ct);
        if (photo is null)
        {
            return Problems.NotFound("No such photo.");
        }

        return await photos.RenderAsync(photo, listingSize, output, ct) is { } bytes
            ? TypedResults.File(bytes, output == OutputFormat.Webp ? "image/webp" : "image/jpeg")
            : Problems.Conflict("The background has not been removed yet.");
    }

    internal static string SniffType(byte[] bytes) => bytes switch
    {
        [0xFF, 0xD8, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => "application/octet-stream",
    };
}
