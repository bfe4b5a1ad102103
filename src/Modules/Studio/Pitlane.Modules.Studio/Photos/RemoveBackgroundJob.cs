using Microsoft.EntityFrameworkCore;
using Pitlane.Imaging;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Studio;

/// <summary>Segments one listing photo: the platform job behind each upload, with its progress shown live.</summary>
public sealed record RemoveBackground(Guid PhotoId);

internal sealed class RemoveBackgroundHandler(StudioDbContext db, IMediaStore media, StudioEngine engine, TimeProvider time)
    : IJobHandler<RemoveBackground>, IJobEndHandler<RemoveBackground>
{
    public async Task<object?> RunAsync(JobContext<RemoveBackground> job, CancellationToken ct)
    {
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.Id == job.Payload.PhotoId && p.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The photo was deleted.");
        if (!engine.ModelAvailable)
        {
            throw new JobPermanentFailureException($"The background-removal model is not installed on this server ({engine.ModelPath}).");
        }

        photo.Start(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        byte[] bytes;
        await using (var stream = await media.OpenReadAsync(photo.OrganizationId, photo.OriginalMediaId, ct)
            ?? throw new JobPermanentFailureException("The original photo is no longer in the media store."))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }

        Cutout cutout;
        try
        {
            cutout = await engine.RemoveAsync(bytes, (percent, message) => job.ReportAsync(percent, message, ct), ct);
        }
        catch (ImageRejectedException e)
        {
            throw new JobPermanentFailureException(e.Message, e);
        }

        var name = Path.GetFileNameWithoutExtension(photo.FileName ?? "photo");
        var png = await media.PutAsync(new MediaUpload(photo.OrganizationId, new MemoryStream(cutout.CutoutPng), $"{name}-cutout.png", [MediaKind.Image]), ct);
        var mask = await media.PutAsync(new MediaUpload(photo.OrganizationId, new MemoryStream(cutout.MaskPng), $"{name}-mask.png", [MediaKind.Image]), ct);
        photo.Segmented(png.Id, mask.Id, cutout.Photo.Width, cutout.Photo.Height, StudioEngine.Describe(cutout.Timings), time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        await job.ReportAsync(100, "Done", ct);
        return new { photoId = photo.Id, cutoutMediaId = png.Id, maskMediaId = mask.Id, timings = photo.Timings };
    }

    public async Task JobEndedAsync(JobEnding<RemoveBackground> ending, CancellationToken ct)
    {
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.Id == ending.Payload.PhotoId && p.OrganizationId == ending.OrganizationId, ct);
        if (photo is not null && photo.Status != PhotoStatus.Ready)
        {
            photo.Fail(ending.Error ?? "Cancelled.", time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
    }
}
