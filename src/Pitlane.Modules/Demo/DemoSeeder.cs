using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Diagnostics.Lane;
using Pitlane.Identity;
using Pitlane.Organizations;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Vehicles;

namespace Pitlane.Demo;

public sealed record DemoLogin(string Email, OrganizationRole Role);

/// <summary>The embedded profile's demo: one shop, one user per role, a few vehicles. Seeded once, on an empty database.</summary>
public sealed class DemoSeeder(
    PitlaneDbContext db,
    UserAccounts accounts,
    UserManager<PitlaneUser> users,
    VehicleRegistration vehicles,
    IOptions<PitlaneOptions> options,
    TimeProvider time,
    ILogger<DemoSeeder> logger)
{
    public const string OrganizationName = "Pitlane Demo Garage";

    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new("owner@demo.pitlane.test", OrganizationRole.Owner),
        new("manager@demo.pitlane.test", OrganizationRole.Manager),
        new("advisor@demo.pitlane.test", OrganizationRole.ServiceAdvisor),
        new("tech@demo.pitlane.test", OrganizationRole.Technician),
        new("porter@demo.pitlane.test", OrganizationRole.Porter),
        new("sales@demo.pitlane.test", OrganizationRole.Salesperson),
    ];

    // Check digits computed per 49 CFR 565.15; the first is the well-known 2003 Honda Accord example.
    private static readonly (string Vin, int Km, string Plate, string Nickname)[] DemoVehicles =
    [
        ("1HGCM82633A004352", 212_400, "PIT-001", "Customer Accord"),
        ("1FTFW1ET3EKE12345", 98_750, "PIT-002", "Shop truck"),
        ("5YJ3E1EA2KF317000", 41_200, "PIT-003", "Loaner Model 3"),
        ("JTDKB20UX93512345", 156_000, "PIT-004", "Prius in bay 2"),
        ("WBA8E9G58GNT12345", 73_300, "PIT-005", "Wagon, brake job"),
    ];

    public async Task<bool> SeedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var existing = await db.Organizations.AsNoTracking()
            .Where(o => o.Name == OrganizationName && o.Kind == OrganizationKind.Shop).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        if (existing is { } seeded)
        {
            // A demo seeded before shop prices existed gets them too; a garage that has a profile keeps its own.
            await ShopPrices.SeedDemoAsync(db, seeded, now, ct);
            await SeedServiceLogAsync(seeded, now, ct);
            return false;
        }
        var password = options.Value.Demo.Password;
        var shop = Organization.Create(OrganizationName, OrganizationKind.Shop, now);
        db.Organizations.Add(shop);
        await db.SaveChangesAsync(ct);
        foreach (var login in Logins)
        {
            var user = await users.FindByEmailAsync(login.Email);
            if (user is null)
            {
                var name = $"Demo {login.Role}";
                var outcome = await accounts.RegisterAsync(login.Email, password, name, ct);
                user = outcome.User ?? throw new InvalidOperationException(
                    $"The demo user {login.Email} could not be created: {string.Join(' ', outcome.Errors!.SelectMany(e => e.Value))} (check Pitlane:Demo:Password).");
            }
            db.Memberships.Add(Membership.Create(shop.Id, user.Id, login.Role, now));
        }
        await db.SaveChangesAsync(ct);
        foreach (var (vin, km, plate, nickname) in DemoVehicles)
        {
            await vehicles.RegisterAsync(shop.Id, new CreateVehicleRequest(vin, km, plate, nickname), ct);
        }
        await ShopPrices.SeedDemoAsync(db, shop.Id, now, ct);
        await SeedServiceLogAsync(shop.Id, now, ct);
        logger.LogInformation("Seeded the demo organisation {Organization} with {Users} users and {Vehicles} vehicles", OrganizationName, Logins.Count, DemoVehicles.Length);
        return true;
    }

    /// <summary>
    /// The demo cars' maintenance history, so their reminders show every band: the Accord had its oil done recently but its
    /// brake fluid is two and a half years old. Added once, to a demo whose vehicles have no service entries yet.
    /// </summary>
    private async Task SeedServiceLogAsync(Guid organizationId, DateTime now, CancellationToken ct)
    {
        var demoCars = await db.Vehicles.AsNoTracking().Where(v => v.OrganizationId == organizationId)
            .Select(v => new { v.Id, v.Vin, v.OdometerKm }).ToListAsync(ct);
        var ids = demoCars.Select(v => v.Id).ToList();
        if (demoCars.Count == 0 || await db.ServiceEntries.AnyAsync(e => ids.Contains(e.VehicleId), ct))
        {
            return;
        }
        var today = now.Date;
        void Add(string vin, string key, int monthsAgo, int kmAgo, string note)
        {
            if (demoCars.FirstOrDefault(v => v.Vin == vin) is not { } car) return;
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
        Add("1HGCM82633A004352", "oil-filter", 5, 6_100, "5W-20, 4.2 l, demo entry");
        Add("1HGCM82633A004352", "air-filter", 11, 13_000, "demo entry");
        Add("1HGCM82633A004352", "brake-fluid", 30, 38_000, "DOT 3, demo entry");
        Add("1FTFW1ET3EKE12345", "oil-filter", 13, 14_200, "5W-20, demo entry");
        Add("1FTFW1ET3EKE12345", "coolant", 20, 25_000, "demo entry");
        Add("JTDKB20UX93512345", "oil-filter", 2, 2_000, "0W-20, demo entry");
        Add("JTDKB20UX93512345", "spark-plugs", 40, 70_000, "iridium, demo entry");
        Add("WBA8E9G58GNT12345", "brake-fluid", 6, 7_000, "DOT 4, demo entry");
        await db.SaveChangesAsync(ct);
    }
}
