using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Shop.RepairOrders;

/// <summary>
/// A technician's time on one job, from clock-in to clock-out. One running entry per technician: a unique index on
/// (organisation, technician) over the rows without an end makes a second concurrent clock-in fail in the database,
/// not only in a check that two requests could both pass.
/// </summary>
public sealed class TimeEntry
{
    private TimeEntry()
    {
    }

    public TimeEntry(Guid organizationId, Guid technicianId, Guid repairOrderId, Guid jobId, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganizationId = organizationId;
        TechnicianId = technicianId;
        RepairOrderId = repairOrderId;
        JobId = jobId;
        StartedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public Guid TechnicianId { get; private set; }

    public Guid RepairOrderId { get; private set; }

    public Guid JobId { get; private set; }

    public DateTime StartedAt { get; private set; }

    public DateTime? EndedAt { get; private set; }

    public void ClockOut(DateTime at) => EndedAt = at < StartedAt ? StartedAt : at;

    public double Hours(DateTime now) => ((EndedAt ?? now) - StartedAt).TotalHours;
}

public sealed record TimeEntryResponse(Guid Id, Guid TechnicianId, Guid RepairOrderId, Guid JobId, DateTime StartedAt, DateTime? EndedAt, double Hours);

/// <param name="FlaggedHours">Hours sold on the job's labor lines.</param>
/// <param name="ActualHours">Hours clocked on it.</param>
public sealed record JobTimeResponse(Guid JobId, string Title, double FlaggedHours, double ActualHours);

/// <summary>/api/v1/shop/clock: clock in on a job, clock out, my running job; per RO, flagged against actual hours.</summary>
public static class TechnicianClockEndpoints
{
    public static IEndpointRouteBuilder MapTechnicianClockEndpoints(this IEndpointRouteBuilder routes)
    {
        var clock = routes.MapTenantApi("/api/v1/shop/clock", "Shop");
        clock.MapGet("/", Current).RequirePermission(ShopPermissions.WorkJobs);
        clock.MapPost("/in", ClockIn).RequirePermission(ShopPermissions.WorkJobs);
        clock.MapPost("/out", ClockOut).RequirePermission(ShopPermissions.WorkJobs);
        routes.MapTenantApi("/api/v1/shop/orders", "Shop").MapGet("/{id:guid}/time", Time).RequirePermission(ShopPermissions.View);
        return routes;
    }

    public sealed record ClockInRequest(Guid? RepairOrderId, Guid? JobId);

    private static TimeEntryResponse From(TimeEntry e, DateTime now) => new(e.Id, e.TechnicianId, e.RepairOrderId, e.JobId, e.StartedAt, e.EndedAt, Math.Round(e.Hours(now), 2));

    private static async Task<IResult> Current(OrganizationScope scope, ShopDbContext db, TimeProvider time, CancellationToken ct) =>
        await db.TimeEntries.AsNoTracking().FirstOrDefaultAsync(e => e.OrganizationId == scope.OrganizationId && e.TechnicianId == scope.UserId && e.EndedAt == null, ct) is { } running
            ? TypedResults.Ok(From(running, time.GetUtcNow().UtcDateTime))
            : TypedResults.NoContent();

    private static async Task<IResult> ClockIn(ClockInRequest request, OrganizationScope scope, ShopDbContext db, RepairOrders orders, TimeProvider time, CancellationToken ct)
    {
        if (request.RepairOrderId is not { } roId || request.JobId is not { } jobId)
        {
            return Problems.Invalid("jobId", "Name the repair order and the job to clock in on.");
        }
        var order = await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).FirstOrDefaultAsync(r => r.Id == roId && r.OrganizationId == scope.OrganizationId, ct);
        if (order?.Job(jobId) is not { } job)
        {
            return Problems.NotFound("No such repair order or job.");
        }
        if (order.Status is not (RepairOrderStatus.Authorised or RepairOrderStatus.InProgress) || job.Status is not (JobStatus.Authorised or JobStatus.InProgress))
        {
            return Problems.Conflict("Clock in on an approved job of a repair order that is approved or in progress.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var entry = new TimeEntry(scope.OrganizationId, scope.UserId, roId, jobId, now);
        db.TimeEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict("You are clocked in on another job: clock out of it first.");
        }
        if (job.Status == JobStatus.Authorised)
        {
            // Clocking on starts the work: the job (and an approved RO) goes to in progress, audited and published live,
            // so its card moves on every job board. A concurrent change of the RO leaves the job as it was; the clock runs.
            await orders.ChangeAsync(scope.OrganizationId, roId, scope.UserId, (o, a) => o.SetJobWork(jobId, JobStatus.InProgress, a), ct);
        }
        return TypedResults.Created("/api/v1/shop/clock", From(entry, now));
    }

    private static async Task<IResult> ClockOut(OrganizationScope scope, ShopDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.TimeEntries.FirstOrDefaultAsync(e => e.OrganizationId == scope.OrganizationId && e.TechnicianId == scope.UserId && e.EndedAt == null, ct) is not { } running)
        {
            return Problems.Conflict("You are not clocked in.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        running.ClockOut(now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(From(running, now));
    }

    private static async Task<IResult> Time(Guid id, OrganizationScope scope, ShopDbContext db, TimeProvider time, CancellationToken ct)
    {
        var order = await db.RepairOrders.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Lines).FirstOrDefaultAsync(r => r.Id == id && r.OrganizationId == scope.OrganizationId, ct);
        if (order is null)
        {
            return Problems.NotFound("No such repair order.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var entries = await db.TimeEntries.AsNoTracking().Where(e => e.RepairOrderId == id && e.OrganizationId == scope.OrganizationId).ToListAsync(ct);
        return TypedResults.Ok(order.Jobs.OrderBy(j => j.Position).Select(j => new JobTimeResponse(j.Id, j.Title,
            j.Lines.Where(l => l.Kind == LineKind.Labor).Sum(l => l.QuantityHundredths) / 100.0,
            Math.Round(entries.Where(e => e.JobId == j.Id).Sum(e => e.Hours(now)), 2))));
    }
}
