using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Imaging;
using Pitlane.Modules.Media.Contracts;

namespace Pitlane.Modules.Studio;

/// <summary>What became of an uploaded mask.</summary>
public abstract record MaskOutcome
{
    public sealed record Accepted : MaskOutcome;

    /// <summary>The lease ended while the mask was being checked (given back, failed, cancelled).</summary>
    public sealed record LeaseLost : MaskOutcome;

    public sealed record Rejected(string Reason) : MaskOutcome;
}

/// <summary>The organisation's remote workers: registration (key shown once), listing, revocation, and taking a worker's mask.</summary>
public sealed class StudioWorkers(StudioDbContext db, IMediaStore media, IOptions<StudioOptions> options, TimeProvider time)
{
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.WorkerLeaseSeconds);

    public async Task<(StudioWorker Worker, string Key)> RegisterAsync(Guid organizationId, string name, CancellationToken ct)
    {
        var (key, hash) = WorkerLeases.NewKey();
        var worker = StudioWorker.Create(organizationId, name, hash, time.GetUtcNow().UtcDateTime);
        db.Workers.Add(worker);
        await db.SaveChangesAsync(ct);
        return (worker, key);
    }

    public async Task<IReadOnlyList<WorkerResponse>> ListAsync(Guid organizationId, CancellationToken ct)
    {
        var workers = await db.Workers.AsNoTracking().Where(w => w.OrganizationId == organizationId)
            .OrderBy(w => w.RevokedAt != null).ThenBy(w => w.Name).ThenBy(w => w.CreatedAt).Take(500).ToListAsync(ct);
        var since = time.GetUtcNow().UtcDateTime - Lease;
        return workers.Select(w => new WorkerResponse(w.Id, w.Name, w.CreatedAt, w.LastSeenAt, w.RevokedAt, w.RevokedAt is null && w.LastSeenAt >= since, w.Completed)).ToList();
    }

    /// <summary>Revokes the key (its next request is refused) and hands back at once any photo it holds.</summary>
    public async Task<bool> RevokeAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var worker = await db.Workers.FirstOrDefaultAsync(w => w.Id == id && w.OrganizationId == organizationId, ct);
        if (worker is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        worker.Revoke(now);
        await db.SaveChangesAsync(ct);
        var held = await db.Photos.AsNoTracking().Where(p => p.WorkerId == id && p.Status == PhotoStatus.Running && p.LeasedAt != null)
            .Select(p => new { p.Id, p.WorkerInstance, p.LeasedAt }).ToListAsync(ct);
        foreach (var photo in held)
        {
            await WorkerLeases.GiveBackAsync(db, photo.Id, id, photo.WorkerInstance, photo.LeasedAt!.Value, $"The worker '{worker.Name}' was revoked while it held this photo.", now);
        }

        return true;
    }

    /// <summary>This worker process's lease on the photo, while the job still waits for it.</summary>
    internal static IQueryable<StudioPhoto> Leased(StudioDbContext db, CurrentWorker worker, Guid id)
    {
        var (workerId, organizationId, instance) = (worker.Id, worker.OrganizationId, worker.Instance);
        return db.Photos.Where(p => p.Id == id && p.OrganizationId == organizationId && p.WorkerId == workerId && p.WorkerInstance == instance
            && p.Status == PhotoStatus.Running && p.WorkerError == null);
    }

    /// <summary>
    /// Checks the worker's mask as outside bytes (a PNG by its decoder, the photo's exact size, within limits), then
    /// composes the cut-out from the stored original and stores both; the photo is ready only if the lease still holds.
    /// </summary>
    public async Task<MaskOutcome> AcceptMaskAsync(StudioPhoto photo, CurrentWorker worker, byte[] bytes, string timings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(bytes);
        int width, height;
        string format;
        try
        {
            (width, height, format) = SafeDecoder.Probe(bytes, new ImageLimits(MaxBytes: WorkerEndpoints.MaxMaskBytes));
        }
        catch (ImageRejectedException e)
        {
            return new MaskOutcome.Rejected($"The mask could not be read: {e.Message}");
        }

        if (format != "png")
        {
            return new MaskOutcome.Rejected($"The mask must be a PNG (8-bit greyscale), not {format}.");
        }

        byte[] original;
        await using (var stream = await media.OpenReadAsync(photo.OrganizationId, photo.OriginalMediaId, ct))
        {
            if (stream is null)
            {
                return new MaskOutcome.Rejected("The original photo is no longer in the media store.");
            }

            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            original = buffer.ToArray();
        }

        var composed = await Task.Run<object>(() =>
        {
            var image = SafeDecoder.Decode(original);
            if ((width, height) != (image.Width, image.Height))
            {
                return $"The mask is {width}×{height} pixels; the photo is {image.Width}×{image.Height}.";
            }

            try
            {
                var alpha = MaskCodec.Decode(bytes, width, height);
                return (Backdrops.EncodeCutout(image, alpha), MaskCodec.Encode(alpha, width, height));
            }
            catch (ImageRejectedException e)
            {
                return $"The mask could not be decoded: {e.Message}";
            }
        }, ct);
        if (composed is string reason)
        {
            return new MaskOutcome.Rejected(reason);
        }

        var (cutoutPng, maskPng) = ((byte[], byte[]))composed;
        var name = Path.GetFileNameWithoutExtension(photo.FileName ?? "photo");
        var cutout = await media.PutAsync(new MediaUpload(photo.OrganizationId, new MemoryStream(cutoutPng), $"{name}-cutout.png", [MediaKind.Image]), ct);
        var mask = await media.PutAsync(new MediaUpload(photo.OrganizationId, new MemoryStream(maskPng), $"{name}-mask.png", [MediaKind.Image]), ct);
        var now = time.GetUtcNow().UtcDateTime;
        var text = timings.Length > 200 ? timings[..200] : timings;
        var updated = await Leased(db, worker, photo.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.CutoutMediaId, cutout.Id)
            .SetProperty(p => p.MaskMediaId, mask.Id)
            .SetProperty(p => p.Width, width)
            .SetProperty(p => p.Height, height)
            .SetProperty(p => p.Timings, text)
            .SetProperty(p => p.Status, PhotoStatus.Ready)
            .SetProperty(p => p.Error, (string?)null)
            .SetProperty(p => p.Stage, "Done")
            .SetProperty(p => p.Progress, 100)
            .SetProperty(p => p.UpdatedAt, now), CancellationToken.None);
        if (updated == 0)
        {
            await media.DeleteAsync(photo.OrganizationId, cutout.Id, CancellationToken.None);
            await media.DeleteAsync(photo.OrganizationId, mask.Id, CancellationToken.None);
            return new MaskOutcome.LeaseLost();
        }

        var workerId = worker.Id;
        await db.Workers.Where(w => w.Id == workerId).ExecuteUpdateAsync(s => s.SetProperty(w => w.Completed, w => w.Completed + 1), CancellationToken.None);
        return new MaskOutcome.Accepted();
    }
}
