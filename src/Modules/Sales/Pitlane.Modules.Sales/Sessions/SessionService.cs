using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Sales.Capture;
using Pitlane.Modules.Sales.Reports;
using Pitlane.Modules.Sales.Transcripts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Live;
using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Sessions;

public sealed record Outcome<T>(T? Value, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false);

/// <summary>Practice sessions: starting, pausing, audio, feedback, completion and the report.</summary>
public sealed class SessionService(
    SalesDbContext db,
    IVehicleDirectory vehicles,
    AudioStore audio,
    ILiveChannel live,
    JobQueue jobs,
    TranscriberChoice transcribers,
    Reports.CoachingWriter coach,
    IOptions<SalesOptions> options,
    TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<Outcome<PracticeSession>> StartAsync(Guid org, Guid userId, string userName, StartSessionRequest request, CancellationToken ct)
    {
        var check = new Validation()
            .Require(FeedbackNames.TryKind(request.Kind, out var kind), "kind", "kind must be pitch, objection or closing.")
            .Require(request.Persona is null || request.Persona.Length <= PracticeSession.MaxPersona, "persona", $"persona is at most {PracticeSession.MaxPersona} characters.")
            .Require(request.ObjectionScript is null || request.ObjectionScript.Length <= PracticeSession.MaxScript, "objectionScript", $"objectionScript is at most {PracticeSession.MaxScript} characters.");
        VehicleSummary? vehicle = null;
        if (request.VehicleId is { } vehicleId)
        {
            vehicle = await vehicles.FindAsync(org, vehicleId, ct);
            check.Require(vehicle is not null, "vehicleId", "No such vehicle in this organisation.");
        }
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var session = PracticeSession.Start(org, userId, userName, kind, vehicle?.Id, vehicle?.Title,
            Blank(request.Persona), Blank(request.ObjectionScript), Now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        return new(session);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>A session the caller may see: their own, or anyone's in the organisation with the team view.</summary>
    public async Task<PracticeSession?> FindAsync(Guid org, Guid userId, bool team, Guid id, CancellationToken ct) =>
        await db.Sessions.FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == org && (team || s.SalespersonId == userId), ct);

    /// <summary>Only the salesperson changes their own session.</summary>
    public async Task<PracticeSession?> FindOwnAsync(Guid org, Guid userId, Guid id, CancellationToken ct) =>
        await db.Sessions.FirstOrDefaultAsync(s => s.Id == id && s.OrganizationId == org && s.SalespersonId == userId, ct);

    public async Task<ListPage<PracticeSession>> ListAsync(Guid org, Guid? salesperson, PageRequest page, CancellationToken ct)
    {
        var query = db.Sessions.AsNoTracking().Where(s => s.OrganizationId == org);
        if (salesperson is { } who)
        {
            query = query.Where(s => s.SalespersonId == who);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return new ListPage<PracticeSession>(items, page.Number, page.PageSize, total);
    }

    public async Task<IReadOnlyList<ProgressPoint>> ProgressAsync(Guid org, Guid salesperson, CancellationToken ct) =>
        (await db.Sessions.AsNoTracking()
            .Where(s => s.OrganizationId == org && s.SalespersonId == salesperson && s.State == SessionState.Completed)
            .Select(s => new { s.Id, s.CompletedAt, s.Kind, s.Score, s.Clarity, s.Confidence })
            .ToListAsync(ct))
        .OrderBy(s => s.CompletedAt).TakeLast(100)
        .Select(s => new ProgressPoint(s.Id, s.CompletedAt!.Value, s.Kind.ToString(), s.Score, s.Clarity, s.Confidence)).ToList();

    public async Task<IReadOnlyList<TeamMemberSummary>> TeamAsync(Guid org, CancellationToken ct)
    {
        var rows = await db.Sessions.AsNoTracking().Where(s => s.OrganizationId == org)
            .Select(s => new { s.SalespersonId, s.SalespersonName, s.State, s.Score, s.CreatedAt, s.CompletedAt }).ToListAsync(ct);
        return rows.GroupBy(r => r.SalespersonId).Select(g =>
        {
            var done = g.Where(r => r.State == SessionState.Completed && r.Score is not null).OrderBy(r => r.CompletedAt).ToList();
            return new TeamMemberSummary(g.Key, g.OrderByDescending(r => r.CreatedAt).First().SalespersonName, g.Count(), done.Count,
                done.Count == 0 ? null : Math.Round(done.Average(r => r.Score!.Value), 1), done.LastOrDefault()?.Score, g.Max(r => r.CreatedAt));
        }).OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<IReadOnlyList<FeedbackEvent>> FeedbackAsync(Guid sessionId, CancellationToken ct) =>
        await db.Feedback.AsNoTracking().Where(f => f.SessionId == sessionId).OrderBy(f => f.AtSeconds).ThenBy(f => f.Id).ToListAsync(ct);

    public async Task<string?> ChangeAsync(PracticeSession session, Func<PracticeSession, DateTime, string?> change, CancellationToken ct)
    {
        var refusal = change(session, Now);
        if (refusal is null)
        {
            await db.SaveChangesAsync(ct);
        }
        return refusal;
    }

    /// <summary>Stores feedback and pushes it to the organisation's live group; returns what was stored.</summary>
    public async Task<IReadOnlyList<FeedbackEvent>> RecordFeedbackAsync(PracticeSession session, IReadOnlyList<LiveFeedback> events, double offsetSeconds, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return [];
        }
        var stored = events.Select(e => FeedbackEvent.From(session, e, offsetSeconds, Now)).ToList();
        db.Feedback.AddRange(stored);
        await db.SaveChangesAsync(ct);
        foreach (var f in stored)
        {
            await live.PublishAsync(LiveGroup.Member(session.OrganizationId, session.SalespersonId), FeedbackResponse.LiveMethod, FeedbackResponse.From(f), ct);
        }
        return stored;
    }

    /// <summary>An uploaded recording: decoded to 16 kHz PCM, analysed for feedback as if live, appended to the session.</summary>
    public async Task<Outcome<UploadResponse>> AddRecordingAsync(PracticeSession session, byte[] pcm, CancellationToken ct)
    {
        var seconds = pcm.Length / (double)AudioStore.BytesPerSecond;
        if (session.CanAcceptAudio(seconds, options.Value.MaxSessionSeconds) is { } refusal)
        {
            return new(null, Conflict: refusal);
        }
        var offset = session.AudioSeconds;
        var analyzer = new LiveSpeechAnalyzer();
        var events = analyzer.FeedS16Le(pcm);
        await audio.AppendAsync(session.Id, pcm, ct);
        session.AddAudio(seconds, Now);
        var stored = await RecordFeedbackAsync(session, events, offset, ct);
        await db.SaveChangesAsync(ct);
        return new(new UploadResponse(Math.Round(seconds, 2), session.AudioSeconds, stored.Select(FeedbackResponse.From).ToList()));
    }

    public async Task AddStreamedAudioAsync(Guid sessionId, double seconds, CancellationToken ct)
    {
        var session = await db.Sessions.FirstAsync(s => s.Id == sessionId, ct);
        session.AddAudio(seconds, Now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Analyses the whole recording, writes the report and scores, and queues the transcript when a transcriber exists.</summary>
    public async Task<string?> CompleteAsync(PracticeSession session, CancellationToken ct)
    {
        if (session.State == SessionState.Completed)
        {
            return "The session is already completed.";
        }
        var samples = await audio.ReadSamplesAsync(session.Id, ct);
        var transcriber = transcribers.Current;
        var status = transcriber is null ? TranscriptStatus.Unavailable : TranscriptStatus.Pending;
        var note = transcriber is null
            ? "No speech-to-text is configured or installed here, so this report is built from the audio alone (fillers and hedges are not counted)."
            : $"The transcript is being prepared ({transcriber.Source}).";
        var report = SessionReport.Build(samples, null, status.ToString(), note);
        if (transcriber is null)
        {
            // The final report now; with a transcriber the transcript job writes the notes once it has the words.
            report = await coach.WriteAsync(report, session.Scenario(), ct);
        }
        var refusal = session.Complete(report.ToJson(), report.Score, status, Now);
        if (refusal is not null)
        {
            return refusal;
        }
        if (transcriber is null)
        {
            await db.SaveChangesAsync(ct);
            audio.Delete(session.Id);
        }
        else
        {
            await jobs.EnqueueAsync(db, session.OrganizationId, new TranscribeSession(session.Id), ct);
        }
        return null;
    }
}
