using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Pitlane.Modules.Parking;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Parking;

/// <summary>
/// Spots created before search read the weekly openings from the listing row get them from the migration
/// (ParkingListingOpenings), exactly as <see cref="Availability.Pack"/> writes them; an empty column would hide every
/// existing spot from search after an upgrade.
/// </summary>
public sealed class ParkingOpeningsMigrationTests(PostgresServer postgres) : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"pitlane-parking-openings-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Given_spots_from_before_the_openings_column_When_migrating_Then_each_has_its_weekly_rules_packed(DatabaseProvider provider)
    {
        await using var db = await ContextAsync(provider);
        var migrations = db.Database.GetMigrations().ToList();
        var openings = migrations.FindIndex(m => m.EndsWith("_ParkingListingOpenings", StringComparison.Ordinal));
        Assert.True(openings > 0);
        await db.GetService<IMigrator>().MigrateAsync(migrations[openings - 1], cancellationToken: Ct);

        var now = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        (DayOfWeek Day, int Start, int End)[][] schedules =
        [
            [.. Enum.GetValues<DayOfWeek>().Select(d => (d, 0, 1440))],
            [(DayOfWeek.Tuesday, 0, 420), (DayOfWeek.Monday, 1080, 1440), (DayOfWeek.Monday, 0, 30)],
            [],
        ];
        var ids = new List<Guid>();
        foreach (var (schedule, i) in schedules.Select((s, i) => (s, i)))
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            var key = (long)(i + 1);
            // The columns as they were before the migration (the model now has one more, so no entity insert here).
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO parking_listings ("Id", "HostOrganizationId", "SpatialKey", "Title", "Address", "Latitude", "Longitude", "TimeZone", "MaxLengthCm",
                    "MaxHeightCm", "Covered", "EvCharger", "Gated", "HourlyRate", "MinimumMinutes", "Currency", "CancellationPolicy", "GeofenceMeters",
                    "Published", "CreatedAt", "UpdatedAt")
                VALUES ({id}, {Guid.NewGuid()}, {key}, {"Spot " + i}, {"Street " + i}, {52.5 + i * 0.01}, {13.4}, {"UTC"}, {500}, {200}, {false}, {false}, {false},
                    {300L}, {60}, {"usd"}, {"moderate"}, {40}, {true}, {now}, {now})
                """, Ct);
            foreach (var (day, start, end) in schedule)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO parking_availability_rules ("Id", "ListingId", "Day", "StartMinute", "EndMinute") VALUES ({Guid.NewGuid()}, {id}, {(int)day}, {start}, {end})
                    """, Ct);
            }
        }

        await db.Database.MigrateAsync(Ct);

        var packed = await db.Listings.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Openings, Ct);
        Assert.Equal("0:0:1440,1:0:1440,2:0:1440,3:0:1440,4:0:1440,5:0:1440,6:0:1440", packed[ids[0]]);
        Assert.Equal("1:0:30,1:1080:1440,2:0:420", packed[ids[1]]);
        Assert.Equal("", packed[ids[2]]);
        foreach (var (schedule, i) in schedules.Select((s, i) => (s, i)))
        {
            Assert.Equal(Availability.Pack(schedule.Select(r => new AvailabilityRule(r.Day, r.Start, r.End))), packed[ids[i]]);
        }
    }

    private async Task<ParkingDbContext> ContextAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            if (postgres.UnavailableReason is { } reason)
            {
                ServerRequirement.Unavailable(reason);
            }
            var connection = await postgres.CreateDatabaseAsync("parkingopenings");
            return new PostgresParkingDbContext(new DbContextOptionsBuilder<PostgresParkingDbContext>()
                .UseNpgsql(connection, o => o.MigrationsHistoryTable(ParkingDbContext.HistoryTable)).Options);
        }
        return new SqliteParkingDbContext(new DbContextOptionsBuilder<SqliteParkingDbContext>()
            .UseSqlite($"Data Source={_file};Pooling=false", o => o.MigrationsHistoryTable(ParkingDbContext.HistoryTable)).Options);
    }

    public void Dispose() => File.Delete(_file);
}
