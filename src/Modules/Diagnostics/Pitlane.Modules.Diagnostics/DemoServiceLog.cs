using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// The demo cars' maintenance history, so their reminders show every band: the Accord had its oil done recently but its
/// brake fluid is two and a half years old. Added once, to a demo whose cars have no service entries yet.
/// </summary>
internal static class DemoServiceLog
{
    private static readonly (string Vin, string Key, int MonthsAgo, int KmAgo, string Note)[] Entries =
    [
        ("1HGCM82633A004352", "oil-filter", 5, 6_100, "5W-20, 4.2 l, demo entry"),
        ("1HGCM82633A004352", "air-filter", 11, 13_000, "demo entry"),
        ("1HGCM82633A004352", "brake-fluid", 30, 38_000, "DOT 3, demo entry"),
        ("1FTFW1ET3EKE12345", "oil-filter", 13, 14_200, "5W-20, demo entry"),
        ("1FTFW1ET3EKE12345", "coolant", 20, 25_000, "demo entry"),
        ("JTDKB20UX93512345", "oil-filter", 2, 2_000, "0W-20, demo entry"),
        ("JTDKB20UX93512345", "spark-plugs", 40, 70_000, "iridium, demo entry"),
        ("WBA8E9G58GNT12345", "brake-fluid", 6, 7_000, "DOT 4, demo entry"),
    ];

    public static async Task SeedAsync(DiagnosticsDbContext db, IVehicleDirectory vehicles, Guid organizationId, DateTime now, CancellationToken ct)
    {
        var cars = new Dictionary<string, VehicleSummary>(StringComparer.Ordinal);
        foreach (var vin in Entries.Select(e => e.Vin).Distinct())
        {
            if (await vehicles.FindByVinAsync(organizationId, vin, ct) is { } car)
            {
                cars[vin] = car;
            }
        }
        var ids = cars.Values.Select(c => c.Id).ToList();
        if (cars.Count == 0 || await db.ServiceEntries.AnyAsync(e => ids.Contains(e.VehicleId), ct))
        {
            return;
        }
        var today = now.Date;
        foreach (var (vin, key, monthsAgo, kmAgo, note) in Entries)
        {
            if (!cars.TryGetValue(vin, out var car))
            {
                continue;
            }
            db.ServiceEntries.Add(new ServiceEntry
            {
                Id = Guid.CreateVersion7(),
                OrganizationId = organizationId,
                VehicleId = car.Id,
                Key = key,
                PerformedOn = DateTime.SpecifyKind(today.AddMonths(-monthsAgo), DateTimeKind.Utc),
                OdometerKm = car.OdometerKm is { } km ? Math.Max(0, km - kmAgo) : null,
                Note = note,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }
}
