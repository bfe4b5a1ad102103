using Pitlane.Platform.Tenancy;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Vehicles;

/// <summary>The one vehicle record every module shares. Belongs to exactly one organisation; a VIN is unique within it.</summary>
public sealed class Vehicle : IOrganizationOwned
{
    private Vehicle() { }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Vin { get; private set; } = "";
    public int? ModelYear { get; private set; }
    public string? Make { get; private set; }
    public string? Manufacturer { get; private set; }
    public string? Model { get; private set; }
    public string? Trim { get; private set; }
    public string? BodyClass { get; private set; }
    public string? Engine { get; private set; }
    public string? FuelType { get; private set; }
    public string? Country { get; private set; }
    public string? PlantCountry { get; private set; }
    /// <summary>Which decoders contributed: "local" or "local+vpic".</summary>
    public string DecodeSource { get; private set; } = "local";
    public int? OdometerKm { get; private set; }
    public string? Plate { get; private set; }
    public string? Nickname { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Why the Owner added this VIN although its check digit fails (49 CFR 565.15(c)); null for a valid VIN.</summary>
    public string? CheckDigitOverrideReason { get; private set; }
    public Guid? CheckDigitOverriddenBy { get; private set; }
    public DateTime? CheckDigitOverriddenAt { get; private set; }

    public static Vehicle Register(Guid organizationId, VinDecoding decoded, int? odometerKm, string? plate, string? nickname, DateTime now)
    {
        var vehicle = new Vehicle
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = organizationId,
            Vin = decoded.Vin,
            CreatedAt = Stored(now),
        };
        vehicle.ApplyDecoding(decoded);
        vehicle.OdometerKm = odometerKm;
        vehicle.Plate = Normalise(plate);
        vehicle.Nickname = Normalise(nickname);
        vehicle.UpdatedAt = Stored(now);
        return vehicle;
    }

    public void ApplyDecoding(VinDecoding decoded)
    {
        ModelYear = decoded.ModelYear;
        Make = decoded.Make;
        Manufacturer = decoded.Manufacturer;
        Model = decoded.Model;
        Trim = decoded.Trim;
        BodyClass = decoded.BodyClass;
        Engine = decoded.Engine;
        FuelType = decoded.FuelType;
        Country = decoded.Country;
        PlantCountry = decoded.PlantCountry;
        DecodeSource = decoded.Source;
    }

    /// <summary>Odometers only go forward; a lower reading is a data-entry error the caller must be told about.</summary>
    public bool TryRecordOdometer(int km)
    {
        if (OdometerKm is { } current && km < current)
        {
            return false;
        }
        OdometerKm = km;
        return true;
    }

    public void RecordCheckDigitOverride(string reason, Guid userId, DateTime now)
    {
        CheckDigitOverrideReason = reason.Trim();
        CheckDigitOverriddenBy = userId;
        CheckDigitOverriddenAt = Stored(now);
    }

    public void Rename(string? nickname) => Nickname = Normalise(nickname);

    public void ChangePlate(string? plate) => Plate = Normalise(plate);

    public void Touch(DateTime now) => UpdatedAt = Stored(now);

    /// <summary>
    /// Timestamps to the microsecond, the precision PostgreSQL keeps, so the answer to a write is what a later read
    /// returns on either database.
    /// </summary>
    private static DateTime Stored(DateTime now) => new(now.Ticks - now.Ticks % 10, now.Kind);

    public VehicleSummary ToSummary() =>
        new(Id, OrganizationId, Vin, ModelYear, Make, Model, Trim, Engine, FuelType, OdometerKm, Plate, Nickname);

    private static string? Normalise(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
