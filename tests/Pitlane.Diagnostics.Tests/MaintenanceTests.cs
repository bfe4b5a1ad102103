using static Pitlane.Diagnostics.Tests.Inputs;

namespace Pitlane.Diagnostics.Tests;

public class MaintenanceTests
{
    private static MaintenanceReminder Reminder(HealthAssessment a, string key) => Assert.Single(a.Reminders, r => r.Key == key);

    [Fact]
    public void Reminders_fall_into_overdue_due_soon_ok_and_unknown()
    {
        var input = Healthy() with
        {
            OdometerKm = 120_000,
            ServiceHistory =
            [
                new("oil-filter", Now.AddMonths(-5), 106_000),      // 1,000 km left of 15,000: within 10 %
                new("oil-filter", Now.AddMonths(-17), 91_000),      // older record, ignored
                new("air-filter", Now.AddMonths(-25), 100_000),     // 24 months passed: overdue by date
                new("brake-fluid", Now.AddMonths(-23).AddDays(-10), null), // 20 days left: due soon
                new("coolant", Now.AddMonths(-6), 110_000),         // fine
            ],
        };

        var a = HealthEngine.Evaluate(input);

        var oil = Reminder(a, "oil-filter");
        Assert.Equal((ReminderUrgency.DueSoon, 121_000d, 1_000d, "by distance"), (oil.Urgency, oil.DueKm!.Value, oil.RemainingKm!.Value, oil.Basis));
        var air = Reminder(a, "air-filter");
        Assert.Equal((ReminderUrgency.Overdue, "by date"), (air.Urgency, air.Basis));
        Assert.True(air.RemainingDays < 0);
        var fluid = Reminder(a, "brake-fluid");
        Assert.Equal((ReminderUrgency.DueSoon, "by date"), (fluid.Urgency, fluid.Basis));
        Assert.Null(fluid.DueKm);
        Assert.Equal(ReminderUrgency.Ok, Reminder(a, "coolant").Urgency);
        // No spark-plug record: the 100,000 km interval counts from new.
        var plugs = Reminder(a, "spark-plugs");
        Assert.Equal((ReminderUrgency.Overdue, -20_000d), (plugs.Urgency, plugs.RemainingKm!.Value));
        Assert.Equal(["air-filter", "spark-plugs", "brake-fluid", "oil-filter", "coolant"], a.Reminders.Select(r => r.Key));
        // Two overdue items (air filter, spark plugs) take 5 points each; due-soon and ok items take nothing.
        Assert.Equal(90, a.Score);
        var overdue = a.Findings.Where(f => f.Rule == "maintenance.overdue").ToList();
        Assert.Equal(2, overdue.Count);
        Assert.Contains(overdue, f => f.Seen == "Spark plugs: service overdue by 20,000 km");
        Assert.All(overdue, f => Assert.DoesNotContain("-", f.Seen, StringComparison.Ordinal));
    }

    [Fact]
    public void Overdue_maintenance_lowers_the_score_even_without_a_scan_and_at_most_by_15()
    {
        var a = HealthEngine.Evaluate(new HealthInput { Now = Now, OdometerKm = 400_000 });

        // Never serviced at 400,000 km: every distance item is overdue, but the rule's cap holds the loss at 15.
        Assert.True(a.Findings.Count(f => f.Rule == "maintenance.overdue") >= 3);
        Assert.Equal(85, a.Score);
        Assert.Equal(100 - a.Score, a.Findings.Sum(f => f.Points));
    }

    [Fact]
    public void Due_soon_boundary_is_10_percent_of_the_interval()
    {
        HealthAssessment At(double odometer) => HealthEngine.Evaluate(Healthy() with
        {
            OdometerKm = odometer,
            ServiceHistory = [new("oil-filter", Now.AddMonths(-1), 50_000)],
        });

        Assert.Equal(ReminderUrgency.Ok, Reminder(At(63_499), "oil-filter").Urgency);
        Assert.Equal(ReminderUrgency.DueSoon, Reminder(At(63_500), "oil-filter").Urgency);
        Assert.Equal(ReminderUrgency.Overdue, Reminder(At(65_000), "oil-filter").Urgency);
    }

    [Fact]
    public void Without_history_or_odometer_a_time_only_item_is_unknown_and_the_schedule_can_be_overridden()
    {
        var input = Healthy() with
        {
            OdometerKm = null,
            ServiceHistory = [],
            Schedule = [new("timing-belt", "Timing belt", 120_000, 72), new("brake-fluid", "Brake fluid", null, 24), new("bad", "Nothing", 0, null)],
        };

        var a = HealthEngine.Evaluate(input);

        Assert.Equal(["brake-fluid", "timing-belt"], a.Reminders.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(a.Reminders, r => Assert.Equal(ReminderUrgency.Unknown, r.Urgency));
    }

    [Fact]
    public void Distance_rate_warns_30_days_ahead_of_a_distance_limit()
    {
        // 3,000 km left of a 15,000 km interval (20 %), but at 150 km/day that is 20 days.
        var input = Healthy() with
        {
            OdometerKm = 62_000,
            ServiceHistory = [new("oil-filter", Now.AddMonths(-3), 50_000)],
            Telemetry = new Dictionary<string, IReadOnlyList<TelemetrySample>> { ["A6"] = Series(31, 24, day => 57_500 + (150 * day)) },
        };

        Assert.Equal(ReminderUrgency.DueSoon, Reminder(HealthEngine.Evaluate(input), "oil-filter").Urgency);
    }
}
