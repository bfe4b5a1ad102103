using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Sessions;

public enum PracticeKind { Pitch, Objection, Closing }

public enum SessionState { Active, Paused, Completed }

public enum TranscriptStatus { None, Pending, Done, Unavailable }

/// <summary>
/// One rehearsal by one salesperson: active → paused ⇄ active → completed. Audio is accepted only while active; the
/// report (metrics, scores, transcript) is written once, on completion, and the transcript may follow later.
/// </summary>
public sealed class PracticeSession
{
    public const int MaxPersona = 500;
    public const int MaxScript = 4000;

    private PracticeSession()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid SalespersonId { get; private set; }
    public string SalespersonName { get; private set; } = "";
    public PracticeKind Kind { get; private set; }
    public Guid? VehicleId { get; private set; }
    public string? VehicleTitle { get; private set; }
    public string? Persona { get; private set; }
    public string? ObjectionScript { get; private set; }
    public SessionState State { get; private set; }
    public double AudioSeconds { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public int? Score { get; private set; }
    public int? Clarity { get; private set; }
    public int? Confidence { get; private set; }
    /// <summary>The report as JSON (metrics, scores with inputs, timeline, notes): written once, read whole.</summary>
    public string? ReportJson { get; private set; }
    public TranscriptStatus TranscriptStatus { get; private set; }
    public string? TranscriptSource { get; private set; }
    public string? Transcript { get; private set; }

    /// <summary>The scenario in words, for the coach: kind, vehicle, persona and objection.</summary>
    public string Scenario()
    {
        var parts = new List<string> { Kind.ToString().ToLowerInvariant() };
        if (VehicleTitle is { Length: > 0 })
        {
            parts.Add("vehicle: " + VehicleTitle);
        }
        if (Persona is { Length: > 0 })
        {
            parts.Add("customer: " + Persona);
        }
        if (ObjectionScript is { Length: > 0 })
        {
            parts.Add("objection: " + ObjectionScript);
        }
        return string.Join("; ", parts);
    }

    public static PracticeSession Start(Guid organizationId, Guid salespersonId, string salespersonName, PracticeKind kind, Guid? vehicleId,
        string? vehicleTitle, string? persona, string? script, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganizationId = organizationId,
        SalespersonId = salespersonId,
        SalespersonName = salespersonName,
        Kind = kind,
        VehicleId = vehicleId,
        VehicleTitle = vehicleTitle,
        Persona = persona,
        ObjectionScript = script,
        State = SessionState.Active,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Null when the change is allowed, else why not (a 409).</summary>
    public string? Pause(DateTime now) => Move(SessionState.Active, SessionState.Paused, now, "Only an active session can be paused.");

    public string? Resume(DateTime now) => Move(SessionState.Paused, SessionState.Active, now, "Only a paused session can be resumed.");

    public string? CanAcceptAudio(double seconds, int maxSeconds) => State != SessionState.Active
        ? "Audio is accepted only while the session is active."
        : AudioSeconds + seconds > maxSeconds ? $"A session holds at most {maxSeconds / 60} minutes of audio." : null;

    public void AddAudio(double seconds, DateTime now)
    {
        AudioSeconds = Math.Round(AudioSeconds + seconds, 3);
        UpdatedAt = now;
    }

    public string? Complete(string reportJson, SpeechScore score, TranscriptStatus transcript, DateTime now)
    {
        if (State == SessionState.Completed)
        {
            return "The session is already completed.";
        }
        if (AudioSeconds <= 0)
        {
            return "Record or upload something first: the session has no audio yet.";
        }
        State = SessionState.Completed;
        CompletedAt = now;
        UpdatedAt = now;
        SetReport(reportJson, score);
        TranscriptStatus = transcript;
        return null;
    }

    public void SetTranscript(TranscriptStatus status, string? source, string? text, string reportJson, SpeechScore score, DateTime now)
    {
        TranscriptStatus = status;
        TranscriptSource = source;
        Transcript = text;
        SetReport(reportJson, score);
        UpdatedAt = now;
    }

    private void SetReport(string reportJson, SpeechScore score)
    {
        ReportJson = reportJson;
        Score = score.Overall;
        Clarity = score.Clarity.Value;
        Confidence = score.Confidence.Value;
    }

    private string? Move(SessionState from, SessionState to, DateTime now, string refusal)
    {
        if (State != from)
        {
            return refusal;
        }
        State = to;
        UpdatedAt = now;
        return null;
    }
}

/// <summary>One piece of feedback given during a session, at a time in its audio.</summary>
public sealed class FeedbackEvent
{
    private FeedbackEvent()
    {
    }

    public Guid Id { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid OrganizationId { get; private set; }
    public double AtSeconds { get; private set; }
    public FeedbackKind Kind { get; private set; }
    public FeedbackType Type { get; private set; }
    public FeedbackSeverity Severity { get; private set; }
    public string Message { get; private set; } = "";
    public double? Value { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static FeedbackEvent From(PracticeSession session, LiveFeedback f, double offsetSeconds, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        SessionId = session.Id,
        OrganizationId = session.OrganizationId,
        AtSeconds = Math.Round(offsetSeconds + f.AtSeconds, 2),
        Kind = f.Kind,
        Type = f.Type,
        Severity = f.Severity,
        Message = f.Message,
        Value = f.Value,
        CreatedAt = now,
    };
}
