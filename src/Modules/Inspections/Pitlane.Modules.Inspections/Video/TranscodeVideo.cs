using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Inspections.Video;

/// <summary>The job that turns an uploaded inspection video into the files the customer's phone plays.</summary>
public sealed record TranscodeVideo(Guid InspectionMediaId);

/// <summary>
/// Runs <see cref="VideoTranscoder"/> on the original upload in a private temp folder, stores the MP4, poster and preview
/// as media of the organisation and deletes the original. A video ffmpeg cannot read, or one over the length limit, is
/// a permanent failure: the job goes dead at once with the reason, and the media row says "failed" with the same words.
/// </summary>
public sealed class TranscodeVideoHandler(InspectionsDbContext db, IMediaStore media, IOptions<InspectionsOptions> options)
    : IJobHandler<TranscodeVideo>, IJobEndHandler<TranscodeVideo>
{
    public async Task<object?> RunAsync(JobContext<TranscodeVideo> job, CancellationToken ct)
    {
        var row = await db.Media.FirstOrDefaultAsync(m => m.Id == job.Payload.InspectionMediaId && m.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The video was deleted before it could be converted.");
        if (row.State == MediaState.Ready)
        {
            return new { row.Id, state = "ready" };
        }
        var work = Path.Combine(Path.GetTempPath(), $"pitlane-transcode-{job.Id:N}-{job.Attempt}");
        Directory.CreateDirectory(work);
        try
        {
            var input = Path.Combine(work, "input");
            await using (var original = await media.OpenReadAsync(job.OrganizationId, row.OriginalMediaId, ct)
                ?? throw new JobPermanentFailureException("The uploaded video is no longer stored."))
            await using (var file = File.Create(input))
            {
                await original.CopyToAsync(file, ct);
            }
            var o = options.Value;
            var transcoder = new VideoTranscoder(new TranscodeSettings(o.FfmpegPath, o.FfprobePath, o.VideoMaxSide, o.MaxVideoSeconds,
                TimeSpan.FromSeconds(o.TranscodeTimeoutSeconds)));
            TranscodeResult result;
            try
            {
                result = await transcoder.TranscodeAsync(input, Path.Combine(work, "out"), (percent, message) => job.ReportAsync(percent, message, ct), ct);
            }
            catch (VideoRejectedException e)
            {
                row.Failed(e.Message);
                await db.SaveChangesAsync(ct);
                throw new JobPermanentFailureException(e.Message, e);
            }
            var video = await PutAsync(job.OrganizationId, result.VideoPath, "video.mp4", MediaKind.Video, ct);
            var poster = await PutAsync(job.OrganizationId, result.PosterPath, "poster.jpg", MediaKind.Image, ct);
            var preview = await PutAsync(job.OrganizationId, result.PreviewPath, "preview.mp4", MediaKind.Video, ct);
            row.Transcoded(video.Id, poster.Id, preview.Id, Math.Round(result.DurationSeconds, 2));
            await db.SaveChangesAsync(ct);
            await media.DeleteAsync(job.OrganizationId, row.OriginalMediaId, ct);
            await job.ReportAsync(100, "Ready", ct);
            return new { row.Id, state = "ready", durationSeconds = row.DurationSeconds, video = video.Id, poster = poster.Id, preview = preview.Id, video.Length };
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A killed ffmpeg may still hold a file for a moment; the temp cleaner takes the rest.
            }
        }
    }

    private async Task<MediaItem> PutAsync(Guid organizationId, string path, string name, MediaKind kind, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return await media.PutAsync(new MediaUpload(organizationId, file, name, [kind], Math.Max(options.Value.MaxVideoBytes, file.Length)), ct);
    }

    public async Task JobEndedAsync(JobEnding<TranscodeVideo> ending, CancellationToken ct)
    {
        var row = await db.Media.FirstOrDefaultAsync(m => m.Id == ending.Payload.InspectionMediaId && m.OrganizationId == ending.OrganizationId, ct);
        if (row is { State: MediaState.Processing })
        {
            row.Failed(ending.State == JobState.Cancelled ? "The conversion was cancelled." : ending.Error ?? "The video could not be converted.");
            await db.SaveChangesAsync(ct);
        }
    }
}
