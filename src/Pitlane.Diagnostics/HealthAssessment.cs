namespace Pitlane.Diagnostics;

public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>The result of <see cref="HealthEngine.Evaluate"/>. <see cref="Score"/> is always 100 minus the sum of the findings' points.</summary>
public sealed record HealthAssessment(
    int Score,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<MaintenanceReminder> Reminders,
    IReadOnlyList<Prediction> Predictions);

/// <param name="Rule">The rule id that produced it, e.g. "fueltrim.lean" (see README for the table).</param>
/// <param name="Seen">What was measured, with the numbers.</param>
/// <param name="WhyItMatters">The consequence, in plain words.</param>
/// <param name="Points">Points taken off the score, after the rule's cap.</param>
/// <param name="Codes">Trouble codes the finding is about, if any.</param>
/// <param name="Trend">The regression behind a trend finding.</param>
public sealed record Finding(string Rule, Severity Severity, string Seen, string WhyItMatters, int Points, IReadOnlyList<string> Codes)
{
    public TrendFit? Trend { get; init; }

    /// <summary>The cylinder a misfire finding names.</summary>
    public int? Cylinder { get; init; }
}

/// <summary>A least-squares line through a telemetry window.</summary>
/// <param name="SlopePerDay">Units per day.</param>
/// <param name="SlopePer1000Km">Units per 1,000 km, when the odometer series gives a distance rate.</param>
/// <param name="Current">The fitted value at the newest sample.</param>
public sealed record TrendFit(string Signal, int SampleCount, DateTimeOffset From, DateTimeOffset To, double SlopePerDay, double? SlopePer1000Km, double Current, double RSquared)
{
    public double SlopePer30Days => SlopePerDay * 30;
}

public enum ReminderUrgency
{
    Ok,
    DueSoon,
    Overdue,

    /// <summary>No service is recorded and nothing (odometer, date) lets the engine judge.</summary>
    Unknown,
}

/// <param name="DueKm">Odometer reading when due; null when only time counts or the last service has no reading.</param>
/// <param name="RemainingKm">Negative when overdue.</param>
/// <param name="RemainingDays">Negative when overdue.</param>
/// <param name="Basis">Why it is due: "by date", "by distance" or "by date and distance".</param>
public sealed record MaintenanceReminder(
    string Key,
    string Name,
    ReminderUrgency Urgency,
    DateTimeOffset? LastDone,
    double? DueKm,
    DateTimeOffset? DueDate,
    double? RemainingKm,
    int? RemainingDays,
    string Basis);

/// <param name="Text">"likely within N days (about N km)", with the rule and data behind it.</param>
/// <param name="WithinDays">Days until the threshold is crossed, from the fitted line.</param>
/// <param name="WithinKm">The same in distance, when the odometer series gives a distance rate.</param>
public sealed record Prediction(string Rule, string Text, int WithinDays, int? WithinKm, double Threshold, TrendFit Basis);
