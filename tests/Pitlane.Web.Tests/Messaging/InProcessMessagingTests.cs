using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web.Tests.Messaging;

/// <summary>The outbox, the in-process bus and the job queue of the embedded profile (SQLite).</summary>
public sealed class InProcessMessagingTests(InProcessMessagingApp app) : IClassFixture<InProcessMessagingApp>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Given_rolled_back_transaction_Then_no_event_is_stored_or_delivered()
    {
        var rolledBack = new TestWorkEvent("rolled back") { OccurredAt = DateTimeOffset.UtcNow };
        var committed = new TestWorkEvent("committed") { OccurredAt = DateTimeOffset.UtcNow };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AddOutboxEvent(rolledBack);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        // The committed one, written after, is delivered; by then the dispatcher has seen everything before it.
        await app.PublishThroughOutboxAsync(committed);
        await Eventually.HoldsAsync(() => app.Recorder.Work.Any(w => w.EventId == committed.Id), Soon, "the committed event is handled");

        Assert.DoesNotContain(app.Recorder.Work, w => w.EventId == rolledBack.Id);
        Assert.False(await app.QueryAsync(db => db.Outbox.AnyAsync(o => o.EventId == rolledBack.Id)));
    }

    [Fact]
    public async Task Given_committed_event_Then_handled_once_marked_published_and_recorded_in_the_inbox()
    {
        var evt = new TestWorkEvent("hello") { OccurredAt = DateTimeOffset.UtcNow };
        var live = new TestLiveEvent("live hello") { OccurredAt = DateTimeOffset.UtcNow };
        await app.PublishThroughOutboxAsync(evt, live);

        await Eventually.HoldsAsync(() => app.QueryAsync(db => db.Outbox.AnyAsync(o => o.EventId == evt.Id && o.PublishedAt != null)), Soon, "the row is marked published");
        Assert.Single(app.Recorder.Work, w => w.EventId == evt.Id);
        Assert.Single(app.Recorder.Live, w => w.EventId == live.Id);
        Assert.True(await app.QueryAsync(db => db.Inbox.AnyAsync(i => i.EventId == evt.Id && i.Consumer == "tests.recording-work")));

        // A redelivery of the same event (at-least-once) does not run the work handler again.
        await app.Services.GetRequiredService<IEventBus>().PublishAsync(evt, CancellationToken.None);
        Assert.Single(app.Recorder.Work, w => w.EventId == evt.Id);
    }

    [Fact]
    public async Task Given_outbox_rows_Then_they_are_delivered_in_commit_order()
    {
        var events = Enumerable.Range(0, 20).Select(i => new TestWorkEvent($"ordered {i:00}") { OccurredAt = DateTimeOffset.UtcNow }).ToArray();
        foreach (var evt in events)
        {
            await app.PublishThroughOutboxAsync(evt);
        }
        await Eventually.HoldsAsync(() => events.All(e => app.Recorder.Work.Any(w => w.EventId == e.Id)), Soon, "all 20 handled");
        var seen = app.Recorder.Work.Where(w => w.Note.StartsWith("ordered", StringComparison.Ordinal)).Select(w => w.Note).ToList();
        Assert.Equal(events.Select(e => e.Note), seen);
    }

    [Fact]
    public async Task Given_handler_failing_twice_Then_third_delivery_succeeds_and_always_failing_goes_dead()
    {
        var flaky = new TestWorkEvent("fail:2") { OccurredAt = DateTimeOffset.UtcNow };
        var poison = new TestWorkEvent("fail:99") { OccurredAt = DateTimeOffset.UtcNow };
        await app.PublishThroughOutboxAsync(flaky, poison);

        await Eventually.HoldsAsync(() => app.QueryAsync(db => db.Outbox.AnyAsync(o => o.EventId == flaky.Id && o.PublishedAt != null)), Soon,
            "the flaky event is published on its third delivery");
        var row = await app.QueryAsync(db => db.Outbox.AsNoTracking().SingleAsync(o => o.EventId == flaky.Id));
        Assert.Equal(2, row.Attempts);
        Assert.Single(app.Recorder.Work, w => w.EventId == flaky.Id);

        await Eventually.HoldsAsync(() => app.QueryAsync(db => db.Outbox.AnyAsync(o => o.EventId == poison.Id && o.DeadAt != null)), Soon,
            "the poison event is dead after Pitlane:Messaging:MaxDeliveries (3)");
        var dead = await app.QueryAsync(db => db.Outbox.AsNoTracking().SingleAsync(o => o.EventId == poison.Id));
        Assert.Equal(3, dead.Attempts);
        Assert.Null(dead.PublishedAt);
        Assert.Contains("Planned handler failure", dead.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Recorder.Work, w => w.EventId == poison.Id);
    }

    [Fact]
    public async Task Given_job_enqueued_in_rolled_back_transaction_Then_neither_job_nor_wake_up_exists()
    {
        var (client, email) = await app.NewUserAsync("Rollback");
        using var _ = client;
        var org = await app.PersonalOrganizationAsync(email);
        Guid id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            id = await scope.ServiceProvider.GetRequiredService<JobQueue>().EnqueueAsync(db, org, new TestJob(), CancellationToken.None);
            await transaction.RollbackAsync();
        }
        var committed = await app.EnqueueAsync(org, new TestJob());
        await WaitForStateAsync(client, committed, "succeeded");

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
        Assert.False(await app.QueryAsync(db => db.Jobs.AnyAsync(j => j.Id == id)));
        Assert.DoesNotContain(app.Recorder.JobRuns, r => r.JobId == id);
    }

    [Fact]
    public async Task Given_job_Then_it_runs_reports_progress_live_and_succeeds()
    {
        var (client, email) = await app.NewUserAsync("Jobber");
        using var _ = client;
        var org = await app.PersonalOrganizationAsync(email);
        var id = await app.EnqueueAsync(org, new TestJob(Steps: 3));

        var job = await WaitForStateAsync(client, id, "succeeded");
        Assert.Equal(100, job.GetProperty("progress").GetInt32());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal("tests.job", job.GetProperty("type").GetString());
        Assert.Equal(app.InstanceId, job.GetProperty("result").GetProperty("instance").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("error").ValueKind);

        // Pushes go out on their own loop, just after the row changes.
        await Eventually.HoldsAsync(() => app.Live.Messages.Any(m => m.Group.Name == $"job:{id:N}" && ((JobProgressMessage)m.Payload).State == "succeeded"),
            Soon, "the final push is sent");
        var pushes = app.Live.Messages.Where(m => m.Group.Name == $"job:{id:N}").Select(m => (JobProgressMessage)m.Payload).ToList();
        Assert.All(app.Live.Messages.Where(m => m.Group.Name == $"job:{id:N}"), m => Assert.Equal("jobProgress", m.Method));
        Assert.Equal([0, 25, 50, 75, 100], pushes.Select(p => p.Progress));
        Assert.Equal("step 2", pushes[2].Message);
        Assert.Equal("succeeded", pushes[^1].State);
    }

    [Fact]
    public async Task Given_job_failing_once_Then_retried_with_back_off_and_succeeds()
    {
        var (client, email) = await app.NewUserAsync("Retry");
        using var _ = client;
        var id = await app.EnqueueAsync(await app.PersonalOrganizationAsync(email), new TestJob(FailTimes: 1));

        var job = await WaitForStateAsync(client, id, "succeeded");
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal(2, job.GetProperty("result").GetProperty("attempt").GetInt32());
        Assert.Equal([1, 2], app.Recorder.JobRuns.Where(r => r.JobId == id).Select(r => r.Attempt));
    }

    [Fact]
    public async Task Given_job_failing_every_attempt_Then_dead_after_max_attempts()
    {
        var (client, email) = await app.NewUserAsync("Dead");
        using var _ = client;
        var id = await app.EnqueueAsync(await app.PersonalOrganizationAsync(email), new TestJob(FailTimes: 99));

        var job = await WaitForStateAsync(client, id, "dead");
        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.Equal(3, job.GetProperty("maxAttempts").GetInt32());
        Assert.Contains("Planned failure of attempt 3", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, app.Recorder.JobRuns.Count(r => r.JobId == id));
    }

    [Fact]
    public async Task Given_running_job_When_cancelled_Then_its_token_fires_and_it_ends_cancelled()
    {
        var (client, email) = await app.NewUserAsync("Cancel");
        using var _ = client;
        var id = await app.EnqueueAsync(await app.PersonalOrganizationAsync(email), new TestJob(Hang: true));
        await Eventually.HoldsAsync(async () => (await GetJobAsync(client, id)).GetProperty("progress").GetInt32() == 10, Soon, "the job is running");

        var started = DateTime.UtcNow;
        var cancel = await client.PostAsync($"/api/v1/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var job = await WaitForStateAsync(client, id, "cancelled");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "cancellation reaches the handler within a couple of heartbeats");
        Assert.True(app.Recorder.JobsSawCancellation.ContainsKey(id));
        Assert.True(job.GetProperty("cancelRequested").GetBoolean());

        var again = await client.PostAsync($"/api/v1/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Given_job_whose_instance_died_Then_its_expired_lease_is_taken_over()
    {
        var (client, email) = await app.NewUserAsync("Lease");
        using var _ = client;
        var org = await app.PersonalOrganizationAsync(email);
        Guid id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // As another instance would leave it when killed mid-run: running, attempt 1, lease expired.
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(db, org, new TestJob());
            await db.SaveChangesAsync();
            var expired = DateTime.UtcNow.AddSeconds(-1);
            await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, JobState.Running).SetProperty(j => j.LeaseOwner, "crashed-instance")
                .SetProperty(j => j.LeaseUntil, expired).SetProperty(j => j.Attempts, 1));
            await transaction.CommitAsync();
        }

        var job = await WaitForStateAsync(client, id, "succeeded");
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal(app.InstanceId, job.GetProperty("result").GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Given_another_organisations_job_Then_404_for_read_and_cancel()
    {
        var (owner, email) = await app.NewUserAsync("Owner");
        var (stranger, _) = await app.NewUserAsync("Stranger");
        using var __ = owner;
        using var ___ = stranger;
        var id = await app.EnqueueAsync(await app.PersonalOrganizationAsync(email), new TestJob(Hang: true));

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
        var read = await stranger.GetAsync($"/api/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/jobs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/jobs/{Guid.NewGuid()}")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsync($"/api/v1/jobs/{id}/cancel", null)).StatusCode);
        await WaitForStateAsync(owner, id, "cancelled");
    }

    [Fact]
    public async Task Given_anonymous_caller_Then_jobs_api_is_401()
    {
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/jobs/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory]
    [InlineData("Pitlane:Messaging:Provider", "RabbitMq", "Pitlane:Messaging:RabbitMq:Uri")]
    [InlineData("Pitlane:Messaging:MaxDeliveries", "0", "Pitlane:Messaging:MaxDeliveries")]
    [InlineData("Pitlane:Jobs:HeartbeatMilliseconds", "20000", "Pitlane:Jobs:HeartbeatMilliseconds")]
    [InlineData("Pitlane:Jobs:Concurrency", "-1", "Pitlane:Jobs:Concurrency")]
    public void Given_wrong_messaging_setting_Then_start_up_fails_naming_it(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        Assert.False(PitlaneSettings.TryRead(configuration, PitlaneHost.Modules, out _, out var fault));
        Assert.Contains(named, fault, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> GetJobAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static async Task<JsonElement> WaitForStateAsync(HttpClient client, Guid id, string state)
    {
        JsonElement job = default;
        await Eventually.HoldsAsync(async () =>
        {
            job = await GetJobAsync(client, id);
            return job.GetProperty("state").GetString() == state;
        }, TimeSpan.FromSeconds(15), $"job {id} reaches {state} (last: {(job.ValueKind == JsonValueKind.Undefined ? "?" : job.ToString())})");
        return job;
    }
}

/// <summary>Polls set to a minute: anything delivered quickly was woken by the commit itself.</summary>
public sealed class SlowPollMessagingApp() : MessagingApp(DatabaseProvider.Sqlite, new Recorder(), new Dictionary<string, string?>
{
    ["Pitlane:Messaging:OutboxPollMilliseconds"] = "60000",
    ["Pitlane:Jobs:PollMilliseconds"] = "60000",
});

public sealed class OutboxWakeUpTests(SlowPollMessagingApp app) : IClassFixture<SlowPollMessagingApp>
{
    [Fact]
    public async Task Given_commit_with_outbox_rows_Then_dispatch_and_job_start_do_not_wait_for_the_poll()
    {
        // Let the dispatcher and the worker finish their first (start-up) round and go to sleep.
        await Task.Delay(1000);
        var evt = new TestWorkEvent("woken") { OccurredAt = DateTimeOffset.UtcNow };
        await app.PublishThroughOutboxAsync(evt);
        await Eventually.HoldsAsync(() => app.Recorder.Work.Any(w => w.EventId == evt.Id), TimeSpan.FromSeconds(5), "the commit wakes the dispatcher");

        var (client, email) = await app.NewUserAsync("Woken");
        using var _ = client;
        var id = await app.EnqueueAsync(await app.PersonalOrganizationAsync(email), new TestJob());
        await Eventually.HoldsAsync(() => app.Recorder.JobRuns.Any(r => r.JobId == id), TimeSpan.FromSeconds(5), "the job's wake-up reaches the worker");
    }
}

/// <summary>One job of an organisation at a time, three worker slots.</summary>
public sealed class QuotaMessagingApp() : MessagingApp(DatabaseProvider.Sqlite, new Recorder(), new Dictionary<string, string?>
{
    ["Pitlane:Jobs:MaxRunningPerOrganization"] = "1",
    ["Pitlane:Jobs:Concurrency"] = "3",
});

public sealed class JobQuotaTests(QuotaMessagingApp app) : IClassFixture<QuotaMessagingApp>
{
    [Fact]
    public async Task Given_an_organisation_at_its_quota_Then_its_next_job_waits_and_another_organisations_job_runs()
    {
        var (busy, busyEmail) = await app.NewUserAsync("Busy");
        var (other, otherEmail) = await app.NewUserAsync("Other");
        using var _ = busy;
        using var __ = other;
        var busyOrg = await app.PersonalOrganizationAsync(busyEmail);
        var first = await app.EnqueueAsync(busyOrg, new TestJob(Hang: true));
        await InProcessMessagingTests.WaitForStateAsync(busy, first, "running");
        var second = await app.EnqueueAsync(busyOrg, new TestJob());
        var elsewhere = await app.EnqueueAsync(await app.PersonalOrganizationAsync(otherEmail), new TestJob());

        // A free slot exists (three), yet the busy organisation's second job waits while the other's runs.
        await InProcessMessagingTests.WaitForStateAsync(other, elsewhere, "succeeded");
        await Task.Delay(1000);
        var waiting = await busy.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{second}");
        Assert.Equal("queued", waiting.GetProperty("state").GetString());

        // When the first ends, the second goes.
        Assert.Equal(HttpStatusCode.Accepted, (await busy.PostAsync($"/api/v1/jobs/{first}/cancel", null)).StatusCode);
        await InProcessMessagingTests.WaitForStateAsync(busy, second, "succeeded");
    }
}
