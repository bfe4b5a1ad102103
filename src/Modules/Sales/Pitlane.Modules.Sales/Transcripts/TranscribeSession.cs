using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Sales.Capture;
using Pitlane.Modules.Sales.Reports;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Sales.Transcripts;

/// <summary>Job payload: transcribe a completed session and rebuild its report with fillers and hedges.</summary>
public sealed record TranscribeSession(Guid SessionId);

/// <summary>
/// Runs the configured speech-to-text on the session's audio, then rebuilds the report with the transcript. A failing
/// service leaves the audio-only report and marks the transcript unavailable, saying why; the audio is then deleted.
/// </summary>
public sealed class TranscribeSessionJob(SalesDbContext db, AudioStore audio, TranscriberChoice choice, CoachingWriter coach, TimeProvider time)
    : IJobHandler<TranscribeSession>, IJobEndHandler<TranscribeSession>
{
    public async Task<object?> RunAsync(JobContext<TranscribeSession> job, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == job.Payload.SessionId && s.OrganizationId == job.OrganizationId, ct);
        if (session is null)
        {
            return null;
        }
        var wav = await audio.ReadWavAsync(session.Id, ct);
        var samples = await audio.ReadSamplesAsync(session.Id, ct);
        var transcriber = choice.Current;
        TranscriptResult? result = null;
        string note;
        if (wav is null || transcriber is null)
        {
            note = "No speech-to-text was available, so this report is built from the audio alone.";
        }
        else
        {
            await job.ReportAsync(10, $"Transcribing with {transcriber.Source}", ct);
            try
            {
                result = await transcriber.TranscribeAsync(wav, ct);
                note = transcriber.Source == "pocketsphinx"
                    ? "Transcribed offline by PocketSphinx: expect misheard words; fillers are often dropped by its language model."
                    : "Transcribed by the speech-to-text service.";
            }
            catch (TranscriptionException e)
            {
                note = $"The transcript is unavailable ({e.Message}); this report is built from the audio alone.";
            }
        }
        var status = result is null ? TranscriptStatus.Unavailable : TranscriptStatus.Done;
        if (coach.Enabled)
        {
            await job.ReportAsync(80, "Writing coaching notes", ct);
        }
        var report = await coach.WriteAsync(SessionReport.Build(samples, result, status.ToString(), note), session.Scenario(), ct);
        session.SetTranscript(status, result?.Source, result?.Text, report.ToJson(), report.Score, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        audio.Delete(session.Id);
        return new { status = status.ToString() };
    }

    public async Task JobEndedAsync(JobEnding<TranscribeSession> ending, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == ending.Payload.SessionId, ct);
        if (session is { TranscriptStatus: TranscriptStatus.Pending })
        {
            var existing = SessionReport.FromJson(session.ReportJson);
            if (existing is not null)
            {
                var report = existing with { Transcript = existing.Transcript with { Status = "Unavailable", Note = "Transcription did not finish; this report is built from the audio alone." } };
                session.SetTranscript(TranscriptStatus.Unavailable, null, null, report.ToJson(), report.Score, time.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
            }
            audio.Delete(session.Id);
        }
    }
}
