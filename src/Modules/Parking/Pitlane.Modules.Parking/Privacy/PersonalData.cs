using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Parking.Bookings;
using Pitlane.Platform;
using Pitlane.Platform.Retention;

namespace Pitlane.Modules.Parking.Privacy;

public sealed record ConsentRequest(string? Purpose, bool? Granted);

public sealed record ErasureReport(int BookingsAnonymised, int LocationSamplesDeleted, int ConsentRecordsDeleted);

/// <summary>
/// A person's parking data under GDPR: one JSON archive of it (art. 15/20), and erasure (art. 17) that deletes
/// location samples and consent records and anonymises bookings; amounts and payment references stay, as bookkeeping
/// law requires them kept (seven years, as the seed says).
/// </summary>
public sealed class PersonalData(ParkingDbContext db, TimeProvider time)
{
    public static readonly string[] Purposes = ["location_sharing", "marketing"];

    public async Task<byte[]> ExportAsync(Guid userId, CancellationToken ct)
    {
        var bookings = await db.Bookings.AsNoTracking().Where(b => b.DriverUserId == userId).OrderBy(b => b.StartsAt).ToListAsync(ct);
        var ids = bookings.Select(b => b.Id).ToList();
        var samples = await db.Locations.AsNoTracking().Where(s => ids.Contains(s.BookingId)).OrderBy(s => s.At).ToListAsync(ct);
        var consents = await db.Consents.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.At).ToListAsync(ct);
        var archive = new
        {
            userId,
            exportedAt = time.GetUtcNow().UtcDateTime,
            bookings = bookings.Select(b => new
            {
                b.Id, b.ListingId, b.StartsAt, b.EndsAt, b.Status, b.Total, b.Currency, b.Captured, b.Refunded, b.VehiclePlate, b.VehicleLengthCm,
                b.VehicleHeightCm, b.ArrivedAt, b.ArrivalSource, b.EndedAt, b.Rating, b.Review, b.CreatedAt,
            }),
            locationSamples = samples.Select(s => new { s.BookingId, s.Latitude, s.Longitude, s.AccuracyMeters, s.Source, s.At }),
            consents = consents.Select(c => new { c.Purpose, c.Granted, c.At }),
            teslaConnected = await db.TeslaAccounts.AnyAsync(a => a.UserId == userId && a.ConnectedAt != null, ct),
        };
        return JsonSerializer.SerializeToUtf8Bytes(archive, new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true });
    }

    public async Task<ErasureReport> EraseAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var bookings = await db.Bookings.Where(b => b.DriverUserId == userId).ToListAsync(ct);
        var ids = bookings.Select(b => b.Id).ToList();
        var samples = await db.Locations.Where(s => ids.Contains(s.BookingId)).ExecuteDeleteAsync(ct);
        var consents = await db.Consents.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        await db.TeslaAccounts.Where(a => a.UserId == userId).ExecuteDeleteAsync(ct);
        foreach (var booking in bookings)
        {
            booking.Anonymise(now);
        }
        await db.SaveChangesAsync(ct);
        return new ErasureReport(bookings.Count, samples, consents);
    }

    public async Task<Dictionary<string, string[]>?> RecordConsentAsync(Guid userId, ConsentRequest request, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Purpose is not null && Purposes.Contains(request.Purpose), "purpose", $"purpose is one of {string.Join(", ", Purposes)}.")
            .Require(request.Granted is not null, "granted", "granted is true or false.");
        if (!check.IsValid)
        {
            return check.Errors;
        }
        db.Consents.Add(new ConsentRecord(userId, request.Purpose!, request.Granted!.Value, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return null;
    }
}

/// <summary>Deletes location samples older than Pitlane:Parking:LocationRetentionDays (30 at most): positions are personal data.</summary>
public sealed class LocationRetention(ParkingDbContext db, ParkingOptions options) : IRetentionTask
{
    public string What => "parking location samples";

    public async Task<int> PurgeAsync(DateTime now, CancellationToken ct)
    {
        var cutoff = now.AddDays(-options.LocationRetentionDays);
        return await db.Locations.Where(s => s.At < cutoff).ExecuteDeleteAsync(ct);
    }
}
