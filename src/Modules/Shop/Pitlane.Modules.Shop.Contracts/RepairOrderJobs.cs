namespace Pitlane.Modules.Shop.Contracts;

/// <summary>
/// Adding work to a repair order from another module (an estimate, an inspection, a diagnostic scan's findings). The
/// job arrives as "pending" on an open RO (estimate, authorised or in progress): the customer still authorises or
/// declines it. Prices follow the shop's rules (labor rate per category, parts markup matrix) unless a line names its
/// own price.
/// </summary>
public interface IRepairOrderJobs
{
    Task<AddShopJobResult> AddJobAsync(Guid organizationId, Guid repairOrderId, NewShopJob job, CancellationToken ct);
}

/// <param name="Concern">The customer's concern in their words ("grinding noise when braking").</param>
/// <param name="Cause">What was found, when known ("front pads worn to 2 mm").</param>
/// <param name="Source">Where the job came from, for the audit trail ("diagnostics scan 3f2a…", "inspection").</param>
public sealed record NewShopJob(
    string Title,
    string? Concern,
    string? Cause,
    IReadOnlyList<NewShopLaborLine> Labor,
    IReadOnlyList<NewShopPartLine> Parts,
    string? Source = null);

/// <param name="Hours">Flagged (sold) hours, to 0.01 h.</param>
/// <param name="LaborCategory">The shop's labor category ("standard", "diagnostic", "electrical"...); null: "standard".</param>
public sealed record NewShopLaborLine(string Description, decimal Hours, string? LaborCategory = null);

/// <param name="Quantity">To 0.01 (litres of oil, metres of hose).</param>
/// <param name="UnitCost">What the shop pays, in minor units of the shop's currency.</param>
/// <param name="UnitPrice">The price to the customer; null: from the shop's markup matrix by cost tier.</param>
/// <param name="CoreCharge">Refundable core deposit per unit (starters, batteries), in minor units.</param>
public sealed record NewShopPartLine(
    string Description, string? PartNumber, decimal Quantity, long UnitCost, long? UnitPrice = null, long CoreCharge = 0);

/// <summary>The new job's id, or why it was refused: field errors (400), a conflict such as a locked RO (409), or no such RO.</summary>
public sealed record AddShopJobResult(Guid? JobId, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false);

/// <summary>The repair order the jobs went on (new or the vehicle's open estimate), or why none: field errors, a conflict, or no such vehicle.</summary>
public sealed record RepairOrderIntakeResult(
    Guid? RepairOrderId, int? Number = null, bool Created = false, IReadOnlyList<Guid>? JobIds = null, Dictionary<string, string[]>? Errors = null,
    string? Conflict = null, bool NotFound = false);

/// <summary>
/// "Create repair order" in one click from another module (a diagnostics scan's findings, an estimate): the vehicle's
/// open estimate gets the jobs, or a new RO is opened for the vehicle's customer (the one it was last linked to). A
/// vehicle without a customer is a conflict: link it to a customer in the shop first.
/// </summary>
public interface IRepairOrderIntake
{
    Task<RepairOrderIntakeResult> OpenWithJobsAsync(Guid organizationId, Guid vehicleId, IReadOnlyList<NewShopJob> jobs, int? odometerKm, CancellationToken ct);
}
