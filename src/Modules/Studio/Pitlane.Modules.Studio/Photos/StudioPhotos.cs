using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Imaging;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Studio;

public sealed record PhotoResponse(
    Guid Id, Guid VehicleId, string? FileName, string Status, Guid? JobId, string? Error, int? Width, int? Height, string? Timings,
    BackdropResponse Backdrop, DateTime CreatedAt, DateTime UpdatedAt, int Attempts, Guid? WorkerId, string? Stage)
{
    /// <param name="p">WorkerId: the remote worker holding (or that finished) it; Attempts: times handed to a worker or run here.</param>
    public static PhotoResponse From(StudioPhoto p) => new(
        p.Id, p.VehicleId, p.FileName, p.Status.ToString().ToLowerInvariant(), p.JobId, p.Error, p.Width, p.Height, p.Timings,
        new BackdropResponse(p.BackdropKind.ToString(), p.BackdropTop, p.BackdropBottom), p.CreatedAt, p.UpdatedAt, p.Attempts, p.WorkerId, p.Stage);
}

public sealed record BackdropResponse(string Kind, string Top, string Bottom);

/// <summary>A file as uploaded: its name and bytes.</summary>
public sealed record PhotoFile(string? FileName, byte[] Bytes);

/// <summary>Outcome of an upload: photos, or a status (400/404/413/415) and a message for a person.</summary>
public sealed record UploadOutcome(IReadOnlyList<StudioPhoto>? Photos, int Status = 0, string? Error = null);

/// <summary>Listing photos: upload (a job per photo), list, backdrops, renders. Every call is scoped to an organisation.</summary>
public sealed class StudioPhotos(
    StudioDbContext db, IMediaStore media, IVehicleDirectory vehicles, JobQueue jobs, IOptions<StudioOptions> options, TimeProvider time)
{
    public async Task<UploadOutcome> UploadAsync(Guid organizationId, Guid vehicleId, IReadOnlyList<PhotoFile> files, Guid? userId, CancellationToken ct)
    {
        if (!await vehicles.BelongsToAsync(vehicleId, organizationId, ct))
        {
            return new UploadOutcome(null, 404, "No such vehicle.");
        }

        if (files.Count == 0)
        {
            return new UploadOutcome(null, 400, "Choose at least one photo.");
        }

        if (files.Count > options.Value.MaxPhotosPerUpload)
        {
            return new UploadOutcome(null, 400, $"At most {options.Value.MaxPhotosPerUpload} photos at a time.");
        }

        // All or nothing: every file is checked (size, type, header dimensions) before any is stored.
        var limits = new ImageLimits(MaxBytes: options.Value.MaxPhotoBytes);
        foreach (var file in files)
        {
            if (file.Bytes.Length > options.Value.MaxPhotoBytes)
            {
                return new UploadOutcome(null, 413, $"{file.FileName ?? "A photo"} is larger than {options.Value.MaxPhotoBytes / (1024 * 1024)} MB.");
            }

            try
            {
                SafeDecoder.Probe(file.Bytes, limits);
            }
            catch (ImageRejectedException e)
            {
                return new UploadOutcome(null, file.Bytes.Length == 0 ? 400 : 415, $"{file.FileName ?? "A photo"}: {e.Message}");
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        var photos = new List<StudioPhoto>();
        foreach (var file in files)
        {
            MediaItem item;
            try
            {
                item = await media.PutAsync(new MediaUpload(organizationId, new MemoryStream(file.Bytes), file.FileName, [MediaKind.Image], options.Value.MaxPhotoBytes, userId), ct);
            }
            catch (MediaRejectedException e)
            {
                return new UploadOutcome(null, e.StatusCode, e.Message);
            }

            var photo = StudioPhoto.Upload(organizationId, vehicleId, item.Id, file.FileName, now);
            db.Photos.Add(photo);
            photo.Queue(jobs.Enqueue(db, organizationId, new RemoveBackground(photo.Id)), now);
            photos.Add(photo);
        }

        await db.SaveChangesAsync(ct);
        foreach (var photo in photos)
        {
            jobs.WakeLocal(photo.JobId!.Value);
        }

        return new UploadOutcome(photos);
    }

    public async Task<IReadOnlyList<StudioPhoto>> OfVehicleAsync(Guid organizationId, Guid vehicleId, CancellationToken ct) =>
        await db.Photos.AsNoTracking().Where(p => p.OrganizationId == organizationId && p.VehicleId == vehicleId)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(ct);

    public Task<StudioPhoto?> FindAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.Photos.AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == organizationId && p.Id == id, ct);

    /// <summary>Vehicles of the organisation that have photos, newest first, with their counts.</summary>
    public async Task<IReadOnlyList<(Guid VehicleId, int Photos, int Ready)>> VehiclesAsync(Guid organizationId, CancellationToken ct)
    {
        var rows = await db.Photos.AsNoTracking().Where(p => p.OrganizationId == organizationId)
            .GroupBy(p => p.VehicleId)
            .Select(g => new { g.Key, Count = g.Count(), Ready = g.Count(p => p.Status == PhotoStatus.Ready), Last = g.Max(p => p.CreatedAt) })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Last).Select(r => (r.Key, r.Count, r.Ready)).ToList();
    }

    public async Task<StudioPhoto?> ChooseBackdropAsync(Guid organizationId, Guid id, Backdrop backdrop, CancellationToken ct)
    {
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.OrganizationId == organizationId && p.Id == id, ct);
        if (photo is null)
        {
            return null;
        }

        photo.ChooseBackdrop(backdrop, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return photo;
    }

    /// <summary>Queues segmentation again for a photo whose run failed; null when there is no such photo.</summary>
    public async Task<StudioPhoto?> RetryAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.OrganizationId == organizationId && p.Id == id, ct);
        if (photo is null || photo.Status != PhotoStatus.Failed)
        {
            return photo;
        }

        var now = time.GetUtcNow().UtcDateTime;
        photo.Queue(jobs.Enqueue(db, organizationId, new RemoveBackground(photo.Id)), now);
        await db.SaveChangesAsync(ct);
        jobs.WakeLocal(photo.JobId!.Value);
        return photo;
    }

    public async Task<byte[]?> BytesAsync(Guid organizationId, Guid mediaId, CancellationToken ct)
    {
        await using var stream = await media.OpenReadAsync(organizationId, mediaId, ct);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>The car on the photo's backdrop at a listing size, from the stored photo and mask: no segmentation.</summary>
    public async Task<byte[]?> RenderAsync(StudioPhoto photo, ListingSize size, OutputFormat format, CancellationToken ct)
    {
        if (photo.Status != PhotoStatus.Ready || photo.MaskMediaId is not { } maskId || photo.Width is not { } w || photo.Height is not { } h)
        {
            return null;
        }

        var original = await BytesAsync(photo.OrganizationId, photo.OriginalMediaId, ct);
        var mask = await BytesAsync(photo.OrganizationId, maskId, ct);
        if (original is null || mask is null)
        {
            return null;
        }

        return await Task.Run(() =>
        {
            var image = SafeDecoder.Decode(original);
            var alpha = MaskCodec.Decode(mask, w, h);
            return Backdrops.Compose(image, alpha, photo.Backdrop, size, format);
        }, ct);
    }

    /// <summary>"1200x900" within 64–4096 a side, or null.</summary>
    public static ListingSize? ParseSize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ListingSize.Standard[1];
        }

        var parts = value.Split('x');
        return parts.Length == 2 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var h)
            && w is >= 64 and <= 4096 && h is >= 64 and <= 4096 ? new ListingSize(w, h) : null;
    }
}
