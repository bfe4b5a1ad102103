using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Sessions;

public sealed record StartSessionRequest(string? Kind, Guid? VehicleId, string? Persona, string? ObjectionScript);

public sealed record SessionResponse(
    Guid Id, Guid SalespersonId, string SalespersonName, string Kind, Guid? VehicleId, string? VehicleTitle, string? Persona,
    string? ObjectionScript, string State, double AudioSeconds, DateTime CreatedAt, DateTime? CompletedAt, int? Score, int? Clarity,
    int? Confidence, string TranscriptStatus)
{
    public static SessionResponse From(PracticeSession s) => new(
        s.Id, s.SalespersonId, s.SalespersonName, s.Kind.ToString(), s.VehicleId, s.VehicleTitle, s.Persona, s.ObjectionScript,
        s.State.ToString(), s.AudioSeconds, s.CreatedAt, s.CompletedAt, s.Score, s.Clarity, s.Confidence, s.TranscriptStatus.ToString());
}

public sealed record FeedbackResponse(Guid Id, Guid SessionId, double AtSeconds, string Kind, string Type, string Severity, string Message, double? Value)
{
    public static FeedbackResponse From(FeedbackEvent f) => new(f.Id, f.SessionId, f.AtSeconds, f.Kind.ToString(), f.Type.ToString(),
        f.Severity.ToString(), f.Message, f.Value);

    /// <summary>The live hub message ("salesFeedback"), sent to the organisation's group.</summary>
    public const string LiveMethod = "salesFeedback";
}

public sealed record ProgressPoint(Guid SessionId, DateTime At, string Kind, int? Score, int? Clarity, int? Confidence);

public sealed record TeamMemberSummary(Guid SalespersonId, string Name, int Sessions, int Completed, double? AverageScore, int? LastScore, DateTime LastPractice);

public sealed record UploadResponse(double AddedSeconds, double AudioSeconds, IReadOnlyList<FeedbackResponse> Feedback);

public sealed record StreamTicketResponse(string Ticket, string Url, int ExpiresInSeconds);

internal static class FeedbackNames
{
    public static bool TryKind(string? value, out PracticeKind kind) => Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind);

    public static FeedbackType TypeOf(FeedbackKind kind) => kind switch
    {
        FeedbackKind.SteadyDelivery => FeedbackType.Praise,
        FeedbackKind.LongPause or FeedbackKind.Monotone or FeedbackKind.TooSlow => FeedbackType.Suggestion,
        _ => FeedbackType.Correction,
    };
}
