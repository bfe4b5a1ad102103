using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Messaging;

/// <summary>
/// The distributed profile: two app instances on one PostgreSQL database and one real RabbitMQ node (its own virtual
/// host per test). The tests of this class run one after another, which the broker-restart test needs.
/// </summary>
[Collection(RabbitMqServer.Collection)]
public sealed class RabbitMqMessagingTests(RabbitMqServer rabbit, PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Given_two_instances_Then_each_work_event_is_handled_once_across_them()
    {
        var (a, b) = await StartPairAsync();
        await using var _ = a;
        await using var __ = b;

        var events = Enumerable.Range(0, 60).Select(i => new TestWorkEvent($"work {i}") { OccurredAt = DateTimeOffset.UtcNow }).ToArray();
        foreach (var chunk in events.Chunk(6))
        {
            await a.PublishThroughOutboxAsync(chunk);
        }

        await Eventually.HoldsAsync(() => events.All(e => a.Recorder.Work.Any(w => w.EventId == e.Id)), Soon, "every work event is handled");
        await Task.Delay(500); // a duplicate would show up now
        var handled = a.Recorder.Work.Where(w => w.Note.StartsWith("work ", StringComparison.Ordinal)).ToList();
        Assert.Equal(events.Length, handled.Count);
        Assert.Equal(events.Length, handled.Select(h => h.EventId).Distinct().Count());
        // Competing consumers: the broker spreads deliveries over both instances' consumers.
        Assert.Contains(handled, h => h.Instance == a.InstanceId);
        Assert.Contains(handled, h => h.Instance == b.InstanceId);
    }

    [Fact]
    public async Task Given_two_instances_Then_every_fan_out_event_reaches_both()
    {
        var (a, b) = await StartPairAsync();
        await using var _ = a;
        await using var __ = b;

        var events = Enumerable.Range(0, 5).Select(i => new TestLiveEvent($"live {i}") { OccurredAt = DateTimeOffset.UtcNow }).ToArray();
        await a.PublishThroughOutboxAsync(events);
        // A direct publish (the ephemeral live path) from the other instance fans out as well.
        var direct = new TestLiveEvent("direct") { OccurredAt = DateTimeOffset.UtcNow };
        await b.Services.GetRequiredService<IEventBus>().PublishAsync(direct, CancellationToken.None);

        foreach (var evt in events.Append(direct))
        {
            await Eventually.HoldsAsync(() => a.Recorder.Live.Count(l => l.EventId == evt.Id) == 2, Soon, $"{evt.Note} reaches both instances");
            Assert.Equal(new[] { a.InstanceId, b.InstanceId }.Order(), a.Recorder.Live.Where(l => l.EventId == evt.Id).Select(l => l.Instance).Order());
        }
    }

    [Fact]
    public async Task Given_job_enqueued_on_an_instance_that_runs_none_Then_another_instance_runs_it_and_progress_reaches_the_first()
    {
        var (a, b) = await StartPairAsync(new Dictionary<string, string?> { ["Pitlane:Jobs:Concurrency"] = "0" });
        await using var _ = a;
        await using var __ = b;
        var (client, email) = await a.NewUserAsync("Remote");
        using var ___ = client;

        var id = await a.EnqueueAsync(await a.PersonalOrganizationAsync(email), new TestJob(Steps: 2));

        var job = await InProcessMessagingTests.WaitForStateAsync(client, id, "succeeded");
        Assert.Equal(b.InstanceId, job.GetProperty("result").GetProperty("instance").GetString());
        Assert.All(a.Recorder.JobRuns.Where(r => r.JobId == id), r => Assert.Equal(b.InstanceId, r.Instance));
        // B ran it; A holds the watcher's SignalR connection and still got every push through the fan-out.
        await Eventually.HoldsAsync(() => a.Live.Messages.Any(m => m.Group.Name == $"job:{id:N}" && ((JobProgressMessage)m.Payload).State == "succeeded"),
            Soon, "the final progress push reaches instance A");
        Assert.Contains(a.Live.Messages, m => m.Group.Name == $"job:{id:N}" && ((JobProgressMessage)m.Payload).Progress == 33);
    }

    [Fact]
    public async Task Given_scan_started_on_a_web_only_instance_Then_the_other_runs_it_and_the_report_is_served_by_the_first()
    {
        var (a, b) = await StartPairAsync(new Dictionary<string, string?> { ["Pitlane:Jobs:Concurrency"] = "0" });
        await using var _ = a;
        await using var __ = b;
        await using var sim = new Pitlane.Obd.Simulator.ElmSimulatorServer(new Pitlane.Obd.Simulator.SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7 });
        await sim.StartAsync();
        var (client, _) = await a.NewUserAsync("Lane");
        using var ___ = client;
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Bay", uri = $"tcp://127.0.0.1:{sim.Port}" });
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var started = await client.PostAsJsonAsync("/api/v1/scans", new { vin = Pitlane.Obd.Simulator.SimulatorOptions.DefaultVin, adapterId });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scanStarted = await started.Content.ReadFromJsonAsync<JsonElement>();
        var scanJob = await InProcessMessagingTests.WaitForStateAsync(client, scanStarted.GetProperty("jobId").GetGuid(), "succeeded");
        var scan = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanStarted.GetProperty("id").GetGuid()}");
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Contains(scan.GetProperty("dtcs").EnumerateArray(), d => d.GetProperty("code").GetString() == "P0300");
        Assert.Equal(scanJob.GetProperty("id").GetGuid(), scan.GetProperty("jobId").GetGuid());
        // B ran the scan; A holds the kiosk's SignalR connection and got the stage pushes through the fan-out.
        await Eventually.HoldsAsync(() => a.Live.Messages.Any(m => m.Group.Name == $"job:{scan.GetProperty("jobId").GetGuid():N}"
            && ((JobProgressMessage)m.Payload).Message == "trouble codes"), Soon, "the scan's stage pushes reach instance A");

        var report = await client.PostAsync($"/api/v1/scans/{scan.GetProperty("id").GetGuid()}/report", null);
        Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
        var reportStarted = await report.Content.ReadFromJsonAsync<JsonElement>();
        await InProcessMessagingTests.WaitForStateAsync(client, reportStarted.GetProperty("jobId").GetGuid(), "succeeded");
        var pdf = await client.GetAsync($"/api/v1/reports/{reportStarted.GetProperty("id").GetGuid()}/pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var shareUrl = new Uri((await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{reportStarted.GetProperty("id").GetGuid()}")).GetProperty("shareUrl").GetString()!);
        // The link B signed opens on A: one key for every instance.
        using var anonymous = a.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(shareUrl.PathAndQuery)).StatusCode);
    }

    [Fact]
    public async Task Given_job_running_on_another_instance_When_cancelled_through_this_one_Then_it_stops()
    {
        var (a, b) = await StartPairAsync(new Dictionary<string, string?> { ["Pitlane:Jobs:Concurrency"] = "0" });
        await using var _ = a;
        await using var __ = b;
        var (client, email) = await a.NewUserAsync("Canceller");
        using var ___ = client;
        var id = await a.EnqueueAsync(await a.PersonalOrganizationAsync(email), new TestJob(Hang: true));
        await Eventually.HoldsAsync(() => a.Recorder.JobRuns.Any(r => r.JobId == id && r.Instance == b.InstanceId), Soon, "instance B runs the job");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/v1/jobs/{id}/cancel", null)).StatusCode);
        await InProcessMessagingTests.WaitForStateAsync(client, id, "cancelled");
        Assert.True(a.Recorder.JobsSawCancellation.ContainsKey(id), "B's handler saw its token fire");
    }

    [Fact]
    public async Task Given_broker_down_when_an_instance_starts_Then_it_starts_not_ready_and_delivers_once_the_broker_is_back()
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        await rabbit.EnsureStartedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pitlane"] = await postgres.CreateDatabaseAsync("messaging"),
            ["Pitlane:Messaging:Provider"] = "RabbitMq",
            ["Pitlane:PublicBaseUrl"] = "http://127.0.0.1",
            ["Pitlane:Auth:SigningKey"] = "distributed-profile-test-signing-key-0123456789",
            ["Pitlane:Messaging:RabbitMq:Uri"] = await rabbit.CreateVirtualHostAsync(),
            ["Pitlane:Demo:Seed"] = "false",
        };
        await rabbit.StopAsync();
        try
        {
            await using var app = new MessagingApp(DatabaseProvider.Postgres, new Recorder(), settings);
            await app.InitializeAsync();
            using var http = app.CreateClient(); // the host starts without its broker
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
            var evt = new TestWorkEvent("while the broker was away") { OccurredAt = DateTimeOffset.UtcNow };
            await app.PublishThroughOutboxAsync(evt);

            await rabbit.StartAsync();
            // The first connection is retried with back-off (up to 30 s between attempts).
            await Eventually.HoldsAsync(() => app.Recorder.Work.Any(w => w.EventId == evt.Id), TimeSpan.FromSeconds(60), "the event is delivered once the broker is up");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            await rabbit.EnsureStartedAsync();
        }
    }

    [Fact]
    public async Task Given_broker_restart_mid_stream_Then_every_committed_event_is_handled_once_and_ready_reports_the_outage()
    {
        var (a, b) = await StartPairAsync();
        await using var _ = a;
        await using var __ = b;
        using var http = a.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        var committed = new List<TestWorkEvent>();
        async Task ProduceAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var chunk = Enumerable.Range(0, 5).Select(n => new TestWorkEvent($"stream {committed.Count + n}") { OccurredAt = DateTimeOffset.UtcNow }).ToArray();
                await a.PublishThroughOutboxAsync(chunk); // acknowledged to the caller once this returns
                committed.AddRange(chunk);
                await Task.Delay(20);
            }
        }

        await ProduceAsync(20);
        var outage = Stopwatch.StartNew();
        await rabbit.StopAsync();
        await ProduceAsync(20); // the outbox keeps accepting while the broker is away
        await Eventually.HoldsAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, Soon,
            "/health/ready reports the lost broker");
        await rabbit.StartAsync();
        output.WriteLine($"Broker down for {outage.Elapsed.TotalSeconds:0.0} s; restart took {rabbit.LastStartDuration.TotalSeconds:0.0} s.");
        await ProduceAsync(20);

        await Eventually.HoldsAsync(() => committed.All(e => a.Recorder.Work.Any(w => w.EventId == e.Id)), TimeSpan.FromSeconds(60),
            $"all {committed.Count} committed events are handled after the restart");
        await Eventually.HoldsAsync(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, Soon, "ready again");
        await Task.Delay(500);
        var handled = a.Recorder.Work.Where(w => w.Note.StartsWith("stream ", StringComparison.Ordinal)).ToList();
        Assert.Equal(committed.Count, handled.Select(h => h.EventId).Distinct().Count());
        Assert.Equal(committed.Count, handled.Count); // the inbox absorbed redeliveries of unacknowledged messages
        Assert.Equal(0, await a.QueryAsync(db => db.Outbox.CountAsync(o => o.PublishedAt == null)));
    }

    [Fact]
    public async Task Given_handler_that_always_fails_Then_the_broker_dead_letters_the_message_after_max_deliveries()
    {
        var (a, b, brokerUri) = await StartPairWithBrokerUriAsync();
        await using var _ = a;
        await using var __ = b;
        var poison = new TestWorkEvent("fail:99") { OccurredAt = DateTimeOffset.UtcNow };
        var healthy = new TestWorkEvent("after the poison") { OccurredAt = DateTimeOffset.UtcNow };
        await a.PublishThroughOutboxAsync(poison, healthy);

        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(brokerUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        RabbitMQ.Client.BasicGetResult? dead = null;
        await Eventually.HoldsAsync(async () => (dead = await channel.BasicGetAsync(RabbitMqTopology.DeadLetterQueue, autoAck: true)) is not null, Soon,
            "the poison message reaches pitlane.dead-letter");
        Assert.Equal(poison.Id.ToString(), dead!.BasicProperties.MessageId);
        Assert.Equal("tests.work", dead.BasicProperties.Type);
        // Pitlane:Messaging:MaxDeliveries is 3 in these tests: the handler saw the message exactly that many times.
        Assert.Equal(99 - 3, a.Recorder.FailuresLeft[poison.Id.ToString()]);
        await Eventually.HoldsAsync(() => a.Recorder.Work.Any(w => w.EventId == healthy.Id), Soon, "the queue keeps flowing past the poison message");
        Assert.DoesNotContain(a.Recorder.Work, w => w.EventId == poison.Id);
    }

    /// <summary>Two instances on a fresh database and virtual host; A starts (and migrates) first, then B.</summary>
    private async Task<(MessagingApp A, MessagingApp B)> StartPairAsync(IReadOnlyDictionary<string, string?>? onlyA = null)
    {
        var (a, b, _) = await StartPairWithBrokerUriAsync(onlyA);
        return (a, b);
    }

    private async Task<(MessagingApp A, MessagingApp B, string BrokerUri)> StartPairWithBrokerUriAsync(IReadOnlyDictionary<string, string?>? onlyA = null)
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        var watch = Stopwatch.StartNew();
        await rabbit.EnsureStartedAsync();
        var brokerReady = watch.Elapsed;
        var brokerUri = await rabbit.CreateVirtualHostAsync();
        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pitlane"] = await postgres.CreateDatabaseAsync("messaging"),
            ["Pitlane:Messaging:Provider"] = "RabbitMq",
            ["Pitlane:PublicBaseUrl"] = "http://127.0.0.1",
            ["Pitlane:Auth:SigningKey"] = "distributed-profile-test-signing-key-0123456789",
            ["Pitlane:Messaging:RabbitMq:Uri"] = brokerUri,
            ["Pitlane:Auth:SigningKey"] = "messaging-tests-shared-signing-key-0123456789",
            ["Pitlane:Demo:Seed"] = "false",
            // The distributed profile allows adapters no network by default; the simulator listens on loopback.
            ["Pitlane:Diagnostics:AllowedAdapterNetworks"] = "loopback",
        };
        var recorder = new Recorder();
        var a = new MessagingApp(DatabaseProvider.Postgres, recorder, onlyA is null ? shared : shared.Concat(onlyA).ToDictionary());
        var b = new MessagingApp(DatabaseProvider.Postgres, recorder, shared);
        foreach (var app in new[] { a, b })
        {
            await app.InitializeAsync();
            var consumers = app.Services.GetServices<IHostedService>().OfType<RabbitMqConsumers>().Single();
            await consumers.Started.WaitAsync(Soon);
        }
        output.WriteLine($"Broker ready after {brokerReady.TotalSeconds:0.0} s (start {rabbit.LastStartDuration.TotalSeconds:0.0} s), both instances consuming after {watch.Elapsed.TotalSeconds:0.0} s.");
        return (a, b, brokerUri);
    }
}
