namespace Pitlane.Modules.Parking.Bookings;

public static class BookingStatus
{
    /// <summary>The spot is held for this booking while the payment is authorised.</summary>
    public const string PendingPayment = "pending_payment";

    /// <summary>Paid (a manual-capture hold): the spot is the driver's for the window, access instructions revealed.</summary>
    public const string Confirmed = "confirmed";

    public const string Arrived = "arrived";

    /// <summary>Over: the hold was captured and the host's share credited in the ledger.</summary>
    public const string Completed = "completed";

    public const string Cancelled = "cancelled";

    /// <summary>The driver never came: the host keeps the price.</summary>
    public const string NoShow = "no_show";

    /// <summary>The payment was declined: the spot is free again.</summary>
    public const string PaymentFailed = "payment_failed";

    /// <summary>Statuses that hold the spot; the PostgreSQL exclusion constraint and the SQLite check use exactly these.</summary>
    public static readonly string[] Holding = [PendingPayment, Confirmed, Arrived];
}

/// <summary>A driver's booking of one spot for one window. State changes only through its methods.</summary>
public sealed class Booking
{
    private Booking()
    {
    }

    public Guid Id { get; private set; }
    public Guid ListingId { get; private set; }
    public Guid HostOrganizationId { get; private set; }
    public Guid DriverOrganizationId { get; private set; }
    public Guid? DriverUserId { get; private set; }
    public DateTime StartsAt { get; private set; }
    public DateTime EndsAt { get; private set; }
    public string Status { get; private set; } = BookingStatus.PendingPayment;
    public long Subtotal { get; private set; }
    public long ServiceFee { get; private set; }
    public long Tax { get; private set; }
    public long Total { get; private set; }
    public string Currency { get; private set; } = "usd";
    public string CancellationPolicy { get; private set; } = "";
    public Guid? PaymentIntentId { get; private set; }
    public long Captured { get; private set; }
    public long Refunded { get; private set; }
    public string? VehiclePlate { get; private set; }
    public int? VehicleLengthCm { get; private set; }
    public int? VehicleHeightCm { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? ArrivedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public string? ArrivalSource { get; private set; }
    public int? Rating { get; private set; }
    public string? Review { get; private set; }
    public DateTime? ReviewedAt { get; private set; }
    /// <summary>An open or settled dispute: who raised it (driver or host), why, and how the platform settled it.</summary>
    public DateTime? DisputedAt { get; private set; }
    public string? DisputedBy { get; private set; }
    public string? DisputeReason { get; private set; }
    public DateTime? DisputeResolvedAt { get; private set; }
    public string? DisputeResolution { get; private set; }

    public string? TeslaVin { get; private set; }

    /// <summary>The driver's Pitlane vehicle whose telemetry device reports its position (gps.lat / gps.lon) for the geofence.</summary>
    public Guid? FollowedVehicleId { get; private set; }

    /// <summary>The time of the newest device position already used, so one reading is taken once.</summary>
    public DateTime? VehicleFixAt { get; private set; }

    public DateTime? NextPollAt { get; private set; }
    public int PollFailures { get; private set; }

    /// <summary>
    /// Set while one request settles the payment of a status change (cancel, complete, no-show): a concurrency token,
    /// so a second change of the booking meanwhile fails its update and answers 409 instead of settling twice.
    /// </summary>
    public Guid? SettlingToken { get; private set; }

    /// <summary>When the claim was taken: a claim older than a few minutes (a crashed request) no longer blocks.</summary>
    public DateTime? SettlingSince { get; private set; }

    /// <summary>The driver's Tesla follows this booking: its location is polled for the geofence.</summary>
    public void FollowTesla(string vin, DateTime now)
    {
        TeslaVin = vin;
        FollowedVehicleId = null;
        NextPollAt = now;
        PollFailures = 0;
        UpdatedAt = now;
    }

    /// <summary>The driver's Pitlane vehicle follows this booking instead: its telemetry device's position is read for the geofence.</summary>
    public void FollowVehicle(Guid vehicleId, DateTime now)
    {
        FollowedVehicleId = vehicleId;
        TeslaVin = null;
        VehicleFixAt = null;
        NextPollAt = now;
        PollFailures = 0;
        UpdatedAt = now;
    }

    public void StopFollowing(DateTime now)
    {
        FollowedVehicleId = null;
        VehicleFixAt = null;
        NextPollAt = null;
        UpdatedAt = now;
    }

    public void UsedVehicleFix(DateTime at) => VehicleFixAt = at;

    public void NextPoll(DateTime at, bool failed)
    {
        NextPollAt = at;
        PollFailures = failed ? PollFailures + 1 : 0;
    }

    public static Booking Hold(Guid listingId, Guid host, Guid driverOrganization, Guid driverUser, DateTime start, DateTime end, Listings.Quote quote, string policy,
        string? plate, int? lengthCm, int? heightCm, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        ListingId = listingId,
        HostOrganizationId = host,
        DriverOrganizationId = driverOrganization,
        DriverUserId = driverUser,
        StartsAt = start,
        EndsAt = end,
        Subtotal = quote.Subtotal,
        ServiceFee = quote.ServiceFee,
        Tax = quote.Tax,
        Total = quote.Total,
        Currency = quote.Currency,
        CancellationPolicy = policy,
        VehiclePlate = plate,
        VehicleLengthCm = lengthCm,
        VehicleHeightCm = heightCm,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public string Reference => $"{BookingService.ReferencePrefix}{Id:N}";

    public bool RevealsAccess => Status is BookingStatus.Confirmed or BookingStatus.Arrived;

    public void Confirm(Guid intentId, DateTime now)
    {
        PaymentIntentId = intentId;
        Status = BookingStatus.Confirmed;
        UpdatedAt = now;
    }

    /// <summary>Held for the driver while they pay on the processor's page (the intent waits for a card).</summary>
    public void AwaitPayment(Guid intentId, DateTime now)
    {
        PaymentIntentId = intentId;
        UpdatedAt = now;
    }

    public void PaymentDeclined(Guid? intentId, DateTime now)
    {
        PaymentIntentId = intentId;
        Status = BookingStatus.PaymentFailed;
        UpdatedAt = now;
    }

    /// <summary>Arrival counts from 15 minutes before the start until the end, once.</summary>
    public static readonly TimeSpan EarlyArrival = TimeSpan.FromMinutes(15);

    public string? CannotArrive(DateTime now) => Status != BookingStatus.Confirmed ? $"Only a confirmed booking can be checked in; this one is {Status}."
        : now < StartsAt - EarlyArrival ? "Too early: check-in opens 15 minutes before the start."
        : now >= EndsAt ? "The booking window is over." : null;

    public void Arrive(string source, DateTime now)
    {
        Status = BookingStatus.Arrived;
        ArrivedAt = now;
        ArrivalSource = source;
        UpdatedAt = now;
    }

    public string? CannotComplete() => Status == BookingStatus.Arrived ? null : $"Only a booking the driver arrived for can be completed; this one is {Status}.";

    public void Complete(long captured, DateTime now)
    {
        Status = BookingStatus.Completed;
        Captured = captured;
        EndedAt = now;
        UpdatedAt = now;
    }

    /// <summary>A host may report a no-show 30 minutes after the start of a booking nobody checked in to.</summary>
    public static readonly TimeSpan NoShowGrace = TimeSpan.FromMinutes(30);

    public string? CannotMarkNoShow(DateTime now) => Status != BookingStatus.Confirmed ? $"Only a confirmed booking can be a no-show; this one is {Status}."
        : now < StartsAt + NoShowGrace ? "A no-show can be reported 30 minutes after the start." : null;

    public void MarkNoShow(long captured, DateTime now)
    {
        Status = BookingStatus.NoShow;
        Captured = captured;
        EndedAt = now;
        UpdatedAt = now;
    }

    public string? CannotCancel() => Status is BookingStatus.Confirmed or BookingStatus.PendingPayment ? null : $"This booking is {Status} and can no longer be cancelled.";

    public void Cancel(long captured, long refunded, DateTime now)
    {
        Status = BookingStatus.Cancelled;
        Captured = captured;
        Refunded = refunded;
        EndedAt = now;
        UpdatedAt = now;
    }

    public string? CannotExtend(DateTime newEnd) => Status is not (BookingStatus.Confirmed or BookingStatus.Arrived)
        ? $"Only a confirmed or ongoing booking can be extended; this one is {Status}."
        : newEnd <= EndsAt ? "The new end must be after the current end." : null;

    public void Extend(DateTime newEnd, Listings.Quote quote, DateTime now)
    {
        EndsAt = newEnd;
        Subtotal = quote.Subtotal;
        ServiceFee = quote.ServiceFee;
        Tax = quote.Tax;
        Total = quote.Total;
        UpdatedAt = now;
    }

    public string? CannotDispute() => DisputedAt is not null && DisputeResolvedAt is null ? "A dispute about this booking is open already."
        : Status is BookingStatus.PendingPayment or BookingStatus.PaymentFailed ? "Only a paid booking can be disputed." : null;

    public void OpenDispute(string by, string reason, DateTime now)
    {
        DisputedAt = now;
        DisputedBy = by;
        DisputeReason = reason;
        DisputeResolvedAt = null;
        DisputeResolution = null;
        UpdatedAt = now;
    }

    /// <summary>Money the platform can still give back: captured and not refunded yet.</summary>
    public long Refundable => Captured - Refunded;

    public string? CannotResolve(long refund) => DisputedAt is null || DisputeResolvedAt is not null ? "This booking has no open dispute."
        : refund > 0 && Status is BookingStatus.Confirmed or BookingStatus.Arrived ? "Settle the booking first (complete or cancel it): its money is still on hold."
        : refund > Refundable ? $"At most {Refundable} can be refunded (captured and not refunded yet)." : null;

    public void ResolveDispute(long refund, string resolution, DateTime now)
    {
        Refunded += refund;
        DisputeResolvedAt = now;
        DisputeResolution = resolution;
        UpdatedAt = now;
    }

    public string? CannotReview() => Status != BookingStatus.Completed ? "Reviews are for completed bookings." : Rating is not null ? "This booking was reviewed already." : null;

    public void AddReview(int rating, string? text, DateTime now)
    {
        Rating = rating;
        Review = text;
        ReviewedAt = now;
        UpdatedAt = now;
    }

    /// <summary>GDPR erasure: the person's link and free text go; amounts and the payment reference stay for the books.</summary>
    public void Anonymise(DateTime now)
    {
        DriverUserId = null;
        VehiclePlate = null;
        TeslaVin = null;
        FollowedVehicleId = null;
        VehicleFixAt = null;
        NextPollAt = null;
        Review = Review is null ? null : "[removed]";
        UpdatedAt = now;
    }
}

/// <summary>A person's connected Tesla account: tokens encrypted with ASP.NET Core Data Protection, the refresh token rotated on every use.</summary>
public sealed class TeslaAccount
{
    private TeslaAccount()
    {
    }

    public TeslaAccount(Guid userId, DateTime now)
    {
        UserId = userId;
        CreatedAt = now;
    }

    public Guid UserId { get; private set; }
    public string? ProtectedAccessToken { get; private set; }
    public string? ProtectedRefreshToken { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public string? ApiBaseUrl { get; private set; }
    public string? PendingState { get; private set; }
    public string? PendingVerifier { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ConnectedAt { get; private set; }

    public void Begin(string state, string verifier)
    {
        PendingState = state;
        PendingVerifier = verifier;
    }

    public void Store(string protectedAccess, string protectedRefresh, DateTime expiresAt, string apiBaseUrl, DateTime now)
    {
        ProtectedAccessToken = protectedAccess;
        ProtectedRefreshToken = protectedRefresh;
        ExpiresAt = expiresAt;
        ApiBaseUrl = apiBaseUrl;
        PendingState = null;
        PendingVerifier = null;
        ConnectedAt ??= now;
    }

    public void MoveRegion(string apiBaseUrl) => ApiBaseUrl = apiBaseUrl;
}

/// <summary>A position reported for a booking (Tesla, telemetry device, the driver's phone): kept 30 days.</summary>
public sealed class LocationSample
{
    private LocationSample()
    {
    }

    public LocationSample(Guid bookingId, double latitude, double longitude, double? accuracyMeters, string source, DateTime at)
    {
        Id = Guid.CreateVersion7();
        BookingId = bookingId;
        Latitude = latitude;
        Longitude = longitude;
        AccuracyMeters = accuracyMeters;
        Source = source;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public double Latitude { get; private set; }
    public double Longitude { get; private set; }
    public double? AccuracyMeters { get; private set; }
    public string Source { get; private set; } = "";
    public DateTime At { get; private set; }
}

/// <summary>A person's recorded consent (location sharing during a booking, marketing), with when it was given or withdrawn.</summary>
public sealed class ConsentRecord
{
    private ConsentRecord()
    {
    }

    public ConsentRecord(Guid userId, string purpose, bool granted, DateTime at)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Purpose = purpose;
        Granted = granted;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Purpose { get; private set; } = "";
    public bool Granted { get; private set; }
    public DateTime At { get; private set; }
}
