using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pitlane.Modules.Parking.Listings;
using Pitlane.Modules.Parking.Search;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Parking.Bookings;

public sealed record QuoteRequest(Guid? ListingId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

public sealed record BookingRequest(
    Guid? ListingId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? PaymentMethod, string? VehiclePlate, int? VehicleLengthCm, int? VehicleHeightCm);

public sealed record ExtendRequest(DateTimeOffset? EndsAt, string? PaymentMethod);

public sealed record ReviewRequest(int? Rating, string? Comment);

public sealed record DisputeRequest(string? Reason);

/// <param name="Refund">Minor units given back to the driver (0 or null: none).</param>
public sealed record ResolveRequest(long? Refund, string? Note);

public sealed record LocationRequest(double? Latitude, double? Longitude, double? AccuracyMeters);

public sealed record BookingView(
    Guid Id, Guid ListingId, string ListingTitle, string Address, double Latitude, double Longitude, int GeofenceMeters, string TimeZone,
    Guid HostOrganizationId, Guid DriverOrganizationId, DateTime StartsAt, DateTime EndsAt, string Status, long Subtotal, long ServiceFee, long Tax,
    long Total, string Currency, string CancellationPolicy, Guid? PaymentIntentId, long Captured, long Refunded, string? AccessInstructions,
    string? HouseRules, string? VehiclePlate, DateTime? ArrivedAt, string? ArrivalSource, DateTime? EndedAt, int? Rating, string? Review,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? DisputedAt = null, string? DisputedBy = null, string? DisputeReason = null,
    DateTime? DisputeResolvedAt = null, string? DisputeResolution = null, Guid? FollowedVehicleId = null, string? FollowedTeslaVin = null, string? PayUrl = null)
{
    /// <summary>What the host sees: no access instructions (the host wrote them), not which car of the driver's reports its position, no pay link.</summary>
    public BookingView ForHost() => this with { AccessInstructions = null, FollowedVehicleId = null, FollowedTeslaVin = null, PayUrl = null };

    public static BookingView From(Booking b, Listing l) => new(
        b.Id, b.ListingId, l.Title, l.Address, l.Latitude, l.Longitude, l.GeofenceMeters, l.TimeZone, b.HostOrganizationId, b.DriverOrganizationId,
        b.StartsAt, b.EndsAt, b.Status, b.Subtotal, b.ServiceFee, b.Tax, b.Total, b.Currency, b.CancellationPolicy, b.PaymentIntentId, b.Captured,
        b.Refunded, b.RevealsAccess ? l.AccessInstructions : null, l.HouseRules, b.VehiclePlate, b.ArrivedAt, b.ArrivalSource, b.EndedAt, b.Rating,
        b.Review, b.CreatedAt, b.UpdatedAt, b.DisputedAt, b.DisputedBy, b.DisputeReason, b.DisputeResolvedAt, b.DisputeResolution,
        b.FollowedVehicleId, b.TeslaVin,
        b is { Status: BookingStatus.PendingPayment, PaymentIntentId: { } intent } ? $"/Payments/Pay/{intent}?then=/Parking/Booking/{b.Id}" : null);
}

/// <summary>
/// Bookings from quote to payout. Creating one holds the spot first (no two holding bookings of a spot overlap, whatever
/// the concurrency: a PostgreSQL exclusion constraint on tstzrange, on SQLite a check-and-insert in one BEGIN IMMEDIATE
/// transaction), then authorises the price through Payments as a manual-capture destination charge (the host as
/// destination, service fee and tax as the application fee). Completion or a no-show captures the hold, which credits
/// the host's payable in the ledger; a cancellation releases all of it or captures the part the policy keeps.
/// </summary>
public sealed class BookingService(ParkingDbContext db, IPayments payments, ILiveChannel live, ParkingOptions options, TimeProvider time)
{
    public const string ReferencePrefix = "parking.booking:";
    public const string LiveMethod = "parking.booking";
    private const string Taken = "The spot is already booked for part of that time.";

    private static readonly SemaphoreSlim SqliteWriters = new(1, 1);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<(Booking Booking, Listing Listing)?> FindAsync(Guid organizationId, Guid id, CancellationToken ct)
    {
        var booking = await db.Bookings.FirstOrDefaultAsync(b => b.Id == id && (b.DriverOrganizationId == organizationId || b.HostOrganizationId == organizationId), ct);
        if (booking is null)
        {
            return null;
        }
        var listing = await db.Listings.AsNoTracking().Include(l => l.Photos).FirstAsync(l => l.Id == booking.ListingId, ct);
        return (booking, listing);
    }

    public async Task<ListPage<BookingView>> ListAsync(Guid organizationId, string? role, PageRequest page, CancellationToken ct)
    {
        var query = db.Bookings.AsNoTracking()
            .Where(b => (role != "host" && b.DriverOrganizationId == organizationId) || (role != "driver" && b.HostOrganizationId == organizationId))
            .Join(db.Listings.AsNoTracking(), b => b.ListingId, l => l.Id, (b, l) => new { b, l })
            .OrderByDescending(x => x.b.StartsAt);
        var found = await page.ApplyAsync(query, ct);
        return found.Map(x => BookingView.From(x.b, x.l));
    }

    public async Task<Outcome<Quote>> QuoteAsync(QuoteRequest request, CancellationToken ct)
    {
        var check = Window(request.StartsAt, request.EndsAt, new Validation().Require(request.ListingId is not null, "listingId", "listingId is required."));
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (await db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).AsSplitQuery().FirstOrDefaultAsync(l => l.Id == request.ListingId && l.Published, ct) is not { } listing)
        {
            return Outcome<Quote>.Missing;
        }
        var (start, end) = (request.StartsAt!.Value.UtcDateTime, request.EndsAt!.Value.UtcDateTime);
        return Bookable(listing, start, end, null, null) is { } reason ? Outcome<Quote>.Refused(reason) : new(QuoteFor(listing, start, end));
    }

    private Quote QuoteFor(Listing listing, DateTime start, DateTime end) =>
        Pricing.For(listing.Prices, listing.Currency, start, end, options.ServiceFeeBasisPoints, options.TaxBasisPoints);

    private Validation Window(DateTimeOffset? startsAt, DateTimeOffset? endsAt, Validation check) => check
        .Require(startsAt is not null, "startsAt", "startsAt is required (ISO 8601 with an offset).")
        .Require(endsAt is not null && (startsAt is null || endsAt > startsAt), "endsAt", "endsAt must be after startsAt.")
        .Require(startsAt is null || startsAt.Value.UtcDateTime >= Now - Booking.EarlyArrival, "startsAt", "startsAt is in the past.")
        .Require(startsAt is null || endsAt is null || endsAt - startsAt <= TimeSpan.FromDays(options.MaxBookingDays), "endsAt", $"A booking lasts at most {options.MaxBookingDays} days.");

    private static string? Bookable(Listing listing, DateTime start, DateTime end, int? lengthCm, int? heightCm) =>
        (end - start).TotalMinutes < listing.MinimumMinutes ? $"This spot is booked for at least {listing.MinimumMinutes} minutes."
        : !listing.Fits(lengthCm, heightCm) ? $"The vehicle does not fit: at most {listing.MaxLengthCm} cm long and {listing.MaxHeightCm} cm high."
        : !listing.IsOpen(start, end) ? "The spot is not open for all of that time." : null;

    public async Task<Outcome<BookingView>> BookAsync(Guid driverOrganization, Guid driverUser, BookingRequest request, CancellationToken ct)
    {
        var check = Window(request.StartsAt, request.EndsAt, new Validation()
            .Require(request.ListingId is not null, "listingId", "listingId is required.")
            .Require(request.PaymentMethod is null || (request.PaymentMethod is { Length: > 3 and <= 100 } pm && pm.StartsWith("pm_", StringComparison.Ordinal)),
                "paymentMethod", "paymentMethod is a processor token (pm_...), or left out to pay on the processor's page.")
            .Require(request.VehiclePlate is null || request.VehiclePlate.Trim().Length <= 20, "vehiclePlate", "vehiclePlate is at most 20 characters.")
            .Require(request.VehicleLengthCm is null or >= 100 and <= 2_500, "vehicleLengthCm", "vehicleLengthCm is between 100 and 2500.")
            .Require(request.VehicleHeightCm is null or >= 50 and <= 500, "vehicleHeightCm", "vehicleHeightCm is between 50 and 500."));
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var listing = await db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).AsSplitQuery()
            .FirstOrDefaultAsync(l => l.Id == request.ListingId && l.Published, ct);
        if (listing is null)
        {
            return Outcome<BookingView>.Missing;
        }
        if (listing.HostOrganizationId == driverOrganization)
        {
            return Outcome<BookingView>.Refused("A host cannot book their own spot.");
        }
        var (start, end) = (request.StartsAt!.Value.UtcDateTime, request.EndsAt!.Value.UtcDateTime);
        if (Bookable(listing, start, end, request.VehicleLengthCm, request.VehicleHeightCm) is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        var quote = QuoteFor(listing, start, end);
        var booking = Booking.Hold(listing.Id, listing.HostOrganizationId, driverOrganization, driverUser, start, end, quote, listing.CancellationPolicy,
            request.VehiclePlate?.Trim().ToUpperInvariant(), request.VehicleLengthCm, request.VehicleHeightCm, Now);
        if (await InsertAsync(booking, ct) is { } conflict)
        {
            return Outcome<BookingView>.Refused(conflict);
        }

        var result = await payments.CreateIntentAsync(driverOrganization, new NewPaymentIntent(
            quote.Total, quote.Currency, CaptureMethod: "manual", PaymentMethod: request.PaymentMethod, Confirm: request.PaymentMethod is not null,
            ApplicationFeeAmount: quote.ApplicationFee, TransferDestination: listing.HostOrganizationId, CustomerId: driverUser, Description: $"Parking at {listing.Title}",
            Reference: booking.Reference), ct);
        if (request.PaymentMethod is null && result.Intent is { Status: "requires_payment_method" } unpaid)
        {
            // The driver pays on the processor's page; the spot is held until then (PaymentStatusHandler confirms, ExpireUnpaidAsync lets go).
            booking.AwaitPayment(unpaid.Id, Now);
            await db.SaveChangesAsync(ct);
            await PublishAsync(booking, listing, ct);
            return new(BookingView.From(booking, listing));
        }
        if (result.Intent is not { Status: "requires_capture" } intent)
        {
            if (result.Intent is { Status: not ("requires_payment_method" or "canceled") } pending)
            {
                await payments.CancelAsync(driverOrganization, pending.Id, ct);
            }
            booking.PaymentDeclined(result.Intent?.Id, Now);
            await db.SaveChangesAsync(ct);
            return new(null, result.Errors, result.Intent?.LastPaymentError ?? result.Conflict ?? "The payment could not be authorised.", Declined: result.Errors is null);
        }
        booking.Confirm(intent.Id, Now);
        await db.SaveChangesAsync(ct);
        await PublishAsync(booking, listing, ct);
        return new(BookingView.From(booking, listing));
    }

    private async Task<string?> InsertAsync(Booking booking, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            db.Bookings.Add(booking);
            try
            {
                await db.SaveChangesAsync(ct);
                return null;
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation, ConstraintName: ParkingDbContext.NoOverlapConstraint })
            {
                db.Entry(booking).State = EntityState.Detached;
                return Taken;
            }
        }
        await SqliteWriters.WaitAsync(ct);
        try
        {
            // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE: the write lock is held from the overlap check to the insert.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await Overlapping(booking.ListingId, booking.StartsAt, booking.EndsAt, booking.Id).AnyAsync(ct))
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

    private IQueryable<Booking> Overlapping(Guid listingId, DateTime start, DateTime end, Guid except)
    {
        var holding = BookingStatus.Holding;
        return db.Bookings.Where(b => b.ListingId == listingId && b.Id != except && holding.Contains(b.Status) && b.StartsAt < end && b.EndsAt > start);
    }

    /// <summary>
    /// The driver cancels (refund by the listing's policy and the time left before the start) or the host does (all
    /// back). Nothing captured yet: a full refund releases the hold, a partial one captures only what the policy keeps.
    /// </summary>
    public async Task<Outcome<BookingView>> CancelAsync(Booking booking, Listing listing, bool byHost, CancellationToken ct)
    {
        if (booking.CannotCancel() is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        // Nothing was paid yet on a held booking: cancelling it lets the whole hold go.
        var percent = byHost || booking.Status == BookingStatus.PendingPayment ? 100 : CancellationPolicy.RefundPercent(booking.CancellationPolicy, booking.StartsAt - Now);
        var refund = booking.Total * percent / 100;
        var keep = booking.Total - refund;
        if (await ClaimAsync(booking, ct) is not { } claim)
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        if (booking.PaymentIntentId is { } intent)
        {
            var (result, slow) = await PaymentStepAsync(booking, claim, token => keep == 0
                ? payments.CancelAsync(booking.DriverOrganizationId, intent, token)
                : payments.CaptureAsync(booking.DriverOrganizationId, intent, keep, token), ct);
            if (slow)
            {
                return Outcome<BookingView>.Refused(PaymentSlow);
            }
            if (result!.Intent is null)
            {
                await ReleaseAsync(booking, claim, ct);
                return new(null, result.Errors, result.Conflict ?? "The payment could not be settled.");
            }
        }
        booking.Cancel(keep, refund, Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    public async Task<Outcome<BookingView>> ArriveAsync(Booking booking, Listing listing, string source, CancellationToken ct)
    {
        if (booking.CannotArrive(Now) is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        // A claim like cancel's: otherwise a check-in read after a cancel's claim would carry that claim and overwrite it.
        if (await ClaimAsync(booking, ct) is null)
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        booking.Arrive(source, Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    /// <summary>The driver left (checked out, or the geofence saw them leave after the end): capture the hold, the host is paid.</summary>
    public async Task<Outcome<BookingView>> CompleteAsync(Booking booking, Listing listing, CancellationToken ct)
    {
        if (booking.CannotComplete() is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        if (await ClaimAsync(booking, ct) is not { } claim)
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        var (captured, slow) = await PaymentStepAsync(booking, claim, token => CaptureAllAsync(booking, token), ct);
        if (slow)
        {
            return Outcome<BookingView>.Refused(PaymentSlow);
        }
        if (captured.Conflict is not null)
        {
            await ReleaseAsync(booking, claim, ct);
            return new(null, null, captured.Conflict);
        }
        booking.Complete(captured.Amount, Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    public async Task<Outcome<BookingView>> NoShowAsync(Booking booking, Listing listing, CancellationToken ct)
    {
        if (booking.CannotMarkNoShow(Now) is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        if (await ClaimAsync(booking, ct) is not { } claim)
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        var (captured, slow) = await PaymentStepAsync(booking, claim, token => CaptureAllAsync(booking, token), ct);
        if (slow)
        {
            return Outcome<BookingView>.Refused(PaymentSlow);
        }
        if (captured.Conflict is not null)
        {
            await ReleaseAsync(booking, claim, ct);
            return new(null, null, captured.Conflict);
        }
        booking.MarkNoShow(captured.Amount, Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    /// <summary>The driver or the host asks the platform to look at a booking (damage, blocked spot, wrong charge).</summary>
    public async Task<Outcome<BookingView>> DisputeAsync(Booking booking, Listing listing, bool byHost, DisputeRequest request, CancellationToken ct)
    {
        var check = new Validation().Require(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Trim().Length <= 2_000, "reason", "Say what went wrong (at most 2000 characters).");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (booking.CannotDispute() is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        booking.OpenDispute(byHost ? "host" : "driver", request.Reason!.Trim(), Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    /// <summary>Open disputes across all hosts, oldest first: the platform's queue.</summary>
    public async Task<ListPage<BookingView>> ListDisputedAsync(PageRequest page, CancellationToken ct)
    {
        var found = await page.ApplyAsync(db.Bookings.AsNoTracking().Where(b => b.DisputedAt != null && b.DisputeResolvedAt == null).OrderBy(b => b.DisputedAt), ct);
        var ids = found.Items.Select(b => b.ListingId).Distinct().ToList();
        var listings = await db.Listings.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        return found.Map(b => BookingView.From(b, listings[b.ListingId]).ForHost());
    }

    /// <summary>
    /// The platform settles a dispute: optionally refunds part or all of what was captured to the driver (Payments
    /// refund, which the ledger records), and closes it with a note both sides see.
    /// </summary>
    public async Task<Outcome<BookingView>> ResolveDisputeAsync(Guid id, ResolveRequest request, CancellationToken ct)
    {
        var booking = await db.Bookings.FirstOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null)
        {
            return Outcome<BookingView>.Missing;
        }
        var refund = request.Refund ?? 0;
        var check = new Validation()
            .Require(refund >= 0, "refund", "refund is an amount in minor units, 0 or more.")
            .Require(!string.IsNullOrWhiteSpace(request.Note) && request.Note.Trim().Length <= 2_000, "note", "Write how it was settled (at most 2000 characters).");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (booking.CannotResolve(refund) is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Id == booking.ListingId, ct);
        if (await ClaimAsync(booking, ct) is not { } claim)
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        if (refund > 0 && booking.PaymentIntentId is { } intent)
        {
            var (result, slow) = await PaymentStepAsync(booking, claim, token => payments.RefundAsync(booking.DriverOrganizationId, intent, refund, "requested_by_customer", token), ct);
            if (slow)
            {
                return Outcome<BookingView>.Refused(PaymentSlow);
            }
            if (result!.Intent is null)
            {
                await ReleaseAsync(booking, claim, ct);
                return new(null, result.Errors, result.Conflict ?? "The refund could not be made.");
            }
        }
        booking.ResolveDispute(refund, request.Note!.Trim(), Now);
        return await SaveSettledAsync(booking, listing, ct);
    }

    /// <summary>
    /// How long a claim holds a booking. A request that crashed between its claim and its save blocks the booking this
    /// long at most; a live one never holds it longer, because its payment step is cut off at <see cref="PaymentStepLimit"/>.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>The longest a claimed status change waits for Payments before giving up (well inside the lease).</summary>
    public static readonly TimeSpan PaymentStepLimit = TimeSpan.FromSeconds(40);

    /// <summary>
    /// Runs a claimed change's payment step within <see cref="PaymentStepLimit"/>. Past it the claim is released and the
    /// caller told to retry; the request's own cancellation still propagates.
    /// </summary>
    private async Task<(T? Result, bool TimedOut)> PaymentStepAsync<T>(Booking booking, Guid claim, Func<CancellationToken, Task<T>> step, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(PaymentStepLimit);
        try
        {
            return (await step(limit.Token), false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await ReleaseAsync(booking, claim, CancellationToken.None);
            return (default, true);
        }
    }

    private const string PaymentSlow = "The payment service did not answer in time. Reload the booking in a minute to see whether it went through, then try again.";

    private const string Busy = "This booking was changed by another request at the same time; reload it and try again.";

    /// <summary>
    /// Takes the booking for one status change before any money moves: a conditional update on the status it was read
    /// with and no live claim. Null when another request changed or holds it. The tracked booking then expects the claim,
    /// so its save releases it, and fails (409) if anything else touched the row.
    /// </summary>
    private async Task<Guid?> ClaimAsync(Booking booking, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var now = Now;
        var stale = now - ClaimLease;
        var status = booking.Status;
        var taken = await db.Bookings.Where(b => b.Id == booking.Id && b.Status == status && (b.SettlingToken == null || b.SettlingSince < stale))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.SettlingToken, token).SetProperty(b => b.SettlingSince, now), ct);
        if (taken == 0)
        {
            return null;
        }
        var entry = db.Entry(booking);
        entry.Property(b => b.SettlingToken).OriginalValue = token;
        entry.Property(b => b.SettlingToken).CurrentValue = null;
        entry.Property(b => b.SettlingToken).IsModified = true;
        entry.Property(b => b.SettlingSince).OriginalValue = now;
        entry.Property(b => b.SettlingSince).CurrentValue = null;
        entry.Property(b => b.SettlingSince).IsModified = true;
        return token;
    }

    /// <summary>The payment step failed: the booking is free for the next request again, unchanged.</summary>
    private async Task ReleaseAsync(Booking booking, Guid claim, CancellationToken ct)
    {
        db.Entry(booking).State = EntityState.Detached;
        await db.Bookings.Where(b => b.Id == booking.Id && b.SettlingToken == claim)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.SettlingToken, (Guid?)null).SetProperty(b => b.SettlingSince, (DateTime?)null), CancellationToken.None);
    }

    /// <summary>Saves a status change; another request's change of the same booking meanwhile is a 409, not a 500.</summary>
    private async Task<Outcome<BookingView>> SaveSettledAsync(Booking booking, Listing listing, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Outcome<BookingView>.Refused(Busy);
        }
        await PublishAsync(booking, listing, ct);
        return new(BookingView.From(booking, listing));
    }

    private async Task<(long Amount, string? Conflict)> CaptureAllAsync(Booking booking, CancellationToken ct)
    {
        if (booking.PaymentIntentId is not { } intent)
        {
            return (0, null);
        }
        var result = await payments.CaptureAsync(booking.DriverOrganizationId, intent, null, ct);
        return result.Intent is { } captured ? (captured.AmountReceived, null) : (0, result.Conflict ?? "The payment could not be captured.");
    }

    /// <summary>
    /// A later end, when the spot stays free and open. A hold cannot grow, so the extension authorises a new hold for
    /// the new total and releases the old one only once the new one stands; a declined card leaves the booking as it was.
    /// </summary>
    public async Task<Outcome<BookingView>> ExtendAsync(Booking booking, Listing listing, ExtendRequest request, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.EndsAt is not null, "endsAt", "endsAt is required.")
            .Require(request.PaymentMethod is { Length: > 3 and <= 100 } pm && pm.StartsWith("pm_", StringComparison.Ordinal), "paymentMethod", "paymentMethod is a processor token (pm_...).");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (booking.SettlingToken is not null && booking.SettlingSince > Now.AddMinutes(-5))
        {
            return Outcome<BookingView>.Refused(Busy);
        }
        var newEnd = request.EndsAt!.Value.UtcDateTime;
        if (booking.CannotExtend(newEnd) is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        var full = await db.Listings.AsNoTracking().Include(l => l.Rules).Include(l => l.Exceptions).AsSplitQuery().FirstAsync(l => l.Id == listing.Id, ct);
        if (!full.IsOpen(booking.EndsAt, newEnd) || newEnd - booking.StartsAt > TimeSpan.FromDays(options.MaxBookingDays))
        {
            return Outcome<BookingView>.Refused("The spot is not open until then.");
        }
        var quote = QuoteFor(full, booking.StartsAt, newEnd);
        var oldIntent = booking.PaymentIntentId;
        var oldEnd = booking.EndsAt;
        booking.Extend(newEnd, quote, Now);
        // The longer range must still not overlap another holding booking: the same guards as an insert.
        if (await SaveExtensionAsync(booking, ct) is { } conflict)
        {
            return Outcome<BookingView>.Refused(conflict);
        }
        var result = await payments.CreateIntentAsync(booking.DriverOrganizationId, new NewPaymentIntent(
            quote.Total, quote.Currency, CaptureMethod: "manual", PaymentMethod: request.PaymentMethod, Confirm: true, ApplicationFeeAmount: quote.ApplicationFee,
            TransferDestination: booking.HostOrganizationId, CustomerId: booking.DriverUserId, Description: $"Parking at {listing.Title} (extended)", Reference: booking.Reference), ct);
        if (result.Intent is not { Status: "requires_capture" } intent)
        {
            if (result.Intent is { Status: not ("requires_payment_method" or "canceled") } pending)
            {
                await payments.CancelAsync(booking.DriverOrganizationId, pending.Id, ct);
            }
            var back = QuoteFor(full, booking.StartsAt, oldEnd);
            booking.Extend(oldEnd, back, Now);
            await db.SaveChangesAsync(ct);
            return new(null, result.Errors, result.Intent?.LastPaymentError ?? result.Conflict ?? "The payment for the extension could not be authorised.", Declined: result.Errors is null);
        }
        if (oldIntent is { } old)
        {
            await payments.CancelAsync(booking.DriverOrganizationId, old, ct);
        }
        booking.Confirm(intent.Id, Now);
        if (booking.ArrivedAt is not null)
        {
            booking.Arrive(booking.ArrivalSource ?? "extension", booking.ArrivedAt.Value);
        }
        await db.SaveChangesAsync(ct);
        await PublishAsync(booking, listing, ct);
        return new(BookingView.From(booking, listing));
    }

    private async Task<string?> SaveExtensionAsync(Booking booking, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return null;
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation })
            {
                await db.Entry(booking).ReloadAsync(ct);
                return Taken;
            }
        }
        await SqliteWriters.WaitAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await Overlapping(booking.ListingId, booking.StartsAt, booking.EndsAt, booking.Id).AnyAsync(ct))
            {
                await transaction.RollbackAsync(ct);
                await db.Entry(booking).ReloadAsync(ct);
                return Taken;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }
        finally
        {
            SqliteWriters.Release();
        }
    }

    public async Task<Outcome<BookingView>> ReviewAsync(Booking booking, Listing listing, ReviewRequest request, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Rating is >= 1 and <= 5, "rating", "rating is 1 to 5 stars.")
            .Require(request.Comment is null || request.Comment.Length <= 2_000, "comment", "comment is at most 2000 characters.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (booking.CannotReview() is { } reason)
        {
            return Outcome<BookingView>.Refused(reason);
        }
        booking.AddReview(request.Rating!.Value, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(), Now);
        await db.SaveChangesAsync(ct);
        await PublishAsync(booking, listing, ct);
        return new(BookingView.From(booking, listing));
    }

    /// <summary>
    /// The driver paid on the processor's page (the intent now holds the money): the booking is confirmed, once. A payment
    /// that arrives after the hold was let go is released again, so nobody pays for a spot they do not have.
    /// </summary>
    public async Task PaidAsync(Guid bookingId, Guid intentId, CancellationToken ct)
    {
        if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId && b.PaymentIntentId == intentId, ct) is not { } booking)
        {
            return;
        }
        if (booking.Status == BookingStatus.PaymentFailed || booking.Status == BookingStatus.Cancelled)
        {
            await payments.CancelAsync(booking.DriverOrganizationId, intentId, ct);
            return;
        }
        if (booking.Status != BookingStatus.PendingPayment)
        {
            return;
        }
        var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Id == booking.ListingId, ct);
        booking.Confirm(intentId, Now);
        await db.SaveChangesAsync(ct);
        await PublishAsync(booking, listing, ct);
    }

    /// <summary>
    /// Holds whose driver never paid on the processor's page within <see cref="ParkingOptions.UnpaidHoldMinutes"/> are let go
    /// (the intent cancelled, the spot free again); one paid meanwhile is confirmed instead. Returns how many were let go.
    /// </summary>
    public async Task<int> ExpireUnpaidAsync(CancellationToken ct)
    {
        var cutoff = Now.AddMinutes(-options.UnpaidHoldMinutes);
        var stale = await db.Bookings.Where(b => b.Status == BookingStatus.PendingPayment && b.PaymentIntentId != null && b.CreatedAt < cutoff)
            .OrderBy(b => b.CreatedAt).Take(100).Select(b => b.Id).ToListAsync(ct);
        var expired = 0;
        foreach (var id in stale)
        {
            db.ChangeTracker.Clear();
            if (await db.Bookings.FirstOrDefaultAsync(b => b.Id == id && b.Status == BookingStatus.PendingPayment, ct) is not { PaymentIntentId: { } intent } booking)
            {
                continue;
            }
            var current = await payments.FindAsync(booking.DriverOrganizationId, intent, ct);
            if (current?.Status == "requires_capture")
            {
                await PaidAsync(id, intent, ct);
                continue;
            }
            if (await ClaimAsync(booking, ct) is null)
            {
                continue;
            }
            if (current is { Status: not "canceled" })
            {
                await payments.CancelAsync(booking.DriverOrganizationId, intent, ct);
            }
            booking.PaymentDeclined(intent, Now);
            await db.SaveChangesAsync(ct);
            var listing = await db.Listings.AsNoTracking().FirstAsync(l => l.Id == booking.ListingId, ct);
            await PublishAsync(booking, listing, ct);
            expired++;
        }
        db.ChangeTracker.Clear();
        return expired;
    }

    /// <summary>
    /// A position for the booking (phone, Tesla, telemetry device). Entering the spot's geofence inside the window marks
    /// the booking arrived, once: the status change is the debounce (later samples inside find it arrived already).
    /// Leaving it after the end completes the booking.
    /// </summary>
    public async Task<Outcome<BookingView>> LocateAsync(Booking booking, Listing listing, LocationRequest request, string source, CancellationToken ct)
    {
        var check = new Validation()
            .Require(request.Latitude is >= -90 and <= 90, "latitude", "latitude is between -90 and 90.")
            .Require(request.Longitude is >= -180 and <= 180, "longitude", "longitude is between -180 and 180.")
            .Require(request.AccuracyMeters is null or >= 0 and <= 10_000, "accuracyMeters", "accuracyMeters is between 0 and 10000.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.Arrived))
        {
            return Outcome<BookingView>.Refused($"Locations are taken only during a confirmed booking; this one is {booking.Status}.");
        }
        var now = Now;
        db.Locations.Add(new LocationSample(booking.Id, request.Latitude!.Value, request.Longitude!.Value, request.AccuracyMeters, source, now));
        var distance = Geo.DistanceMeters(listing.Latitude, listing.Longitude, request.Latitude.Value, request.Longitude.Value);
        // A fix whose accuracy circle is larger than the fence proves nothing either way.
        var precise = request.AccuracyMeters is null || request.AccuracyMeters <= Math.Max(listing.GeofenceMeters, 25);
        if (precise && distance <= listing.GeofenceMeters && booking.CannotArrive(now) is null)
        {
            if (await ClaimAsync(booking, ct) is null)
            {
                // Another request (a cancel, the car's fix) is changing the booking: keep the sample, report it as it is now.
                db.ChangeTracker.Clear();
                db.Locations.Add(new LocationSample(booking.Id, request.Latitude.Value, request.Longitude.Value, request.AccuracyMeters, source, now));
                await db.SaveChangesAsync(ct);
                return new(BookingView.From(await db.Bookings.AsNoTracking().FirstAsync(b => b.Id == booking.Id, ct), listing));
            }
            booking.Arrive(source, now);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another fix (phone and car at once) marked the arrival first: that one counts, this sample is dropped.
                db.ChangeTracker.Clear();
                var current = await db.Bookings.AsNoTracking().FirstAsync(b => b.Id == booking.Id, ct);
                return new(BookingView.From(current, listing));
            }
            await PublishAsync(booking, listing, ct);
            return new(BookingView.From(booking, listing));
        }
        if (precise && booking.Status == BookingStatus.Arrived && now >= booking.EndsAt && distance > listing.GeofenceMeters * 1.5)
        {
            await db.SaveChangesAsync(ct);
            return await CompleteAsync(booking, listing, ct);
        }
        await db.SaveChangesAsync(ct);
        return new(BookingView.From(booking, listing));
    }

    private async Task PublishAsync(Booking booking, Listing listing, CancellationToken ct)
    {
        var view = BookingView.From(booking, listing);
        await live.PublishAsync(LiveGroup.Organization(booking.DriverOrganizationId), LiveMethod, view, ct);
        await live.PublishAsync(LiveGroup.Organization(booking.HostOrganizationId), LiveMethod, view.ForHost(), ct);
    }
}
