using Pitlane.Platform.Live;
using Pitlane.Platform.Messaging;

namespace Pitlane.Platform.Jobs;

/// <summary>A job was enqueued: a wake-up for one worker (work delivery). The job row, not this event, is the truth.</summary>
[IntegrationEventName("platform.jobs.queued")]
public sealed record JobQueued(Guid JobId) : IntegrationEvent;

internal sealed class JobQueuedHandler(JobWorker worker) : IIntegrationEventHandler<JobQueued>
{
    public Task HandleAsync(JobQueued integrationEvent, CancellationToken ct)
    {
        worker.Nudge(integrationEvent.JobId);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A job's progress or state changed. Published directly (not through the outbox: a lost progress push is
/// superseded by the next one and the row has the truth) as a fan-out, so the instance holding the watcher's SignalR
/// connection pushes it, whichever instance runs the job.
/// </summary>
[IntegrationEventName("platform.jobs.progressed")]
public sealed record JobProgressed(Guid JobId, Guid OrganizationId, string State, int Progress, string? Message) : IntegrationEvent;

/// <summary>The payload of the "jobProgress" live message on group job:{id}.</summary>
public sealed record JobProgressMessage(Guid Id, string State, int Progress, string? Message);

internal sealed class JobProgressedHandler(ILiveChannel live) : IIntegrationEventHandler<JobProgressed>
{
    public Task HandleAsync(JobProgressed integrationEvent, CancellationToken ct) =>
        live.PublishAsync(LiveGroup.Job(integrationEvent.OrganizationId, integrationEvent.JobId), "jobProgress",
            new JobProgressMessage(integrationEvent.JobId, integrationEvent.State, integrationEvent.Progress, integrationEvent.Message), ct);
}
