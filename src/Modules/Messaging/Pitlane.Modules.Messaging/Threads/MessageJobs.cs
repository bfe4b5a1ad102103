using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Messaging.Sms;
using Pitlane.Platform.Jobs;

namespace Pitlane.Modules.Messaging.Threads;

/// <summary>Sends a text held for quiet hours (or one whose provider was unreachable) when its time comes.</summary>
internal sealed class SendMessageJobHandler(MessagingDbContext db, Messenger messenger) : IJobHandler<SendMessageJob>
{
    public async Task<object?> RunAsync(JobContext<SendMessageJob> job, CancellationToken ct)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == job.Payload.MessageId && m.OrganizationId == job.OrganizationId, ct);
        if (message is null || message.Status is not ("held" or "queued") || message.ProviderId is not null)
        {
            return new { skipped = message?.Status ?? "missing" };
        }
        if (message.Channel == "sms")
        {
            await messenger.DispatchSmsAsync(message, ct);
        }
        else
        {
            await messenger.DispatchEmailAsync(message, ct);
        }
        await messenger.PublishAsync(message, ct);
        return new { status = message.Status };
    }
}

/// <summary>The simulator's carrier: reports "sent" then "delivered" through the status path Twilio's callbacks take.</summary>
internal sealed class SimulatedDeliveryJobHandler(MessagingDbContext db, InboundSms inbound) : IJobHandler<SimulatedDeliveryJob>
{
    public async Task<object?> RunAsync(JobContext<SimulatedDeliveryJob> job, CancellationToken ct)
    {
        var sid = job.Payload.MessageSid;
        if (!await db.Messages.AnyAsync(m => m.ProviderId == sid && m.OrganizationId == job.OrganizationId, ct))
        {
            return null;
        }
        await inbound.StatusAsync(job.OrganizationId, sid, "sent", null, ct);
        await inbound.StatusAsync(job.OrganizationId, sid, "delivered", null, ct);
        return new { delivered = sid };
    }
}
