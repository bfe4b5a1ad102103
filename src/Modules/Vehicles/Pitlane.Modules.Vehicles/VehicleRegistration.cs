using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Vehicles.Contracts;

namespace Pitlane.Modules.Vehicles;

public sealed record RegistrationResult(Vehicle? Vehicle, Dictionary<string, string[]>? Errors, string? Conflict, string? Forbidden = null);

/// <summary>Who is adding the vehicle, and whether they may keep a VIN that fails its check digit.</summary>
public sealed record Registrant(Guid UserId, bool MayOverrideCheckDigit);

/// <summary>Adding a vehicle by VIN, shared by the API and the pages.</summary>
public sealed class VehicleRegistration(VehiclesDbContext db, VinDecodingService decoder, TimeProvider time) : IVehicleRegistrar
{
    async Task<VehicleRegistrationOutcome> IVehicleRegistrar.RegisterByVinAsync(Guid organizationId, string vin, CancellationToken ct)
    {
        var outcome = await RegisterAsync(organizationId, new CreateVehicleRequest(vin, null, null, null), null, ct);
        return new(outcome.Vehicle?.ToSummary(), outcome.Errors, outcome.Conflict);
    }

    public const int MinOverrideReasonLength = 10, MaxOverrideReasonLength = 500;

    /// <summary>The message of a VIN refused for its check digit; pages recognise it by this start.</summary>
    public const string CheckDigitMessageStart = "The check digit (position 9)";

    /// <param name="registrant">Null for registrations the system makes (a scan's VIN, the demo): no override then.</param>
    public async Task<RegistrationResult> RegisterAsync(Guid organizationId, CreateVehicleRequest request, Registrant? registrant, CancellationToken ct)
    {
        var reason = string.IsNullOrWhiteSpace(request.CheckDigitOverrideReason) ? null : request.CheckDigitOverrideReason.Trim();
        var check = VehicleEndpoints.ValidateDetails(request.OdometerKm, request.Plate, request.Nickname)
            .Require(!string.IsNullOrWhiteSpace(request.Vin), "vin", "vin is required.")
            .Require(reason is null || reason.Length is >= MinOverrideReasonLength and <= MaxOverrideReasonLength, "checkDigitOverrideReason",
                $"The reason is {MinOverrideReasonLength} to {MaxOverrideReasonLength} characters: say what you checked on the car.");
        if (!check.IsValid)
        {
            return new(null, check.Errors, null);
        }
        var decoded = await decoder.DecodeAsync(request.Vin!, ct);
        if (!decoded.Local.IsWellFormed)
        {
            return new(null, new() { ["vin"] = decoded.Local.Errors.Select(e => e.Message).ToArray() }, null);
        }
        var overriding = false;
        if (decoded.Local.CheckDigit is { Valid: false } digit && CheckDigitIsMandatory(decoded))
        {
            // 49 CFR 565 makes position 9 a check digit for vehicles built for North America (China's GB 16735 too);
            // a mismatch there is almost always a typo. The Owner may keep it with a reason (a misprinted plate, an import).
            if (reason is null)
            {
                return new(null, new() { ["vin"] = [$"{CheckDigitMessageStart} is '{digit.Actual}' but the VIN computes to '{digit.Expected}': probably a typo."] }, null);
            }
            if (registrant is not { MayOverrideCheckDigit: true })
            {
                return new(null, null, null, "Only the organisation's Owner can add a vehicle whose VIN fails its check digit.");
            }
            overriding = true;
        }
        if (await db.Vehicles.AnyAsync(v => v.OrganizationId == organizationId && v.Vin == decoded.Vin, ct))
        {
            return new(null, null, $"A vehicle with VIN {decoded.Vin} is already registered in this organisation.");
        }
        var vehicle = Vehicle.Register(organizationId, decoded, request.OdometerKm, request.Plate, request.Nickname, time.GetUtcNow().UtcDateTime);
        if (overriding)
        {
            vehicle.RecordCheckDigitOverride(reason!, registrant!.UserId, time.GetUtcNow().UtcDateTime);
        }
        db.Vehicles.Add(vehicle);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a concurrent registration of the same VIN: the unique index answers.
            db.ChangeTracker.Clear();
            if (await db.Vehicles.AsNoTracking().AnyAsync(v => v.OrganizationId == organizationId && v.Vin == decoded.Vin, ct))
            {
                return new(null, null, $"A vehicle with VIN {decoded.Vin} is already registered in this organisation.");
            }
            throw;
        }
        return new(vehicle, null, null);
    }

    private static bool CheckDigitIsMandatory(VinDecoding decoded) =>
        decoded.Local.Region == "North America" || decoded.Local.Country == "China";
}
