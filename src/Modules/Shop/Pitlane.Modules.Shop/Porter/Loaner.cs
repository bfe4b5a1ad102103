namespace Pitlane.Modules.Shop.Porter;

/// <summary>A car of the shop's loaner fleet, with its odometer and fuel as last returned.</summary>
public sealed class Loaner
{
    private Loaner()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>What the porter calls it ("Loaner 3 – white Corolla").</summary>
    public string Name { get; private set; } = "";

    public string Plate { get; private set; } = "";

    public int OdometerKm { get; private set; }

    /// <summary>Fuel (or charge) in eighths of a tank, 0 (empty) to 8 (full).</summary>
    public int FuelEighths { get; private set; }

    public bool Retired { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static Loaner Create(Guid organizationId, string name, string plate, int odometerKm, int fuelEighths, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(), OrganizationId = organizationId, Name = name.Trim(), Plate = plate.Trim().ToUpperInvariant(), OdometerKm = odometerKm,
        FuelEighths = fuelEighths, CreatedAt = at,
    };

    internal void Returned(int odometerKm, int fuelEighths)
    {
        OdometerKm = Math.Max(OdometerKm, odometerKm);
        FuelEighths = fuelEighths;
    }
}

public enum AgreementStatus
{
    /// <summary>Reserved or out with the customer.</summary>
    Open,
    Returned,
    Cancelled,
}

/// <summary>
/// A loaner lent to a customer for [StartsAt, EndsAt): odometer, fuel and damage when it goes out and when it comes back.
/// Two live (not cancelled) agreements of one loaner never overlap: PostgreSQL enforces it with the exclusion constraint
/// <see cref="ShopDbContext.NoLoanerOverlapConstraint"/>; on SQLite the check and the insert run in one serialised write.
/// A loaner returned early frees the rest of its period (EndsAt becomes the return time).
/// </summary>
public sealed class LoanerAgreement
{
    private LoanerAgreement()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid LoanerId { get; private set; }

    public Guid CustomerId { get; private set; }

    public Guid? RepairOrderId { get; private set; }

    public DateTime StartsAt { get; private set; }

    public DateTime EndsAt { get; private set; }

    public AgreementStatus Status { get; private set; }

    public int OdometerOutKm { get; private set; }

    public int FuelOutEighths { get; private set; }

    public string? DamageOut { get; private set; }

    public int? OdometerInKm { get; private set; }

    public int? FuelInEighths { get; private set; }

    public string? DamageIn { get; private set; }

    public DateTime? ReturnedAt { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static LoanerAgreement Create(Guid organizationId, Guid loanerId, Guid customerId, Guid? repairOrderId, DateTime startsAt, DateTime endsAt,
        int odometerOutKm, int fuelOutEighths, string? damageOut, Guid userId, DateTime at) => new()
        {
            Id = Guid.CreateVersion7(), OrganizationId = organizationId, LoanerId = loanerId, CustomerId = customerId, RepairOrderId = repairOrderId,
            StartsAt = startsAt, EndsAt = endsAt, Status = AgreementStatus.Open, OdometerOutKm = odometerOutKm, FuelOutEighths = fuelOutEighths,
            DamageOut = damageOut, CreatedBy = userId, CreatedAt = at,
        };

    public string? Return(int odometerInKm, int fuelInEighths, string? damageIn, DateTime at)
    {
        if (Status != AgreementStatus.Open)
        {
            return $"The agreement is {Status.ToString().ToLowerInvariant()} already.";
        }
        if (odometerInKm < OdometerOutKm)
        {
            return $"The odometer cannot read less than when the car went out ({OdometerOutKm} km).";
        }
        (Status, OdometerInKm, FuelInEighths, DamageIn, ReturnedAt) = (AgreementStatus.Returned, odometerInKm, fuelInEighths, damageIn, at);
        if (at > StartsAt && at < EndsAt)
        {
            EndsAt = at;
        }
        return null;
    }

    public string? Cancel()
    {
        if (Status != AgreementStatus.Open)
        {
            return $"The agreement is {Status.ToString().ToLowerInvariant()} already.";
        }
        Status = AgreementStatus.Cancelled;
        return null;
    }
}

public enum CheckDirection
{
    In,
    Out,
}

/// <summary>A customer's car checked in to or out of the shop by a porter: odometer, fuel, key tag, notes and photos.</summary>
public sealed class VehicleCheck
{
    private VehicleCheck()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    /// <summary>The Vehicles module's vehicle id.</summary>
    public Guid VehicleId { get; private set; }

    public Guid? RepairOrderId { get; private set; }

    public CheckDirection Direction { get; private set; }

    public int OdometerKm { get; private set; }

    public int FuelEighths { get; private set; }

    public string? KeyTag { get; private set; }

    public string? Notes { get; private set; }

    /// <summary>The Media module's ids of the walk-around photos.</summary>
    public List<Guid> PhotoIds { get; private set; } = [];

    public Guid UserId { get; private set; }

    public DateTime At { get; private set; }

    public static VehicleCheck Create(Guid organizationId, Guid vehicleId, Guid? repairOrderId, CheckDirection direction, int odometerKm, int fuelEighths,
        string? keyTag, string? notes, Guid userId, DateTime at) => new()
        {
            Id = Guid.CreateVersion7(), OrganizationId = organizationId, VehicleId = vehicleId, RepairOrderId = repairOrderId, Direction = direction,
            OdometerKm = odometerKm, FuelEighths = fuelEighths, KeyTag = keyTag, Notes = notes, UserId = userId, At = at,
        };

    public const int MaxPhotos = 20;

    internal void AddPhoto(Guid mediaId) => PhotoIds = [.. PhotoIds, mediaId];
}
