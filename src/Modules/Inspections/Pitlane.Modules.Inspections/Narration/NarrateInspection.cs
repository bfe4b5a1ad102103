using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Inspections.Narration;

/// <summary>The job that speaks an inspection's narration text and stores the audio as media.</summary>
public sealed record NarrateInspection(Guid InspectionId);

/// <summary>
/// Speaks <see cref="Inspection.NarrationText"/> with the configured synthesizer. WAV from espeak-ng is encoded to MP3
/// (64 kb/s mono, about a tenth of the size) with ffmpeg before it is stored; MP3 from a provider is stored as is. A
/// provider that is unavailable is retried; anything else fails the narration with its reason.
/// </summary>
public sealed class NarrateInspectionHandler(InspectionsDbContext db, ISpeechSynthesizer speech, IMediaStore media, IOptions<InspectionsOptions> options, TimeProvider time)
    : IJobHandler<NarrateInspection>, IJobEndHandler<NarrateInspection>
{
    public async Task<object?> RunAsync(JobContext<NarrateInspection> job, CancellationToken ct)
    {
        var inspection = await db.Inspections.FirstOrDefaultAsync(i => i.Id == job.Payload.InspectionId && i.OrganizationId == job.OrganizationId, ct)
            ?? throw new JobPermanentFailureException("The inspection was deleted.");
        if (inspection.NarrationJobId != job.Id || inspection.NarrationText is not { Length: > 0 } text)
        {
            // A newer narration was asked for meanwhile: that job speaks it.
            return new { superseded = true };
        }
        await job.ReportAsync(10, $"Speaking with {speech.Name}", ct);
        SpeechAudio audio;
        try
        {
            audio = await speech.SpeakAsync(text, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new JobPermanentFailureException(e.Message, e);
        }
        await job.ReportAsync(60, "Encoding the audio", ct);
        var bytes = audio.ContentType == "audio/wav" ? await ToMp3Async(audio.Bytes, ct) : audio.Bytes;
        using var content = new MemoryStream(bytes);
        MediaItem stored;
        try
        {
            stored = await media.PutAsync(new MediaUpload(job.OrganizationId, content, "narration.mp3", [MediaKind.Audio]), ct);
        }
        catch (MediaRejectedException e)
        {
            throw new JobPermanentFailureException($"The narration audio was refused by the media store: {e.Message}", e);
        }
        var previous = inspection.NarrationMediaId;
        inspection.NarrationReady(stored.Id, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        if (previous is { } old && old != stored.Id)
        {
            await media.DeleteAsync(job.OrganizationId, old, ct);
        }
        return new { media = stored.Id, stored.Length, synthesizer = speech.Name };
    }

    private async Task<byte[]> ToMp3Async(byte[] wav, CancellationToken ct)
    {
        var info = new ProcessStartInfo(options.Value.FfmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-hide_banner", "-nostats", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "pipe:1" })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new JobPermanentFailureException("ffmpeg did not start.");
        using var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output, ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.BaseStream.WriteAsync(wav, ct);
        process.StandardInput.Close();
        await reading;
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new JobPermanentFailureException($"Encoding the narration failed: {(await errors).Trim()}");
        }
        return output.ToArray();
    }

    public async Task JobEndedAsync(JobEnding<NarrateInspection> ending, CancellationToken ct)
    {
        var inspection = await db.Inspections.FirstOrDefaultAsync(i => i.Id == ending.Payload.InspectionId && i.OrganizationId == ending.OrganizationId, ct);
        if (inspection is not null && inspection.NarrationJobId == ending.JobId && inspection.NarrationMediaId is null)
        {
            inspection.NarrationFailed(ending.State == JobState.Cancelled ? "The narration was cancelled." : ending.Error ?? "The narration failed.",
                time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
    }
}
