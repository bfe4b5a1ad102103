using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Imaging;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Studio;

/// <summary>Segments one listing photo: the platform job behind each upload, with its progress shown live.</summary>
public sealed record RemoveBackground(Guid PhotoId);

/// <summary>
/// Runs a photo's background removal on a remote worker of the organisation when one is alive (seen within the lease),
/// else on this server. A photo handed to a worker is watched through its row: the worker's progress is forwarded to the
/// job, and a worker silent for longer than the lease gives the photo back; it is handed out once more (to a worker or
/// run here), and a second loss fails it with the reason.
/// </summary>
internal sealed class RemoveBackgroundHandler(
    StudioDbContext db, IMediaStore media, StudioEngine engine, IOptions<StudioOptions> options, JobSlot slot, TimeProvider time)
    : IJobHandler<RemoveBackground>, IJobEndHandler<RemoveBackground>
{
    /// <summary>How often the waiting job looks at the photo's row; the row is the only meeting point with the worker.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<object?> RunAsync(JobContext<RemoveBackground> job, CancellationToken ct)
    {
        var photoId = job.Payload.PhotoId;
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.Id == photoId && p.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The photo was deleted.");
        if (photo.Status == PhotoStatus.Ready)
        {
            return Result(photo);
        }

        photo.Start(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        var lease = TimeSpan.FromSeconds(options.Value.WorkerLeaseSeconds);
        var pickup = TimeSpan.FromSeconds(options.Value.WorkerPickupSeconds);
        var released = false;
        string? forwardedStage = null;
        var forwardedPercent = -1;
        while (true)
        {
            var row = await db.Photos.AsNoTracking().Where(p => p.Id == photoId)
                .Select(p => new { p.Status, p.WorkerError, p.WorkerId, p.WorkerInstance, p.LeasedAt, p.HeardAt, p.OfferedAt, p.Stage, p.Progress })
                .FirstOrDefaultAsync(ct) ?? throw new JobPermanentFailureException("The photo was deleted.");
            var now = time.GetUtcNow().UtcDateTime;
            if (row.Status == PhotoStatus.Ready)
            {
                await job.ReportAsync(100, "Done", ct);
                return Result(await db.Photos.AsNoTracking().FirstAsync(p => p.Id == photoId, ct));
            }

            if (row.WorkerError is { } error)
            {
                throw new JobPermanentFailureException(error);
            }

            if (row.WorkerId is { } workerId && row.LeasedAt is { } leasedAt)
            {
                if (row.Stage is { } stage && (stage != forwardedStage || row.Progress != forwardedPercent))
                {
                    await job.ReportAsync(row.Progress, stage, ct);
                    (forwardedStage, forwardedPercent) = (stage, row.Progress);
                }

                var heard = row.HeardAt is { } seen && seen > leasedAt ? seen : leasedAt;
                if (now - heard > lease)
                {
                    var name = await db.Workers.AsNoTracking().Where(w => w.Id == workerId).Select(w => w.Name).FirstOrDefaultAsync(ct) ?? "?";
                    await WorkerLeases.GiveBackAsync(db, photoId, workerId, row.WorkerInstance, leasedAt,
                        $"The worker '{name}' went silent for more than {lease.TotalSeconds:0} s while removing the background (stopped, or lost its connection).", now);
                    (forwardedStage, forwardedPercent) = (null, -1);
                    continue;
                }
            }
            else if (row.OfferedAt is { } offered)
            {
                // Nobody alive to take it (the worker that had it died and no other polls), or the workers stayed busy too long.
                if (now - offered > pickup || !await WorkerLeases.AnyAliveAsync(db, job.OrganizationId, now, lease, ct))
                {
                    var taken = await db.Photos.Where(p => p.Id == photoId && p.WorkerId == null && p.OfferedAt == offered && p.WorkerError == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.OfferedAt, (DateTime?)null), CancellationToken.None);
                    if (taken == 1)
                    {
                        return await RunHereAsync(job, ct);
                    }

                    continue;
                }
            }
            else if (await WorkerLeases.AnyAliveAsync(db, job.OrganizationId, now, lease, ct))
            {
                await db.Photos.Where(p => p.Id == photoId && p.WorkerId == null && p.OfferedAt == null && p.Status == PhotoStatus.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.OfferedAt, now).SetProperty(p => p.Stage, "Waiting for a worker"), CancellationToken.None);
                await job.ReportAsync(5, "Waiting for a worker", ct);
                if (!released)
                {
                    // Waiting on another machine: this server's job slots stay free for work it runs itself.
                    slot.Release();
                    released = true;
                }
            }
            else
            {
                return await RunHereAsync(job, ct);
            }

            await Task.Delay(PollInterval, time, ct);
        }
    }

    /// <summary>This server segments the photo itself (no worker alive, or none took it in time).</summary>
    private async Task<object?> RunHereAsync(JobContext<RemoveBackground> job, CancellationToken ct)
    {
        if (!engine.ModelAvailable)
        {
            throw new JobPermanentFailureException($"The background-removal model is not installed on this server ({engine.ModelPath}) and no worker is running.");
        }

        db.ChangeTracker.Clear();
        var photo = await db.Photos.FirstAsync(p => p.Id == job.Payload.PhotoId, ct);
        photo.RunHere(time.GetUtcNow().UtcDateTime);
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
        return Result(photo);
    }

    private static object Result(StudioPhoto photo) =>
        new { photoId = photo.Id, cutoutMediaId = photo.CutoutMediaId, maskMediaId = photo.MaskMediaId, timings = photo.Timings, attempts = photo.Attempts, workerId = photo.WorkerId };

    public async Task JobEndedAsync(JobEnding<RemoveBackground> ending, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var photo = await db.Photos.FirstOrDefaultAsync(p => p.Id == ending.Payload.PhotoId && p.OrganizationId == ending.OrganizationId, ct);
        if (photo is not null && photo.Status != PhotoStatus.Ready)
        {
            // Also ends a worker's lease: its next report or upload is refused (409).
            photo.Fail(ending.Error ?? "Cancelled.", time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
    }
}
