using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Diagnostics.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.RepairOrders;

public sealed record FromScanRequest(Guid? ScanId);

public sealed record FromScanResponse(Guid RepairOrderId, int Number, bool Created, IReadOnlyList<Guid> JobIds);

/// <summary>
/// "This scan's findings go on a repair order": one row per (organisation, scan), inserted before the jobs are added,
/// so of concurrent clicks exactly one adds them (the primary key refuses the others), then pointing at the order.
/// </summary>
public sealed class ScanIntakeClaim
{
    private ScanIntakeClaim()
    {
    }

    public ScanIntakeClaim(Guid organizationId, Guid scanId, DateTime at)
    {
        OrganizationId = organizationId;
        ScanId = scanId;
        ClaimedAt = at;
    }

    public Guid OrganizationId { get; private set; }

    public Guid ScanId { get; private set; }

    public DateTime ClaimedAt { get; private set; }

    public Guid? RepairOrderId { get; private set; }

    public int? Number { get; private set; }
}

/// <summary>
/// "Create repair order" from a diagnostics scan: its findings (<see cref="IScanFindings"/>) become pending jobs through
/// <see cref="IRepairOrderIntake"/>, on the vehicle's open estimate or a new RO for its customer. Diagnostics comes
/// before the shop, so the button reaches its page through <see cref="IScanActionProvider"/> (<see cref="ShopScanActions"/>).
/// </summary>
public sealed class ScanIntake(IScanFindings scans, IRepairOrderIntake intake, IVehicleDirectory vehicles, ShopSettingsStore settings, ShopDbContext db, TimeProvider time)
{
    public async Task<Outcome<FromScanResponse>> CreateAsync(Guid organizationId, Guid? scanId, CancellationToken ct)
    {
        if (scanId is null)
        {
            return Outcome<FromScanResponse>.Invalid("scanId", "Name the scan.");
        }
        if (await scans.FindAsync(organizationId, scanId.Value, ct) is not { } found)
        {
            return Outcome<FromScanResponse>.Missing;
        }
        if (!found.Completed)
        {
            return Outcome<FromScanResponse>.Refused("The scan has not completed: wait for its result, or scan the car again.");
        }
        if (found.VehicleId is not { } vehicleId)
        {
            return Outcome<FromScanResponse>.Refused("The scan is not linked to a vehicle of the shop: scan it from the vehicle's page.");
        }
        if (found.Findings.Count == 0)
        {
            return Outcome<FromScanResponse>.Refused("The scan found nothing to repair, so there is no job to add.");
        }
        // A second click (or a retried request) finds the order the scan already went on instead of adding its jobs twice.
        var mark = $"(from {SourceOf(found.ScanId)})";
        var earlier = await db.Audit.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && a.EntityType == RepairOrder.EntityType && a.After != null && a.After.EndsWith(mark))
            .Select(a => (Guid?)a.EntityId).FirstOrDefaultAsync(ct);
        if (earlier is { } earlierId && await db.RepairOrders.AsNoTracking().Where(r => r.Id == earlierId).Select(r => (int?)r.Number).FirstOrDefaultAsync(ct) is { } earlierNumber)
        {
            return new(new FromScanResponse(earlierId, earlierNumber, false, []));
        }
        // Concurrent clicks: the first to insert the scan's claim adds the jobs; the others wait for its order.
        if (await ClaimAsync(organizationId, found.ScanId, ct) is { } other)
        {
            return other;
        }
        RepairOrderIntakeResult result;
        try
        {
            var shop = await settings.GetAsync(organizationId, ct);
            var jobs = Jobs(found, shop).ToList();
            var vehicle = await vehicles.FindAsync(organizationId, vehicleId, ct);
            result = await intake.OpenWithJobsAsync(organizationId, vehicleId, jobs, vehicle?.OdometerKm, ct);
        }
        catch
        {
            await ReleaseAsync(organizationId, found.ScanId);
            throw;
        }
        if (result.RepairOrderId is { } orderId && result.Errors is null && result.Conflict is null && !result.NotFound)
        {
            await db.ScanIntakeClaims.Where(c => c.OrganizationId == organizationId && c.ScanId == found.ScanId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.RepairOrderId, orderId).SetProperty(x => x.Number, result.Number), ct);
        }
        else
        {
            await ReleaseAsync(organizationId, found.ScanId);
        }
        return result switch
        {
            { NotFound: true } => Outcome<FromScanResponse>.Missing,
            { Errors: { } errors } => new(null, errors),
            { Conflict: { } conflict } => Outcome<FromScanResponse>.Refused(conflict),
            _ => new(new FromScanResponse(result.RepairOrderId!.Value, result.Number!.Value, result.Created, result.JobIds ?? [])),
        };
    }

    /// <summary>How long a claim without its order may stand before another click takes over (its request died).</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Null: this request holds the scan's claim and adds the jobs. Otherwise the answer for a click that lost the race:
    /// the order the winner made (200, no new jobs), or 409 when the winner is still busy after a while.
    /// </summary>
    private async Task<Outcome<FromScanResponse>?> ClaimAsync(Guid organizationId, Guid scanId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var claim = new ScanIntakeClaim(organizationId, scanId, time.GetUtcNow().UtcDateTime);
            db.ScanIntakeClaims.Add(claim);
            try
            {
                await db.SaveChangesAsync(ct);
                return null;
            }
            catch (DbUpdateException)
            {
                db.Entry(claim).State = EntityState.Detached;
            }
            var deadline = time.GetUtcNow().AddSeconds(20);
            while (true)
            {
                var held = await db.ScanIntakeClaims.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.ScanId == scanId, ct);
                if (held is null)
                {
                    break; // the holder failed and let go: try to claim again
                }
                if (held is { RepairOrderId: { } orderId, Number: { } number })
                {
                    return new(new FromScanResponse(orderId, number, false, []));
                }
                if (held.ClaimedAt < time.GetUtcNow().UtcDateTime - StaleClaim)
                {
                    await db.ScanIntakeClaims.Where(c => c.OrganizationId == organizationId && c.ScanId == scanId && c.ClaimedAt == held.ClaimedAt && c.RepairOrderId == null)
                        .ExecuteDeleteAsync(ct);
                    break;
                }
                if (time.GetUtcNow() > deadline)
                {
                    return Outcome<FromScanResponse>.Refused("This scan's findings are being added to a repair order right now: try again in a moment.");
                }
                await Task.Delay(50, ct);
            }
        }
        return Outcome<FromScanResponse>.Refused("This scan's findings are being added to a repair order right now: try again in a moment.");
    }

    private async Task ReleaseAsync(Guid organizationId, Guid scanId) =>
        await db.ScanIntakeClaims.Where(c => c.OrganizationId == organizationId && c.ScanId == scanId && c.RepairOrderId == null).ExecuteDeleteAsync(CancellationToken.None);

    /// <summary>
    /// One pending job per finding: the codes as the concern, the finding's explanation as the cause, its book time as
    /// labor (the "diagnostic" rate for diagnosis time when the shop has one) and its parts at the diagnostics price list's
    /// price. That list holds prices, not costs, so a part's cost is taken equal to its price until the advisor sets it.
    /// </summary>
    internal static IEnumerable<NewShopJob> Jobs(ScanFindings found, ShopSettings shop)
    {
        var samePrices = string.Equals(found.Currency, shop.Currency, StringComparison.OrdinalIgnoreCase);
        var diagnostic = shop.RateFor("diagnostic") is not null ? "diagnostic" : "standard";
        foreach (var f in found.Findings)
        {
            var labor = f.LaborHours > 0
                ? new[] { new NewShopLaborLine(Cut(f.LaborName ?? f.Title, 300), Math.Round(f.LaborHours, 2), f.IsDiagnosis ? diagnostic : "standard") }
                : [];
            var parts = samePrices
                ? f.Parts.Select(p => new NewShopPartLine(Cut(p.Description, 300), p.PartNumber, Math.Max(0.01m, Math.Round(p.Quantity, 2)), p.UnitPrice, p.UnitPrice)).ToArray()
                : [];
            var concern = f.Codes.Count > 0
                ? $"Trouble codes {string.Join(", ", f.Codes)} found by the scan of {When(found.CompletedAt, shop.Zone)}."
                : null;
            yield return new NewShopJob(Cut(f.Title, 200), concern, Cut(f.Detail, RepairOrders.MaxText), labor, parts, SourceOf(found.ScanId));
        }
    }

    /// <summary>The scan's time in the shop's time zone, named ("2026-12-07 13:06 Europe/Berlin").</summary>
    private static string When(DateTime? utc, TimeZoneInfo zone) => utc is { } at
        ? $"{TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {zone.Id}"
        : "unknown time";

    internal static string SourceOf(Guid scanId) => $"diagnostics scan {scanId}";

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>The shop's button on a scan's page: create (or add to) the vehicle's repair order, or first add its owner.</summary>
internal sealed class ShopScanActions(ShopDbContext db) : IScanActionProvider
{
    public async Task<IReadOnlyList<ScanAction>> ActionsAsync(ScanActionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ShopPermissions.WriteOrders.Allows(context.Role) || context.VehicleId is not { } vehicleId)
        {
            return [];
        }
        var owned = await db.CustomerVehicles.AsNoTracking().AnyAsync(v => v.OrganizationId == context.OrganizationId && v.VehicleId == vehicleId, ct);
        if (!owned)
        {
            return [new ScanAction("scan-add-owner", "Add the owner to make a repair order", $"/Shop/Customers/New?vehicleId={vehicleId}", Post: false,
                "This vehicle has no customer in the shop yet.")];
        }
        var mark = $"(from {ScanIntake.SourceOf(context.ScanId)})";
        var done = await db.Audit.AsNoTracking()
            .Where(a => a.OrganizationId == context.OrganizationId && a.EntityType == RepairOrder.EntityType && a.After != null && a.After.EndsWith(mark))
            .Select(a => (Guid?)a.EntityId).FirstOrDefaultAsync(ct);
        if (done is { } doneId && await db.RepairOrders.AsNoTracking().Where(r => r.Id == doneId).Select(r => (int?)r.Number).FirstOrDefaultAsync(ct) is { } doneNumber)
        {
            return [new ScanAction("scan-open-order", $"Open repair order {doneNumber}", $"/Shop/Orders/{doneId}", Post: false,
                "This scan's findings are already on it.")];
        }
        var open = await db.RepairOrders.AsNoTracking()
            .Where(r => r.OrganizationId == context.OrganizationId && r.VehicleId == vehicleId && r.Status == RepairOrderStatus.Estimate)
            .OrderByDescending(r => r.CreatedAt).Select(r => (int?)r.Number).FirstOrDefaultAsync(ct);
        return [new ScanAction("scan-create-order", open is { } number ? $"Add to repair order {number}" : "Create repair order",
            $"/Shop/Orders/FromScan/{context.ScanId}", Post: true, "Each finding becomes a job waiting for the customer's approval.")];
    }
}

/// <summary>POST /api/v1/shop/orders/from-scan: the same one click for API clients.</summary>
public static class ScanIntakeEndpoints
{
    public static IEndpointRouteBuilder MapScanIntakeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapTenantApi("/api/v1/shop/orders", "Shop").MapPost("/from-scan", FromScan).RequirePermission(ShopPermissions.WriteOrders);
        return routes;
    }

    /// <summary>201 with the new jobs; 200 when the scan's findings are already on an order (a second click adds nothing).</summary>
    private static async Task<IResult> FromScan(FromScanRequest request, OrganizationScope scope, ScanIntake intake, CancellationToken ct)
    {
        var outcome = await intake.CreateAsync(scope.OrganizationId, request.ScanId, ct);
        return outcome.Value is { JobIds.Count: 0 } earlier
            ? TypedResults.Ok(earlier)
            : outcome.Created(r => r, r => $"/api/v1/shop/orders/{r.RepairOrderId}", "No such scan.");
    }
}
