using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Messaging.Contracts;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;

namespace Pitlane.Modules.Messaging.FollowUps;

/// <summary>Sends one follow-up when it is due.</summary>
public sealed record FollowUpJob(Guid FollowUpId);

/// <summary>
/// Reminders: declined work (read from the RO through Shop.Contracts, one reminder per declined job, sent
/// DeclinedReminderDays later) and maintenance due (a date and a text). Each waits as a scheduled job; opting out
/// (STOP, the link in the e-mail) cancels the ones still waiting, and the send itself checks again.
/// </summary>
public sealed class FollowUpService(MessagingDbContext db, IShopRepairOrders orders, IShopCustomerDirectory customers, JobQueue jobs, CustomerMessagingOptions options, TimeProvider time)
{
    public async Task<(IReadOnlyList<FollowUp>? Scheduled, bool NotFound)> FromDeclinedWorkAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct)
    {
        var order = await orders.FindAsync(organizationId, repairOrderId, ct);
        if (order is null)
        {
            return (null, true);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var due = now.AddDays(options.DeclinedReminderDays);
        var result = new List<FollowUp>();
        foreach (var job in order.Jobs.Where(j => j.Status == "declined"))
        {
            if (await db.FollowUps.AnyAsync(f => f.OrganizationId == organizationId && f.Kind == "declined" && f.JobId == job.Id, ct))
            {
                continue;
            }
            var text = $"when you were last in, we recommended \"{job.Title}\". Reply to this text or call us to book it.";
            result.Add(Add(FollowUp.Schedule(organizationId, order.CustomerId, order.Id, job.Id, "declined", text, due, now)));
        }
        await db.SaveChangesAsync(ct);
        return (result, false);
    }

    public async Task<(FollowUp? Scheduled, bool NotFound)> MaintenanceAsync(Guid organizationId, Guid customerId, string text, DateTime dueAt, CancellationToken ct)
    {
        if (await customers.FindAsync(organizationId, customerId, ct) is null)
        {
            return (null, true);
        }
        var followUp = Add(FollowUp.Schedule(organizationId, customerId, null, null, "maintenance", text, dueAt, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return (followUp, false);
    }

    public async Task CancelForCustomerAsync(Guid organizationId, Guid customerId, string why, CancellationToken ct)
    {
        foreach (var f in await db.FollowUps.Where(f => f.OrganizationId == organizationId && f.CustomerId == customerId && f.Status == "scheduled").ToListAsync(ct))
        {
            f.Cancel(why);
        }
        await db.SaveChangesAsync(ct);
    }

    private FollowUp Add(FollowUp followUp)
    {
        db.FollowUps.Add(followUp);
        jobs.Enqueue(db, followUp.OrganizationId, new FollowUpJob(followUp.Id), followUp.DueAt);
        return followUp;
    }
}

/// <summary>
/// Shop declined a job (the advisor for the customer, or the customer on an approval link): the declined-work reminder
/// is scheduled at once, nobody has to ask for it. The RO is read again, so a job approved meanwhile gets none; the
/// inbox makes a redelivered event schedule nothing twice, and a job that already had a reminder never gets another.
/// </summary>
internal sealed class DeclinedJobHandler(FollowUpService followUps) : IIntegrationEventHandler<RepairOrderJobDeclined>
{
    public async Task HandleAsync(RepairOrderJobDeclined integrationEvent, CancellationToken ct) =>
        await followUps.FromDeclinedWorkAsync(integrationEvent.OrganizationId, integrationEvent.RepairOrderId, ct);
}

internal sealed class FollowUpJobHandler(MessagingDbContext db, ICustomerMessenger messenger, MessagingSettingsStore settings, IShopRepairOrders orders)
    : IJobHandler<FollowUpJob>
{
    public async Task<object?> RunAsync(JobContext<FollowUpJob> job, CancellationToken ct)
    {
        var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == job.Payload.FollowUpId && f.OrganizationId == job.OrganizationId, ct);
        if (followUp is null || followUp.Status != "scheduled")
        {
            return new { skipped = followUp?.Status ?? "missing" };
        }
        if (!(await settings.GetAsync(job.OrganizationId, ct)).RemindersEnabled)
        {
            followUp.Cancel("The shop turned reminders off.");
            await db.SaveChangesAsync(ct);
            return new { cancelled = true };
        }
        if (followUp is { Kind: "declined", RepairOrderId: { } ro, JobId: { } declinedJob }
            && (await orders.FindAsync(job.OrganizationId, ro, ct))?.Jobs.FirstOrDefault(j => j.Id == declinedJob) is not { Status: "declined" })
        {
            followUp.Cancel("The job is no longer declined.");
            await db.SaveChangesAsync(ct);
            return new { cancelled = true };
        }
        var result = await messenger.SendAsync(new CustomerMessage(job.OrganizationId, followUp.CustomerId, "reminder",
            new Dictionary<string, string> { ["text"] = followUp.Text }, RepairOrderId: followUp.RepairOrderId), ct);
        if (result.Sent)
        {
            followUp.Sent(result.MessageId);
        }
        else
        {
            followUp.Refused(result.Refused ?? "Not sent.");
        }
        await db.SaveChangesAsync(ct);
        return new { sent = result.Sent, refused = result.Refused };
    }
}
