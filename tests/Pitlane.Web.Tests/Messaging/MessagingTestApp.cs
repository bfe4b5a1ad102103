using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Live;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Messaging;

[IntegrationEventName("tests.work")]
public sealed record TestWorkEvent(string Note) : IntegrationEvent;

[IntegrationEventName("tests.live")]
public sealed record TestLiveEvent(string Note) : IntegrationEvent;

/// <summary>What the test handlers saw, shared by the instances of one test so it can tell which instance did what.</summary>
public sealed class Recorder
{
    public ConcurrentQueue<(string Instance, Guid EventId, string Note)> Work { get; } = new();
    public ConcurrentQueue<(string Instance, Guid EventId, string Note)> Live { get; } = new();
    public ConcurrentQueue<(string Instance, Guid JobId, int Attempt)> JobRuns { get; } = new();
    public ConcurrentDictionary<Guid, bool> JobsSawCancellation { get; } = new();
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();
}

/// <summary>Work handler: records, and fails while the note's failure budget lasts ("fail:N" fails N deliveries).</summary>
public sealed class RecordingWorkHandler(Recorder recorder, MessagingInstance instance) : IIntegrationEventHandler<TestWorkEvent>
{
    public Task HandleAsync(TestWorkEvent integrationEvent, CancellationToken ct)
    {
        if (integrationEvent.Note.StartsWith("fail:", StringComparison.Ordinal))
        {
            var left = recorder.FailuresLeft.AddOrUpdate(integrationEvent.Id.ToString(), int.Parse(integrationEvent.Note[5..], System.Globalization.CultureInfo.InvariantCulture) - 1, (_, n) => n - 1);
            if (left >= 0)
            {
                throw new InvalidOperationException($"Planned handler failure ({left} left).");
            }
        }
        recorder.Work.Enqueue((instance.Id, integrationEvent.Id, integrationEvent.Note));
        return Task.CompletedTask;
    }
}

public sealed class RecordingLiveHandler(Recorder recorder, MessagingInstance instance) : IIntegrationEventHandler<TestLiveEvent>
{
    public Task HandleAsync(TestLiveEvent integrationEvent, CancellationToken ct)
    {
        recorder.Live.Enqueue((instance.Id, integrationEvent.Id, integrationEvent.Note));
        return Task.CompletedTask;
    }
}

/// <summary>A job that fails its first FailTimes attempts, reports Steps progress steps, or hangs until cancelled.</summary>
public sealed record TestJob(int FailTimes = 0, int Steps = 0, bool Hang = false);

public sealed record TestJobResult(string Instance, int Attempt);

public sealed class TestJobHandler(Recorder recorder, MessagingInstance instance) : IJobHandler<TestJob>
{
    public async Task<object?> RunAsync(JobContext<TestJob> job, CancellationToken ct)
    {
        recorder.JobRuns.Enqueue((instance.Id, job.Id, job.Attempt));
        if (job.Attempt <= job.Payload.FailTimes)
        {
            throw new InvalidOperationException($"Planned failure of attempt {job.Attempt}.");
        }
        if (job.Payload.Hang)
        {
            await job.ReportAsync(10, "waiting to be cancelled", ct);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                recorder.JobsSawCancellation[job.Id] = true;
                throw;
            }
        }
        for (var step = 1; step <= job.Payload.Steps; step++)
        {
            await job.ReportAsync(step * 100 / (job.Payload.Steps + 1), $"step {step}", ct);
        }
        return new TestJobResult(instance.Id, job.Attempt);
    }
}

public sealed class RecordingLiveChannel : ILiveChannel
{
    public ConcurrentQueue<(LiveGroup Group, string Method, object Payload)> Messages { get; } = new();

    public Task PublishAsync(LiveGroup group, string method, object payload, CancellationToken ct)
    {
        Messages.Enqueue((group, method, payload));
        return Task.CompletedTask;
    }
}

/// <summary>The app with the test handlers, fast job timings and a recording live channel; settings can be added per instance.</summary>
public class MessagingApp : PitlaneApp
{
    private readonly DatabaseProvider _provider;
    private readonly IReadOnlyDictionary<string, string?> _extra;

    public MessagingApp(DatabaseProvider provider, Recorder recorder, IReadOnlyDictionary<string, string?> settings)
    {
        _provider = provider;
        Recorder = recorder;
        _extra = settings;
    }

    public override DatabaseProvider Provider => _provider;

    public Recorder Recorder { get; }

    public RecordingLiveChannel Live { get; } = new();

    public string InstanceId => Services.GetRequiredService<MessagingInstance>().Id;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Messaging:OutboxPollMilliseconds", "200");
        Set("Pitlane:Messaging:MaxDeliveries", "3");
        Set("Pitlane:Jobs:PollMilliseconds", "200");
        Set("Pitlane:Jobs:HeartbeatMilliseconds", "200");
        Set("Pitlane:Jobs:LeaseSeconds", "5");
        Set("Pitlane:Jobs:RetryBaseSeconds", "0.1");
        foreach (var (key, value) in _extra)
        {
            Set(key, value);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(Recorder);
            services.AddSingleton<ILiveChannel>(Live);
            services.AddIntegrationEventHandler<TestWorkEvent, RecordingWorkHandler>(EventDelivery.Work, "tests.recording-work");
            services.AddIntegrationEventHandler<TestLiveEvent, RecordingLiveHandler>(EventDelivery.FanOut, "tests.recording-live");
            services.AddJobHandler<TestJob, TestJobHandler>("tests.job", maxAttempts: 3);
        });
    }

    /// <summary>Writes events to the outbox in one committed transaction, as a module does.</summary>
    public async Task PublishThroughOutboxAsync(params IntegrationEvent[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        foreach (var integrationEvent in events)
        {
            db.AddOutboxEvent(integrationEvent);
        }
        await db.SaveChangesAsync();
    }

    public async Task<Guid> EnqueueAsync(Guid organizationId, TestJob job)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobQueue>().EnqueueAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), organizationId, job, CancellationToken.None);
    }

    public async Task<Guid> PersonalOrganizationAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Pitlane.Modules.Accounts.AccountsDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        return await db.Memberships.Where(m => m.UserId == userId).Select(m => m.OrganizationId).FirstAsync();
    }

    public async Task<T> QueryAsync<T>(Func<PlatformDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PlatformDbContext>());
    }
}

/// <summary>The embedded profile: SQLite and the in-process bus.</summary>
public sealed class InProcessMessagingApp() : MessagingApp(DatabaseProvider.Sqlite, new Recorder(), new Dictionary<string, string?>());

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the message after the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Not within {timeout.TotalSeconds:0.#} s: {because}");
            }
            await Task.Delay(50);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, because);
}
