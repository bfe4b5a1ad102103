namespace Pitlane.Diagnostics;

/// <summary>Due dates and distances from the schedule and the service history.</summary>
internal static class MaintenancePlanner
{
    public static IReadOnlyList<MaintenanceReminder> Remind(HealthInput input, double? kmPerDay)
    {
        var schedule = input.Schedule ?? MaintenanceSchedule.Default;
        double? odometer = input.OdometerKm is { } o && double.IsFinite(o) && o >= 0 ? o : null;
        var reminders = new List<MaintenanceReminder>(schedule.Count);
        foreach (var item in schedule)
        {
            if (item is null || string.IsNullOrWhiteSpace(item.Key)) continue;
            int? km = item.IntervalKm is > 0 ? item.IntervalKm : null;
            int? months = item.IntervalMonths is > 0 ? item.IntervalMonths : null;
            if (km is null && months is null) continue;
            reminders.Add(One(item, km, months, input, odometer, kmPerDay));
        }
        return reminders
            .OrderBy(r => Rank(r.Urgency))
            .ThenBy(r => r.RemainingDays ?? int.MaxValue)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
    }

    private static MaintenanceReminder One(MaintenanceItem item, int? intervalKm, int? intervalMonths, HealthInput input, double? odometer, double? kmPerDay)
    {
        var last = (input.ServiceHistory ?? [])
            .Where(r => r is not null && string.Equals(r.Key, item.Key, StringComparison.OrdinalIgnoreCase) && r.Date <= input.Now.AddDays(1))
            .OrderByDescending(r => r.Date)
            .ThenByDescending(r => r.OdometerKm is { } k && double.IsFinite(k) ? k : -1)
            .FirstOrDefault();
        double? lastKm = last?.OdometerKm is { } lk && double.IsFinite(lk) && lk >= 0 ? lk : null;

        // Without a record the distance counts from new (0 km): the schedule applies from the first kilometre.
        double? dueKm = intervalKm is { } ik ? (last is null ? ik : lastKm + ik) : null;
        DateTimeOffset? dueDate = intervalMonths is { } m && last is not null ? last.Date.AddMonths(m) : null;
        double? remainingKm = dueKm is { } d && odometer is { } odo ? d - odo : null;
        int? remainingDays = dueDate is { } dd ? (int)Math.Floor((dd - input.Now).TotalDays) : null;

        // Bands: overdue once either limit is reached; due soon within 10 % of the distance interval or 30 days; the
        // limit reached first wins ("whichever comes first", as manufacturers' schedules put it).
        bool kmOver = remainingKm is <= 0;
        bool dateOver = remainingDays is <= 0;
        bool kmSoon = remainingKm is { } rk && intervalKm is { } iv && rk <= iv * 0.10;
        // A distance rate turns the remaining distance into days, so a car driven a lot is warned 30 days ahead too.
        bool kmSoonByRate = remainingKm is { } rk2 && kmPerDay is { } rate && rk2 / rate <= 30;
        bool dateSoon = remainingDays is <= 30;

        ReminderUrgency urgency;
        string basis;
        if (kmOver || dateOver)
        {
            urgency = ReminderUrgency.Overdue;
            basis = Basis(kmOver, dateOver);
        }
        else if (kmSoon || kmSoonByRate || dateSoon)
        {
            urgency = ReminderUrgency.DueSoon;
            basis = Basis(kmSoon || kmSoonByRate, dateSoon);
        }
        else if (remainingKm is null && remainingDays is null)
        {
            urgency = ReminderUrgency.Unknown;
            basis = last is null ? "no service recorded" : "last service has no odometer reading";
        }
        else
        {
            urgency = ReminderUrgency.Ok;
            basis = Basis(remainingKm is not null, remainingDays is not null);
        }
        return new MaintenanceReminder(item.Key, item.Name, urgency, last?.Date, dueKm, dueDate, remainingKm, remainingDays, basis);
    }

    private static string Basis(bool distance, bool date) => (distance, date) switch
    {
        (true, true) => "by date and distance",
        (true, false) => "by distance",
        _ => "by date",
    };

    private static int Rank(ReminderUrgency urgency) => urgency switch
    {
        ReminderUrgency.Overdue => 0,
        ReminderUrgency.DueSoon => 1,
        ReminderUrgency.Unknown => 2,
        _ => 3,
    };
}
