using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.RepairOrders;

namespace Pitlane.Modules.Shop.Kpis;

/// <param name="EfficiencyPercent">Flagged ÷ actual hours × 100; null without clocked time.</param>
/// <param name="ProductivityPercent">Actual (clocked) hours ÷ paid hours × 100.</param>
public sealed record TechnicianKpi(Guid TechnicianId, double ActualHours, double FlaggedHours, double? EfficiencyPercent, double PaidHours, double? ProductivityPercent);

public sealed record DayKpi(DateOnly Day, int CarCount, long Sales);

/// <summary>
/// The manager's numbers over the repair orders invoiced in [From, To] (the shop's local days). Money in minor units,
/// before tax and without core charges (they pass through); declined jobs are out, credit notes are not subtracted.
/// </summary>
/// <param name="Sales">Labor + parts + fees, each net of its discounts.</param>
/// <param name="Aro">Average repair order: sales ÷ car count.</param>
/// <param name="LaborCost">Hours sold × the labor category's cost per hour recorded on each line when it was priced (0
/// where none was set then).</param>
/// <param name="GrossProfit">Labor GP + parts GP + fees (fees have no cost).</param>
/// <param name="GrossProfitPercent">Gross profit ÷ sales × 100, to 0.01.</param>
/// <param name="EffectiveLaborRate">Labor sales ÷ hours sold (minor units per hour).</param>
public sealed record KpiReport(
    DateOnly From, DateOnly To, string TimeZone, string Currency, int CarCount, long Sales, long LaborSales, long PartsSales, long FeesSales, long Aro,
    long LaborCost, long PartsCost, long LaborGrossProfit, long PartsGrossProfit, long GrossProfit, decimal? GrossProfitPercent, decimal? LaborGrossProfitPercent,
    decimal? PartsGrossProfitPercent, double HoursSold, long EffectiveLaborRate, double HoursPerRo, IReadOnlyList<TechnicianKpi> Technicians, IReadOnlyList<DayKpi> Days);

/// <summary>The KPIs dashboard's numbers, computed from the shop's own repair orders and time entries.</summary>
public sealed class ShopKpis(ShopDbContext db, ShopSettingsStore settings, TimeProvider time)
{
    public const int MaxDays = 366;

    public const double DefaultPaidHoursPerDay = 8;

    public async Task<KpiReport> ReportAsync(Guid organizationId, DateOnly from, DateOnly to, double paidHoursPerDay, CancellationToken ct)
    {
        var shop = await settings.GetAsync(organizationId, ct);
        var zone = shop.Zone;
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
        var orders = await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).AsSplitQuery()
            .Where(r => r.OrganizationId == organizationId && r.InvoicedAt != null && r.InvoicedAt >= fromUtc && r.InvoicedAt < toUtc)
            .ToListAsync(ct);
        var ids = orders.Select(o => o.Id).ToList();
        var entries = ids.Count == 0
            ? []
            : await db.TimeEntries.AsNoTracking().Where(e => e.OrganizationId == organizationId && ids.Contains(e.RepairOrderId)).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;

        long laborSales = 0, partsSales = 0, feesSales = 0, partsCost = 0, laborCostCents = 0;
        long hundredths = 0;
        var days = new Dictionary<DateOnly, (int Cars, long Sales)>();
        var flaggedByTech = new Dictionary<Guid, double>();
        foreach (var order in orders)
        {
            var totals = RepairOrderTotals.Of(order);
            var orderSales = totals.Labor - totals.LaborDiscount + totals.Parts - totals.PartsDiscount + totals.Fees - totals.FeesDiscount;
            laborSales += totals.Labor - totals.LaborDiscount;
            partsSales += totals.Parts - totals.PartsDiscount;
            feesSales += totals.Fees - totals.FeesDiscount;
            partsCost += totals.PartsCost;
            foreach (var job in order.Jobs.Where(j => j.Status != JobStatus.Declined))
            {
                var jobHundredths = 0L;
                foreach (var line in job.Lines.Where(l => l.Kind == LineKind.Labor))
                {
                    jobHundredths += line.QuantityHundredths;
                    // The cost per hour recorded when the line was priced (0 when the category had none then).
                    laborCostCents += (long)line.QuantityHundredths * line.UnitCost;
                }
                hundredths += jobHundredths;
                // A job's flagged hours go to the technicians who clocked on it, in proportion to their time.
                var onJob = entries.Where(e => e.JobId == job.Id).GroupBy(e => e.TechnicianId).Select(g => (Tech: g.Key, Hours: g.Sum(e => e.Hours(now)))).ToList();
                var clocked = onJob.Sum(t => t.Hours);
                foreach (var (tech, hours) in onJob)
                {
                    flaggedByTech[tech] = flaggedByTech.GetValueOrDefault(tech) + (clocked > 0 ? jobHundredths / 100.0 * hours / clocked : 0);
                }
            }
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(order.InvoicedAt!.Value, zone));
            var (cars, sales) = days.GetValueOrDefault(day);
            days[day] = (cars + 1, sales + orderSales);
        }
        var laborCost = Round(laborCostCents, 100);
        var totalSales = laborSales + partsSales + feesSales;
        var laborGp = laborSales - laborCost;
        var partsGp = partsSales - partsCost;
        var gp = laborGp + partsGp + feesSales;
        var carCount = orders.Count;
        var workingDays = WorkingDays(from, to);
        var paidHours = workingDays * paidHoursPerDay;
        var technicians = entries.GroupBy(e => e.TechnicianId).Select(g =>
        {
            var actual = Math.Round(g.Sum(e => e.Hours(now)), 2);
            var flagged = Math.Round(flaggedByTech.GetValueOrDefault(g.Key), 2);
            return new TechnicianKpi(g.Key, actual, flagged, actual > 0 ? Math.Round(flagged / actual * 100, 1) : null, paidHours,
                paidHours > 0 ? Math.Round(actual / paidHours * 100, 1) : null);
        }).OrderByDescending(t => t.FlaggedHours).ToList();
        var series = new List<DayKpi>();
        for (var d = from; d <= to && series.Count < MaxDays; d = d.AddDays(1))
        {
            var (cars, sales) = days.GetValueOrDefault(d);
            series.Add(new DayKpi(d, cars, sales));
        }
        return new KpiReport(from, to, shop.TimeZone, shop.Currency, carCount, totalSales, laborSales, partsSales, feesSales,
            carCount == 0 ? 0 : Round(totalSales, carCount), laborCost, partsCost, laborGp, partsGp, gp,
            Percent(gp, totalSales), Percent(laborGp, laborSales), Percent(partsGp, partsSales), hundredths / 100.0,
            hundredths == 0 ? 0 : Round(laborSales * 100, hundredths), carCount == 0 ? 0 : Math.Round(hundredths / 100.0 / carCount, 2), technicians, series);
    }

    /// <summary>The shop's local today, for the default range.</summary>
    public async Task<DateOnly> TodayAsync(Guid organizationId, CancellationToken ct) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, (await settings.GetAsync(organizationId, ct)).Zone));

    /// <summary>Monday to Friday in [from, to]: the days a technician is paid for by default.</summary>
    public static int WorkingDays(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            count += d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }
        return count;
    }

    /// <summary>a ÷ b rounded half away from zero (the shop's one rounding rule).</summary>
    public static long Round(long a, long b) => (long)Math.Round((decimal)a / b, MidpointRounding.AwayFromZero);

    private static decimal? Percent(long part, long whole) => whole == 0 ? null : Math.Round((decimal)part * 100 / whole, 2, MidpointRounding.AwayFromZero);
}
