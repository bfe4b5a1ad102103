using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pitlane.Modules.Shop.RepairOrders;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Live;

namespace Pitlane.Modules.Shop.Porter;

public sealed record LoanerRequest(string? Name, string? Plate, int? OdometerKm, int? FuelEighths);

/// <param name="StartsAtLocal">Instead of <paramref name="StartsAt"/>: the shop's wall-clock time ("2027-03-27T10:00"),
/// turned into an instant with the shop time zone's offset at that moment (so each end of a loan across a
/// daylight-saving change gets its own offset).</param>
public sealed record AgreementRequest(Guid? CustomerId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? OdometerOutKm, int? FuelOutEighths, string? DamageNotes,
    Guid? RepairOrderId, string? StartsAtLocal = null, string? EndsAtLocal = null);

public sealed record ReturnRequest(int? OdometerInKm, int? FuelInEighths, string? DamageNotes);

/// <param name="Direction">"in" (the customer leaves the car with the shop) or "out" (the car goes back).</param>
public sealed record VehicleCheckRequest(Guid? VehicleId, string? Direction, int? OdometerKm, int? FuelEighths, string? KeyTag, string? Notes, Guid? RepairOrderId);

/// <summary>
/// The porter's work: cars checked in and out, and the loaner fleet with its agreements. No loaner is lent twice for
/// overlapping periods however many porters lend it at once (the bays' technique: a PostgreSQL exclusion constraint,
/// serialised BEGIN IMMEDIATE writes on SQLite).
/// </summary>
public sealed class Loaners(ShopDbContext db, IVehicleDirectory vehicles, ILiveChannel live, TimeProvider time, ShopSettingsStore settings)
{
    public static readonly TimeSpan MaxLoan = TimeSpan.FromDays(60);

    public const string LoanerTaken = "The loaner is already lent for part of that time.";

    private static readonly SemaphoreSlim SqliteWriters = new(1, 1);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IReadOnlyList<Loaner>> FleetAsync(Guid organizationId, CancellationToken ct) =>
        await db.Loaners.AsNoTracking().Where(l => l.OrganizationId == organizationId && !l.Retired).OrderBy(l => l.Name).ToListAsync(ct);

    public Task<Loaner?> LoanerAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.Loaners.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id && l.OrganizationId == organizationId, ct);

    public async Task<Outcome<Loaner>> AddLoanerAsync(Guid organizationId, LoanerRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 80, "name", "The loaner needs a name of at most 80 characters.")
            .Require(!string.IsNullOrWhiteSpace(request.Plate) && request.Plate.Trim().Length <= 15, "plate", "The loaner needs its plate (at most 15 characters).")
            .Require(request.OdometerKm is null or >= 0 and <= 5_000_000, "odometerKm", "odometerKm is 0 to 5000000.")
            .Require(request.FuelEighths is null or >= 0 and <= 8, "fuelEighths", "fuelEighths is 0 (empty) to 8 (full).");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (await db.Loaners.AnyAsync(l => l.OrganizationId == organizationId && l.Name == request.Name!.Trim(), ct))
        {
            return Outcome<Loaner>.Refused("The fleet has a loaner of that name already.");
        }
        var loaner = Loaner.Create(organizationId, request.Name!, request.Plate!, request.OdometerKm ?? 0, request.FuelEighths ?? 8, Now);
        db.Loaners.Add(loaner);
        await db.SaveChangesAsync(ct);
        return new(loaner);
    }

    public async Task<IReadOnlyList<LoanerAgreement>> AgreementsAsync(Guid organizationId, Guid? loanerId, DateTime from, DateTime to, CancellationToken ct) =>
        await db.LoanerAgreements.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && (loanerId == null || a.LoanerId == loanerId) && a.StartsAt < to && a.EndsAt > from
                && a.Status != AgreementStatus.Cancelled)
            .OrderBy(a => a.StartsAt).ToListAsync(ct);

    /// <summary>
    /// The shop's wall-clock time as an instant, with the zone's offset at that moment (DST-aware). A time that does not
    /// exist (skipped when the clocks go forward) is refused; an ambiguous one (repeated when they go back) is taken as
    /// the first of the two, daylight time.
    /// </summary>
    public static DateTimeOffset? FromShopTime(string? text, TimeZoneInfo zone, string field, Validation check)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(check);
        if (text is null)
        {
            return null;
        }
        if (!DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var local))
        {
            check.Require(false, field, $"{field} is the shop's local time as yyyy-MM-ddTHH:mm.");
            return null;
        }
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            check.Require(false, field, $"{text} does not exist in {zone.Id}: the clocks skip that hour. Choose a time outside it.");
            return null;
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public async Task<Outcome<LoanerAgreement>> LendAsync(Guid organizationId, Guid loanerId, Guid userId, AgreementRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await LoanerAsync(organizationId, loanerId, ct) is not { Retired: false } loaner)
        {
            return Outcome<LoanerAgreement>.Missing;
        }
        if (request.StartsAtLocal is not null || request.EndsAtLocal is not null)
        {
            var zone = (await settings.GetAsync(organizationId, ct)).Zone;
            var zoned = new Validation();
            var starts = FromShopTime(request.StartsAtLocal, zone, "startsAtLocal", zoned) ?? request.StartsAt;
            var ends = FromShopTime(request.EndsAtLocal, zone, "endsAtLocal", zoned) ?? request.EndsAt;
            if (!zoned.IsValid)
            {
                return new(null, zoned.Errors);
            }
            request = request with { StartsAt = starts, EndsAt = ends };
        }
        var check = new Validation()
            .Require(request.CustomerId is not null, "customerId", "Choose the customer.")
            .Require(request.StartsAt is not null, "startsAt", "startsAt is required (ISO 8601 with an offset).")
            .Require(request.EndsAt is not null && (request.StartsAt is null || request.EndsAt > request.StartsAt), "endsAt", "endsAt (due back) must be after startsAt.")
            .Require(request.StartsAt is null || request.EndsAt is null || request.EndsAt - request.StartsAt <= MaxLoan, "endsAt", "A loan lasts at most 60 days.")
            .Require(request.OdometerOutKm is null or >= 0 and <= 5_000_000, "odometerOutKm", "odometerOutKm is 0 to 5000000.")
            .Require(request.FuelOutEighths is null or >= 0 and <= 8, "fuelOutEighths", "fuelOutEighths is 0 (empty) to 8 (full).")
            .Require(request.DamageNotes is null || request.DamageNotes.Length <= 2000, "damageNotes", "damageNotes is at most 2000 characters.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (!await db.Customers.AnyAsync(c => c.Id == request.CustomerId && c.OrganizationId == organizationId, ct))
        {
            return Outcome<LoanerAgreement>.Invalid("customerId", "No such customer in this shop.");
        }
        if (request.RepairOrderId is { } ro && !await db.RepairOrders.AnyAsync(r => r.Id == ro && r.OrganizationId == organizationId, ct))
        {
            return Outcome<LoanerAgreement>.Invalid("repairOrderId", "No such repair order in this shop.");
        }
        var agreement = LoanerAgreement.Create(organizationId, loaner.Id, request.CustomerId!.Value, request.RepairOrderId, request.StartsAt!.Value.UtcDateTime,
            request.EndsAt!.Value.UtcDateTime, request.OdometerOutKm ?? loaner.OdometerKm, request.FuelOutEighths ?? loaner.FuelEighths, Blank(request.DamageNotes),
            userId, Now);
        var audit = ShopAuditEntry.Of(organizationId, "loaner_agreement", agreement.Id, new Actor(userId, Now), "status", null,
            $"{loaner.Name} lent {agreement.StartsAt:O} – {agreement.EndsAt:O}, {agreement.OdometerOutKm} km, fuel {agreement.FuelOutEighths}/8");
        var conflict = db.Database.IsNpgsql() ? await InsertOnPostgresAsync(agreement, audit, ct) : await InsertOnSqliteAsync(agreement, audit, ct);
        if (conflict is not null)
        {
            return Outcome<LoanerAgreement>.Refused(conflict);
        }
        await PublishAsync(agreement, ct);
        return new(agreement);
    }

    private async Task<string?> InsertOnPostgresAsync(LoanerAgreement agreement, ShopAuditEntry audit, CancellationToken ct)
    {
        db.LoanerAgreements.Add(agreement);
        db.Audit.Add(audit);
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation, ConstraintName: ShopDbContext.NoLoanerOverlapConstraint })
        {
            db.Entry(agreement).State = EntityState.Detached;
            db.Entry(audit).State = EntityState.Detached;
            return LoanerTaken;
        }
    }

    private async Task<string?> InsertOnSqliteAsync(LoanerAgreement agreement, ShopAuditEntry audit, CancellationToken ct)
    {
        await SqliteWriters.WaitAsync(ct);
        try
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default for a non-deferred transaction): the write lock is held
            // before the overlap check reads, so no other writer can slip in between check and insert.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var overlaps = await db.LoanerAgreements.AnyAsync(a => a.LoanerId == agreement.LoanerId && a.Status != AgreementStatus.Cancelled
                && a.StartsAt < agreement.EndsAt && a.EndsAt > agreement.StartsAt, ct);
            if (overlaps)
            {
                return LoanerTaken;
            }
            db.LoanerAgreements.Add(agreement);
            db.Audit.Add(audit);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }
        finally
        {
            SqliteWriters.Release();
        }
    }

    public async Task<Outcome<LoanerAgreement>> ReturnAsync(Guid organizationId, Guid agreementId, Guid userId, ReturnRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = new Validation()
            .Require(request.OdometerInKm is >= 0 and <= 5_000_000, "odometerInKm", "odometerInKm is required, 0 to 5000000.")
            .Require(request.FuelInEighths is >= 0 and <= 8, "fuelInEighths", "fuelInEighths is required, 0 (empty) to 8 (full).")
            .Require(request.DamageNotes is null || request.DamageNotes.Length <= 2000, "damageNotes", "damageNotes is at most 2000 characters.");
        if (await db.LoanerAgreements.FirstOrDefaultAsync(a => a.Id == agreementId && a.OrganizationId == organizationId, ct) is not { } agreement)
        {
            return Outcome<LoanerAgreement>.Missing;
        }
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (agreement.Return(request.OdometerInKm!.Value, request.FuelInEighths!.Value, Blank(request.DamageNotes), Now) is { } conflict)
        {
            return Outcome<LoanerAgreement>.Refused(conflict);
        }
        var loaner = await db.Loaners.FirstAsync(l => l.Id == agreement.LoanerId, ct);
        loaner.Returned(agreement.OdometerInKm!.Value, agreement.FuelInEighths!.Value);
        db.Audit.Add(ShopAuditEntry.Of(organizationId, "loaner_agreement", agreement.Id, new Actor(userId, Now), "status", "Open",
            $"Returned: {agreement.OdometerInKm} km ({agreement.OdometerInKm - agreement.OdometerOutKm} driven), fuel {agreement.FuelInEighths}/8"
            + (agreement.DamageIn is null ? "" : $", damage: {agreement.DamageIn}")));
        await db.SaveChangesAsync(ct);
        await PublishAsync(agreement, ct);
        return new(agreement);
    }

    public async Task<Outcome<LoanerAgreement>> CancelAsync(Guid organizationId, Guid agreementId, Guid userId, CancellationToken ct)
    {
        if (await db.LoanerAgreements.FirstOrDefaultAsync(a => a.Id == agreementId && a.OrganizationId == organizationId, ct) is not { } agreement)
        {
            return Outcome<LoanerAgreement>.Missing;
        }
        if (agreement.Cancel() is { } conflict)
        {
            return Outcome<LoanerAgreement>.Refused(conflict);
        }
        db.Audit.Add(ShopAuditEntry.Of(organizationId, "loaner_agreement", agreement.Id, new Actor(userId, Now), "status", "Open", "Cancelled"));
        await db.SaveChangesAsync(ct);
        await PublishAsync(agreement, ct);
        return new(agreement);
    }

    public async Task<Outcome<VehicleCheck>> CheckAsync(Guid organizationId, Guid userId, VehicleCheckRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var direction = request.Direction?.ToLowerInvariant() switch { "in" => CheckDirection.In, "out" => CheckDirection.Out, _ => (CheckDirection?)null };
        var check = new Validation()
            .Require(request.VehicleId is not null, "vehicleId", "Choose the vehicle.")
            .Require(direction is not null, "direction", "direction is in (the car arrives) or out (it leaves).")
            .Require(request.OdometerKm is >= 0 and <= 5_000_000, "odometerKm", "odometerKm is required, 0 to 5000000.")
            .Require(request.FuelEighths is >= 0 and <= 8, "fuelEighths", "fuelEighths is required, 0 (empty) to 8 (full).")
            .Require(request.KeyTag is null || request.KeyTag.Trim().Length <= 20, "keyTag", "keyTag is at most 20 characters.")
            .Require(request.Notes is null || request.Notes.Length <= 2000, "notes", "notes is at most 2000 characters.");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        if (!await vehicles.BelongsToAsync(request.VehicleId!.Value, organizationId, ct))
        {
            return Outcome<VehicleCheck>.Invalid("vehicleId", "No such vehicle in this shop.");
        }
        if (request.RepairOrderId is { } ro && !await db.RepairOrders.AnyAsync(r => r.Id == ro && r.OrganizationId == organizationId && r.VehicleId == request.VehicleId, ct))
        {
            return Outcome<VehicleCheck>.Invalid("repairOrderId", "No such repair order for this vehicle.");
        }
        var vehicleCheck = VehicleCheck.Create(organizationId, request.VehicleId.Value, request.RepairOrderId, direction!.Value, request.OdometerKm!.Value,
            request.FuelEighths!.Value, Blank(request.KeyTag), Blank(request.Notes), userId, Now);
        db.VehicleChecks.Add(vehicleCheck);
        db.Audit.Add(ShopAuditEntry.Of(organizationId, "vehicle_check", vehicleCheck.Id, new Actor(userId, Now), "check", null,
            $"checked {direction.Value.ToString().ToLowerInvariant()}: {vehicleCheck.OdometerKm} km, fuel {vehicleCheck.FuelEighths}/8"
            + (vehicleCheck.KeyTag is null ? "" : $", key tag {vehicleCheck.KeyTag}")));
        await db.SaveChangesAsync(ct);
        await live.PublishAsync(LiveGroup.Organization(organizationId), "shop.vehicleCheck", new
        {
            id = vehicleCheck.Id, vehicleId = vehicleCheck.VehicleId, repairOrderId = vehicleCheck.RepairOrderId, direction = request.Direction!.ToLowerInvariant(),
        }, ct);
        return new(vehicleCheck);
    }

    public async Task<IReadOnlyList<VehicleCheck>> ChecksAsync(Guid organizationId, Guid? vehicleId, Guid? repairOrderId, CancellationToken ct) =>
        await db.VehicleChecks.AsNoTracking()
            .Where(c => c.OrganizationId == organizationId && (vehicleId == null || c.VehicleId == vehicleId) && (repairOrderId == null || c.RepairOrderId == repairOrderId))
            .OrderByDescending(c => c.At).Take(200).ToListAsync(ct);

    public Task<VehicleCheck?> FindCheckAsync(Guid organizationId, Guid id, CancellationToken ct) =>
        db.VehicleChecks.FirstOrDefaultAsync(c => c.Id == id && c.OrganizationId == organizationId, ct);

    private Task PublishAsync(LoanerAgreement agreement, CancellationToken ct) => live.PublishAsync(LiveGroup.Organization(agreement.OrganizationId), "shop.loaner", new
    {
        id = agreement.Id, loanerId = agreement.LoanerId, startsAt = agreement.StartsAt, endsAt = agreement.EndsAt, status = agreement.Status.ToString(),
    }, ct);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
