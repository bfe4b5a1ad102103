using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Platform;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Shop.Bays;

public sealed record BayRequest(string? Name, bool? HasLift, bool? HasAlignment, bool? HasEvCharger, string? OpensAt, string? ClosesAt, string? TimeZone);

public sealed record BookingRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Title, Guid? RepairOrderId);

/// <summary>
/// Bays and their bookings. No two live bookings of one bay overlap, however many clients book at once: on PostgreSQL
/// the exclusion constraint <see cref="ShopDbContext.NoOverlapConstraint"/> refuses the second insert (SQLSTATE 23P01);
/// on SQLite the overlap check and the insert run in one BEGIN IMMEDIATE transaction, which SQLite serialises with
/// every other writer, behind an in-process gate so waiting writers queue instead of spinning on SQLITE_BUSY.
/// </summary>
public sealed class Bookings(ShopDbContext db, ILiveChannel live, TimeProvider time)
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);

    private static readonly SemaphoreSlim SqliteWriters = new(1, 1);

    public async Task<IReadOnlyList<Bay>> BaysAsync(Guid organizationId, CancellationToken ct) =>
        await db.Bays.AsNoTracking().Where(b => b.OrganizationId == organizationId).OrderBy(b => b.Name).ToListAsync(ct);

    public Task<Bay?> BayAsync(Guid organizationId, Guid bayId, CancellationToken ct) =>
        db.Bays.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bayId && b.OrganizationId == organizationId, ct);

    public async Task<Outcome<Bay>> AddBayAsync(Guid organizationId, BayRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var opens = Minute(request.OpensAt ?? "08:00");
        var closes = Minute(request.ClosesAt ?? "18:00");
        var zone = request.TimeZone ?? "UTC";
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 80, "name", "The bay needs a name of at most 80 characters.")
            .Require(opens is not null, "opensAt", "opensAt is a time of day, HH:mm.")
            .Require(closes is not null && (opens is null || closes > opens), "closesAt", "closesAt is a time of day (HH:mm, 24:00 allowed) after opensAt.")
            .Require(TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _), "timeZone", "timeZone must be an IANA time zone such as Europe/Berlin.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (await db.Bays.AnyAsync(b => b.OrganizationId == organizationId && b.Name == request.Name!.Trim(), ct))
        {
            return Outcome<Bay>.Refused("The shop has a bay of that name already.");
        }
        var bay = Bay.Create(organizationId, request.Name!, request.HasLift ?? false, request.HasAlignment ?? false, request.HasEvCharger ?? false,
            opens!.Value, closes!.Value, zone, time.GetUtcNow().UtcDateTime);
        db.Bays.Add(bay);
        await db.SaveChangesAsync(ct);
        return new(bay);
    }

    public async Task<IReadOnlyList<BayBooking>> BookingsAsync(Guid organizationId, Guid? bayId, DateTime from, DateTime to, CancellationToken ct) =>
        await db.Bookings.AsNoTracking()
            .Where(b => b.OrganizationId == organizationId && (bayId == null || b.BayId == bayId) && b.StartsAt < to && b.EndsAt > from && b.Status != BookingStatus.Cancelled)
            .OrderBy(b => b.StartsAt).ToListAsync(ct);

    public async Task<Outcome<BayBooking>> BookAsync(Guid organizationId, Guid bayId, Guid userId, BookingRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await BayAsync(organizationId, bayId, ct) is not { } bay)
        {
            return Outcome<BayBooking>.Missing;
        }
        var check = new Validation()
            .Require(request.StartsAt is not null, "startsAt", "startsAt is required (ISO 8601 with an offset).")
            .Require(request.EndsAt is not null && (request.StartsAt is null || request.EndsAt > request.StartsAt), "endsAt", "endsAt must be after startsAt.")
            .Require(request.StartsAt is null || request.EndsAt is null || request.EndsAt - request.StartsAt <= MaxLength, "endsAt", "A booking lasts at most 24 hours.")
            .Require(request.Title is null || request.Title.Trim().Length <= 200, "title", "title is at most 200 characters.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var start = request.StartsAt!.Value.UtcDateTime;
        var end = request.EndsAt!.Value.UtcDateTime;
        if (!bay.IsOpen(start, end))
        {
            return Outcome<BayBooking>.Invalid("startsAt", $"{bay.Name} is open {Clock(bay.OpensAtMinute)}–{Clock(bay.ClosesAtMinute)} ({bay.TimeZone}); book within those hours.");
        }
        if (request.RepairOrderId is { } ro && !await db.RepairOrders.AnyAsync(r => r.Id == ro && r.OrganizationId == organizationId, ct))
        {
            return Outcome<BayBooking>.Invalid("repairOrderId", "No such repair order in this shop.");
        }
        var booking = BayBooking.Create(organizationId, bayId, start, end, request.Title ?? "", request.RepairOrderId, userId, time.GetUtcNow().UtcDateTime);
        var conflict = db.Database.IsNpgsql() ? await InsertOnPostgresAsync(booking, ct) : await InsertOnSqliteAsync(booking, ct);
        if (conflict is not null)
        {
            return Outcome<BayBooking>.Refused(conflict);
        }
        await PublishAsync(booking, ct);
        return new(booking);
    }

    private const string Taken = "The bay is already booked for part of that time.";

    private async Task<string?> InsertOnPostgresAsync(BayBooking booking, CancellationToken ct)
    {
        db.Bookings.Add(booking);
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation, ConstraintName: ShopDbContext.NoOverlapConstraint })
        {
            db.Entry(booking).State = EntityState.Detached;
            return Taken;
        }
    }

    private async Task<string?> InsertOnSqliteAsync(BayBooking booking, CancellationToken ct)
    {
        await SqliteWriters.WaitAsync(ct);
        try
        {
            // Microsoft.Data.Sqlite begins a non-deferred transaction with BEGIN IMMEDIATE: the write lock is taken
            // before the overlap check reads, so no other writer (in this process or another) can slip in between.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await Overlaps(booking).AnyAsync(ct))
            {
                return Taken;
            }
            db.Bookings.Add(booking);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }
        finally
        {
            SqliteWriters.Release();
        }
    }

    private IQueryable<BayBooking> Overlaps(BayBooking booking) => db.Bookings.Where(b =>
        b.BayId == booking.BayId && b.Status != BookingStatus.Cancelled && b.StartsAt < booking.EndsAt && b.EndsAt > booking.StartsAt && b.Id != booking.Id);

    /// <summary>Start, finish or cancel (the workshop floor's buttons).</summary>
    public async Task<Outcome<BayBooking>> ChangeAsync(Guid organizationId, Guid bookingId, string action, CancellationToken ct)
    {
        if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId && b.OrganizationId == organizationId, ct) is not { } booking)
        {
            return Outcome<BayBooking>.Missing;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var conflict = action switch
        {
            "start" => booking.Start(now),
            "finish" => booking.Finish(now),
            _ => booking.Cancel(),
        };
        if (conflict is not null)
        {
            return Outcome<BayBooking>.Refused(conflict);
        }
        await db.SaveChangesAsync(ct);
        await PublishAsync(booking, ct);
        return new(booking);
    }

    private Task PublishAsync(BayBooking booking, CancellationToken ct) => live.PublishAsync(LiveGroup.Organization(booking.OrganizationId), "shop.booking", new
    {
        id = booking.Id, bayId = booking.BayId, startsAt = booking.StartsAt, endsAt = booking.EndsAt, status = booking.Status.ToString(), title = booking.Title,
    }, ct);

    /// <summary>A new secret feed URL for the bay (the previous one stops working); null when there is no such bay.</summary>
    public async Task<string?> RotateFeedAsync(Guid organizationId, Guid bayId, CancellationToken ct)
    {
        if (await db.Bays.FirstOrDefaultAsync(b => b.Id == bayId && b.OrganizationId == organizationId, ct) is not { } bay)
        {
            return null;
        }
        var secret = bay.RotateCalendarFeed();
        await db.SaveChangesAsync(ct);
        return secret;
    }

    public async Task<bool> RevokeFeedAsync(Guid organizationId, Guid bayId, CancellationToken ct)
    {
        if (await db.Bays.FirstOrDefaultAsync(b => b.Id == bayId && b.OrganizationId == organizationId, ct) is not { } bay)
        {
            return false;
        }
        bay.RevokeCalendarFeed();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The bay whose published feed this secret opens, for a calendar app that cannot sign in; null otherwise.</summary>
    public async Task<Bay?> BayByFeedAsync(Guid bayId, string secret, CancellationToken ct) =>
        await db.Bays.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bayId && b.CalendarFeedHash != null, ct) is { } bay && bay.OpensFeed(secret) ? bay : null;

    internal static int? Minute(string value) =>
        value == "24:00" ? 1440 : TimeOnly.TryParseExact(value, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)
            ? t.Hour * 60 + t.Minute : null;

    internal static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}
