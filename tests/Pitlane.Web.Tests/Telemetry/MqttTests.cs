using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Modules.Telemetry;
using Pitlane.Modules.Telemetry.Contracts;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Messaging;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>
/// Telemetry in the distributed profile: two app instances on one PostgreSQL database and one real RabbitMQ node (its
/// own virtual host per test, with the MQTT plugin). Devices publish with mosquitto_pub (MQTT 3.1.1, QoS 1); the
/// instances consume the MQTT ingest queue over AMQP 0-9-1 as competing consumers, and every instance pushes every
/// committed batch to its own dashboards.
/// </summary>
[Collection(RabbitMqServer.Collection)]
public sealed class MqttTests(RabbitMqServer rabbit, PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);
    private const string Password = "Correct-horse-9";

    [Fact]
    public async Task Given_two_instances_When_devices_publish_over_MQTT_Then_every_sample_is_stored_once_and_either_instance_serves_it()
    {
        var pair = await StartPairAsync(requireMqttClient: true);
        await using var a = pair.A;
        await using var b = pair.B;
        var fleet = await FleetAsync(a);
        // A second device of the same vehicle, revoked before it ever publishes.
        var revoked = await NewDeviceAsync(fleet.Client, fleet.VehicleId);
        Assert.Equal(HttpStatusCode.OK, (await fleet.Client.DeleteAsync($"/api/v1/devices/{revoked}")).StatusCode);

        const int batches = 24, perBatch = 25;
        var t0 = DateTime.UtcNow.AddMinutes(-30);
        t0 = new DateTime(t0.Ticks - t0.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var bodies = Enumerable.Range(0, batches).Select(n => BatchJson($"mqtt-{n}",
            Enumerable.Range(0, perBatch).Select(i => (t0.AddMilliseconds((n * perBatch + i) * 100), "0C", 700.0 + n * perBatch + i)))).ToArray();
        var topic = $"devices/{fleet.DeviceId}/telemetry";

        // Devices publish concurrently, each batch once and a third of them a second time (a device that lost its PUBACK).
        var publishes = bodies.Select(body => (topic, body)).Concat(bodies.Where((_, n) => n % 3 == 0).Select(body => (topic, body)))
            // Never stored: invalid sample (rejected whole), a revoked device, an unknown device, a topic without a device id.
            .Append((topic, BatchJson("mqtt-bad", [(t0, "0C", 1), (t0, "not a pid!", 2)])))
            .Append(($"devices/{revoked}/telemetry", BatchJson("mqtt-revoked", [(t0.AddHours(-1), "0C", 1)])))
            .Append(($"devices/{Guid.NewGuid()}/telemetry", BatchJson("mqtt-unknown", [(t0.AddHours(-1), "0C", 1)])))
            .Append(("devices/not-a-device/telemetry", BatchJson("mqtt-nobody", [(t0.AddHours(-1), "0C", 1)])))
            .ToArray();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(publishes, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (p, _) => await MosquittoPublishAsync(pair.Vhost, p.Item1, p.Item2));
        output.WriteLine($"{publishes.Length} MQTT publishes (QoS 1, each PUBACKed) in {watch.Elapsed.TotalSeconds:0.0} s.");

        var store = a.Services.GetRequiredService<TelemetryStore>();
        await Eventually.HoldsAsync(async () => await store.CountSamplesAsync(fleet.VehicleId, CancellationToken.None) >= batches * perBatch, Soon,
            "every MQTT sample is stored");
        // Every publish was PUBACKed, i.e. queued, before we got here; give a redelivered or replayed duplicate time to show up.
        await Task.Delay(1500);
        Assert.Equal(batches * perBatch, await store.CountSamplesAsync(fleet.VehicleId, CancellationToken.None));
        // Competing consumers: every publish was settled once across the two instances, and both took a share.
        var settled = new[] { a, b }.Select(app => app.Services.GetServices<IHostedService>().OfType<MqttIngestConsumer>().Single().Settled).ToArray();
        output.WriteLine($"MQTT deliveries settled: A {settled[0]}, B {settled[1]}.");
        Assert.Equal(publishes.Length, settled.Sum());
        Assert.All(settled, n => Assert.True(n > 0, "both instances consume the MQTT ingest queue"));

        // Either instance serves the same complete series (B's reader never saw the MQTT traffic's HTTP side).
        var tokens = await a.TokensAsync(fleet.Email, Password);
        foreach (var app in new[] { a, b })
        {
            using var reader = app.BearerClient(tokens.AccessToken);
            var series = await reader.GetFromJsonAsync<JsonElement>(
                $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(t0.AddMinutes(-1))}&to={Stamp(t0.AddHours(1))}&limit=10000");
            var points = series.GetProperty("points").EnumerateArray().Select(p => (T: p.GetProperty("t").GetDateTime(), V: p.GetProperty("value").GetDouble())).ToList();
            Assert.Equal(batches * perBatch, points.Count);
            Assert.Equal(batches * perBatch, points.Select(p => p.T).Distinct().Count());
            Assert.Equal(Enumerable.Range(0, batches * perBatch).Select(i => 700.0 + i), points.Select(p => p.V).Order());
            var latest = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{fleet.VehicleId}/telemetry/latest");
            Assert.Contains("\"0C\"", latest.ToString(), StringComparison.Ordinal);
        }

        // The same batch over HTTP afterwards is a replay too: the idempotency record is per device, whatever the way in.
        using var device = a.CreateClient();
        device.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, fleet.Key);
        var replay = await device.PostAsync("/api/v1/telemetry/batches", new StringContent(bodies[5], System.Text.Encoding.UTF8, "application/json"));
        Assert.True((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(batches * perBatch, await store.CountSamplesAsync(fleet.VehicleId, CancellationToken.None));
    }

    [Fact]
    public async Task Given_dashboards_on_both_instances_Then_batches_ingested_on_one_reach_both_once()
    {
        var pair = await StartPairAsync(requireMqttClient: false);
        await using var a = pair.A;
        await using var b = pair.B;
        var fleet = await FleetAsync(a);
        var token = (await a.TokensAsync(fleet.Email, Password)).AccessToken;
        await using var onA = await TelemetryTests.HubClient.ConnectAsync(a, token);
        await using var onB = await TelemetryTests.HubClient.ConnectAsync(b, token);
        Assert.True(await onA.InvokeAsync("JoinVehicle", fleet.VehicleId));
        Assert.True(await onB.InvokeAsync("JoinVehicle", fleet.VehicleId));

        // Over HTTP on instance A.
        var t = DateTime.UtcNow.AddMinutes(-5);
        using var device = a.CreateClient();
        device.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, fleet.Key);
        var body = BatchJson("live-http", [(t, "0C", 812.5), (t.AddSeconds(1), "0D", 42)]);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsync("/api/v1/telemetry/batches", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        foreach (var dashboard in new[] { onB, onA })
        {
            var message = await dashboard.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(10));
            Assert.NotNull(message);
            var payload = message.Value.GetProperty("arguments")[0];
            Assert.Equal(fleet.VehicleId, payload.GetProperty("vehicleId").GetGuid());
            Assert.Equal("live-http", payload.GetProperty("batchId").GetString());
            var samples = payload.GetProperty("samples").EnumerateArray().ToList();
            Assert.Equal(2, samples.Count);
            Assert.Equal("0C", samples[0].GetProperty("pid").GetString());
            Assert.Equal(812.5, samples[0].GetProperty("value").GetDouble());
            Assert.Equal(t.AddSeconds(1).Ticks / TimeSpan.TicksPerMillisecond, samples[1].GetProperty("t").GetDateTime().ToUniversalTime().Ticks / TimeSpan.TicksPerMillisecond);
        }

        // A replay is stored nowhere and pushed nowhere; the taking instance does not push locally as well as through the
        // bus: each dashboard saw the batch exactly once.
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsync("/api/v1/telemetry/batches", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Null(await onA.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));
        Assert.Null(await onB.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));

        // Over HTTP on instance B: both dashboards get it, A's through the fan-out.
        using var deviceOnB = b.CreateClient();
        deviceOnB.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, fleet.Key);
        Assert.Equal(HttpStatusCode.OK, (await deviceOnB.PostAsync("/api/v1/telemetry/batches",
            new StringContent(BatchJson("live-b", [(t.AddSeconds(2), "0C", 900)]), System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await ExpectBatchAsync("live-b", onA, onB);

        // Over MQTT, consumed by whichever instance: both dashboards get it.
        if (MosquittoMissingReason() is null)
        {
            await MosquittoPublishAsync(pair.Vhost, $"devices/{fleet.DeviceId}/telemetry", BatchJson("live-mqtt", [(t.AddSeconds(3), "0C", 950)]));
            await ExpectBatchAsync("live-mqtt", onA, onB);
        }
        Assert.Null(await onA.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));
        Assert.Null(await onB.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(1)));
    }

    private static async Task ExpectBatchAsync(string batchId, params TelemetryTests.HubClient[] dashboards)
    {
        foreach (var dashboard in dashboards)
        {
            var message = await dashboard.NextInvocationAsync("telemetry", TimeSpan.FromSeconds(10));
            Assert.NotNull(message);
            Assert.Equal(batchId, message.Value.GetProperty("arguments")[0].GetProperty("batchId").GetString());
        }
    }

    [Fact]
    public async Task Given_database_failures_Then_MQTT_batch_is_requeued_until_stored_and_an_unexpected_fault_is_dead_lettered()
    {
        var faults = new ConcurrentQueue<Exception>();
        var pair = await StartPairAsync(requireMqttClient: true, services => services.AddSingleton<TelemetryStore>(provider =>
            new FaultyStore(new PostgresTelemetryStore(provider.GetRequiredService<NpgsqlDataSource>()), faults)));
        await using var a = pair.A;
        await using var b = pair.B;
        var fleet = await FleetAsync(a);
        var consumers = new[] { a, b }.Select(app => app.Services.GetServices<IHostedService>().OfType<MqttIngestConsumer>().Single()).ToArray();
        long Settled() => consumers.Sum(c => c.Settled);
        var t = DateTime.UtcNow.AddMinutes(-10);
        var topic = $"devices/{fleet.DeviceId}/telemetry";

        // The database "goes away" for three writes: each delivery is nacked with requeue and redelivered after a back-off.
        for (var i = 0; i < 3; i++)
        {
            faults.Enqueue(new NpgsqlException("injected: the database is unreachable"));
        }
        await MosquittoPublishAsync(pair.Vhost, topic, BatchJson("outage-1", [(t, "0C", 800), (t.AddSeconds(1), "0C", 810)]));
        await Eventually.HoldsAsync(async () => await StoredAsync(a, fleet.VehicleId) == 2, Soon, "the batch is stored once the database is back");
        Assert.True(faults.IsEmpty);
        await Eventually.HoldsAsync(() => Settled() == 4, Soon, "three nacks and one ack");
        await Task.Delay(500);
        Assert.Equal(4, Settled());
        Assert.Equal(2, await StoredAsync(a, fleet.VehicleId));

        // A fault that is not the database's (a bug) is not retried forever: it goes to the dead-letter queue.
        faults.Enqueue(new InvalidOperationException("injected: a bug"));
        await MosquittoPublishAsync(pair.Vhost, topic, BatchJson("poison-1", [(t.AddSeconds(2), "0C", 820)]));
        await Eventually.HoldsAsync(() => Settled() == 5, Soon, "the poison batch is settled");
        Assert.Equal(2, await StoredAsync(a, fleet.VehicleId));
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(pair.BrokerUri) };
        await using var amqp = await factory.CreateConnectionAsync();
        await using var channel = await amqp.CreateChannelAsync();
        RabbitMQ.Client.BasicGetResult? dead = null;
        await Eventually.HoldsAsync(async () => (dead = await channel.BasicGetAsync(RabbitMqTopology.DeadLetterQueue, autoAck: true)) is not null, Soon,
            "the poison batch is in the dead-letter queue");
        Assert.Equal($"devices.{fleet.DeviceId}.telemetry", dead!.RoutingKey);
        Assert.Contains("poison-1", System.Text.Encoding.UTF8.GetString(dead.Body.Span), StringComparison.Ordinal);

        // And the queue still flows.
        await MosquittoPublishAsync(pair.Vhost, topic, BatchJson("after-1", [(t.AddSeconds(3), "0C", 830)]));
        await Eventually.HoldsAsync(async () => await StoredAsync(a, fleet.VehicleId) == 3, Soon, "a later batch is stored");
    }

    [Fact]
    public async Task Given_broker_restart_mid_stream_Then_every_PUBACKed_MQTT_batch_is_stored_exactly_once()
    {
        // Slow writes (1.5 s a batch), so the broker stops with deliveries in flight (committed or committing, their acks
        // then lost with the connection) and others still queued.
        var pair = await StartPairAsync(requireMqttClient: true, services => services.AddSingleton<TelemetryStore>(provider =>
            new FaultyStore(new PostgresTelemetryStore(provider.GetRequiredService<NpgsqlDataSource>()), new ConcurrentQueue<Exception>(), TimeSpan.FromSeconds(1.5))));
        await using var a = pair.A;
        await using var b = pair.B;
        var fleet = await FleetAsync(a);
        var topic = $"devices/{fleet.DeviceId}/telemetry";
        const int perBatch = 20;
        var t0 = DateTime.UtcNow.AddMinutes(-20);
        var acknowledged = new ConcurrentBag<int>();
        var attempted = 0;
        try
        {
            async Task ProduceAsync(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var n = Interlocked.Increment(ref attempted) - 1;
                    var body = BatchJson($"restart-{n}", Enumerable.Range(0, perBatch).Select(k => (t0.AddMilliseconds((n * perBatch + k) * 10), "0C", (double)(n * perBatch + k))));
                    // Only a PUBACK (exit 0) obliges the broker and Pitlane; a publish the broker refused is the device's to retry.
                    if (await TryMosquittoPublishAsync(pair.Vhost, topic, body))
                    {
                        acknowledged.Add(n);
                    }
                }
            }

            await ProduceAsync(15);
            // Stopped while deliveries are still queued or in flight: unacknowledged ones are redelivered after the restart.
            var stop = rabbit.StopAsync();
            await ProduceAsync(5);
            await stop;
            await rabbit.StartAsync();
            await ProduceAsync(15);
        }
        finally
        {
            await rabbit.EnsureStartedAsync();
        }
        var stored = await StoredAsync(a, fleet.VehicleId);
        output.WriteLine($"{attempted} MQTT publishes, {acknowledged.Count} PUBACKed; {stored / perBatch} batches stored when the broker was back.");
        Assert.True(acknowledged.Count >= 30, $"only {acknowledged.Count} publishes were acknowledged");

        var expected = acknowledged.SelectMany(n => Enumerable.Range(n * perBatch, perBatch)).Select(v => (double)v).ToHashSet();
        var tokens = await a.TokensAsync(fleet.Email, Password);
        using var reader = b.BearerClient(tokens.AccessToken);
        List<double> values = [];
        await Eventually.HoldsAsync(async () =>
        {
            var series = await reader.GetFromJsonAsync<JsonElement>(
                $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(t0.AddMinutes(-1))}&to={Stamp(t0.AddHours(1))}&limit=10000");
            values = series.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToList();
            return expected.IsSubsetOf(values);
        }, TimeSpan.FromSeconds(90), "every PUBACKed batch is stored after the broker restart");
        // Exactly once: no sample twice, and nothing but whole batches (a publish may be stored without its PUBACK).
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.All(values.GroupBy(v => (int)v / perBatch), g => Assert.Equal(perBatch, g.Count()));
    }

    [Fact]
    public async Task Given_managed_broker_Then_each_device_logs_in_as_itself_publishes_only_to_its_own_topic_and_revocation_removes_the_login()
    {
        var pair = await StartPairAsync(requireMqttClient: true, deviceLogins: true);
        await using var a = pair.A;
        await using var b = pair.B;
        var (client, _) = await a.NewUserAsync("Fleet");
        var vehicle = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" });
        var vehicleId = (await vehicle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        async Task<(Guid Id, string Login, string Key)> DeviceAsync(string name)
        {
            var created = await (await client.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name })).Content.ReadFromJsonAsync<JsonElement>();
            return (created.GetProperty("id").GetGuid(), created.GetProperty("mqttUsername").GetString()!, created.GetProperty("key").GetString()!);
        }
        var mine = await DeviceAsync("Dongle");
        var other = await DeviceAsync("Other dongle");
        Assert.Equal($"{pair.Vhost}:device-{mine.Id:N}", mine.Login);
        var t = DateTime.UtcNow.AddMinutes(-5);

        // Its own login and key publish to its own topic, and the batch is stored.
        Assert.True(await TryMosquittoPublishAsync(pair.Vhost, $"devices/{mine.Id}/telemetry", BatchJson("own-1", [(t, "0C", 800)]), (mine.Login, mine.Key)));
        await Eventually.HoldsAsync(async () => await StoredAsync(a, vehicleId) == 1, Soon, "the device's own publish is stored");
        // Not another device's topic, not with a wrong key.
        Assert.False(await TryMosquittoPublishAsync(pair.Vhost, $"devices/{other.Id}/telemetry", BatchJson("own-2", [(t.AddSeconds(1), "0C", 801)]), (mine.Login, mine.Key)));
        Assert.False(await TryMosquittoPublishAsync(pair.Vhost, $"devices/{mine.Id}/telemetry", BatchJson("own-3", [(t.AddSeconds(2), "0C", 802)]), (mine.Login, other.Key)));

        // Revoked: the login is gone at the broker.
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/devices/{mine.Id}")).StatusCode);
        Assert.False(await TryMosquittoPublishAsync(pair.Vhost, $"devices/{mine.Id}/telemetry", BatchJson("own-4", [(t.AddSeconds(3), "0C", 803)]), (mine.Login, mine.Key)));
        await Task.Delay(1000);
        Assert.Equal(1, await StoredAsync(a, vehicleId));
    }

    private async Task<bool> TryMosquittoPublishAsync(string vhost, string topic, string body, (string User, string Password)? login = null)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var arguments = MosquittoArguments(vhost, topic, body);
        if (login is { } l)
        {
            arguments[Array.IndexOf(arguments, "-u") + 1] = l.User;
            arguments[Array.IndexOf(arguments, "-P") + 1] = l.Password;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            process.Kill();
            return false;
        }
        await Task.WhenAll(stdout, stderr);
        return process.ExitCode == 0;
    }

    private static Task<long> StoredAsync(PitlaneApp app, Guid vehicleId) =>
        app.Services.GetRequiredService<TelemetryStore>().CountSamplesAsync(vehicleId, CancellationToken.None);

    /// <summary>The real store, with injected write failures taken from a queue shared by both instances.</summary>
    private sealed class FaultyStore(TelemetryStore inner, ConcurrentQueue<Exception> faults, TimeSpan writeDelay = default) : TelemetryStore
    {
        public override async Task<bool> WriteBatchAsync(DeviceIdentity device, ParsedBatch batch, DateTime receivedAt, CancellationToken ct)
        {
            if (faults.TryDequeue(out var fault))
            {
                throw fault;
            }
            if (writeDelay > TimeSpan.Zero)
            {
                await Task.Delay(writeDelay, CancellationToken.None);
            }
            return await inner.WriteBatchAsync(device, batch, receivedAt, ct);
        }

        public override Task<IReadOnlyList<RawPoint>> ReadRawAsync(Guid vehicleId, string pid, DateTime from, DateTime to, int limit, CancellationToken ct) =>
            inner.ReadRawAsync(vehicleId, pid, from, to, limit, ct);

        public override Task<IReadOnlyList<Bucket>> ReadBucketsAsync(Guid vehicleId, string pid, DateTime from, DateTime to, TimeSpan bucket, int limit, CancellationToken ct) =>
            inner.ReadBucketsAsync(vehicleId, pid, from, to, bucket, limit, ct);

        public override Task<IReadOnlyList<LatestValue>> ReadLatestAsync(Guid vehicleId, CancellationToken ct) => inner.ReadLatestAsync(vehicleId, ct);

        public override Task<IReadOnlySet<Guid>> ReportingAsync(IReadOnlyCollection<Guid> vehicleIds, string pid, CancellationToken ct) =>
            inner.ReportingAsync(vehicleIds, pid, ct);

        public override Task<long> CountSamplesAsync(Guid vehicleId, CancellationToken ct) => inner.CountSamplesAsync(vehicleId, ct);

        public override Task DeleteVehicleAsync(Guid vehicleId, CancellationToken ct) => inner.DeleteVehicleAsync(vehicleId, ct);

        public override Task<MaintenanceReport> MaintainAsync(DateTime now, TelemetryOptions options, CancellationToken ct) => inner.MaintainAsync(now, options, ct);
    }

    [Theory]
    [InlineData("devices.0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.telemetry", true)]
    [InlineData("devices.not-a-guid.telemetry", false)]
    [InlineData("devices..telemetry", false)]
    [InlineData("devices.0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.status", false)]
    [InlineData("vehicles.0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.telemetry", false)]
    public void Device_id_comes_from_the_routing_key_the_MQTT_plugin_derives_from_the_topic(string routingKey, bool valid) =>
        Assert.Equal(valid, MqttIngestConsumer.DeviceIdOf(routingKey) is not null);

    private sealed record Pair(DistributedApp A, DistributedApp B, string Vhost, string BrokerUri);

    private async Task<Pair> StartPairAsync(bool requireMqttClient, Action<IServiceCollection>? services = null, bool deviceLogins = false)
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        if (requireMqttClient && MosquittoMissingReason() is { } missing)
        {
            ServerRequirement.Unavailable(missing);
        }
        await rabbit.EnsureStartedAsync();
        var brokerUri = await rabbit.CreateVirtualHostAsync();
        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pitlane"] = await postgres.CreateDatabaseAsync("telemetry_mqtt"),
            ["Pitlane:Messaging:Provider"] = "RabbitMq",
            ["Pitlane:PublicBaseUrl"] = "http://127.0.0.1",
            ["Pitlane:Messaging:RabbitMq:Uri"] = brokerUri,
            ["Pitlane:Auth:SigningKey"] = "mqtt-tests-shared-signing-key-0123456789abcdef",
            ["Pitlane:Demo:Seed"] = "false",
        };
        if (deviceLogins)
        {
            shared["Pitlane:VehicleTelemetry:Mqtt:ManagementUrl"] = $"http://127.0.0.1:{rabbit.ManagementPort}/";
            shared["Pitlane:VehicleTelemetry:Mqtt:ManagementUser"] = "guest";
            shared["Pitlane:VehicleTelemetry:Mqtt:ManagementPassword"] = "guest";
            shared["Pitlane:VehicleTelemetry:Mqtt:VirtualHost"] = new Uri(brokerUri).AbsolutePath.TrimStart('/');
        }
        var a = new DistributedApp(shared, services);
        var b = new DistributedApp(shared, services);
        foreach (var app in new[] { a, b })
        {
            await app.InitializeAsync();
            var hosted = app.Services.GetServices<IHostedService>().ToList();
            await hosted.OfType<RabbitMqConsumers>().Single().Started.WaitAsync(Soon);
            await hosted.OfType<MqttIngestConsumer>().Single().Started.WaitAsync(Soon);
        }
        return new Pair(a, b, new Uri(brokerUri).AbsolutePath.TrimStart('/'), brokerUri);
    }

    /// <summary>
    /// One MQTT 3.1.1 publish with QoS 1: mosquitto_pub exits 0 only after the broker's PUBACK. The RabbitMQ MQTT plugin
    /// picks the virtual host from a "vhost:user" user name (without one it would use its default vhost, "/").
    /// </summary>
    private async Task MosquittoPublishAsync(string vhost, string topic, string body)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in MosquittoArguments(vhost, topic, body))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"mosquitto_pub to {topic} exited with {process.ExitCode}: {await stderr}");
    }

    private string[] MosquittoArguments(string vhost, string topic, string body) =>
    [
        "-h", "127.0.0.1", "-p", rabbit.MqttPort.ToString(CultureInfo.InvariantCulture), "-V", "mqttv311",
        "-u", $"{vhost}:guest", "-P", "guest", "-q", "1", "-i", $"pitlane-test-{Guid.NewGuid():N}"[..23], "-t", topic, "-m", body,
    ];

    private static string? MosquittoMissingReason()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        return paths.Any(p => File.Exists(Path.Combine(p, "mosquitto_pub")))
            ? null
            : "mosquitto_pub is not installed (apt-get install mosquitto-clients).";
    }

    private static async Task<Fleet> FleetAsync(PitlaneApp app)
    {
        var (client, email) = await app.NewUserAsync("Fleet");
        var vehicle = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = "1HGCM82633A004352" });
        Assert.Equal(HttpStatusCode.Created, vehicle.StatusCode);
        var vehicleId = (await vehicle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var device = await client.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dongle" });
        Assert.Equal(HttpStatusCode.Created, device.StatusCode);
        var created = await device.Content.ReadFromJsonAsync<JsonElement>();
        return new Fleet(client, email, vehicleId, created.GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    private static async Task<Guid> NewDeviceAsync(HttpClient client, Guid vehicleId)
    {
        var device = await client.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Spare" });
        Assert.Equal(HttpStatusCode.Created, device.StatusCode);
        return (await device.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private sealed record Fleet(HttpClient Client, string Email, Guid VehicleId, Guid DeviceId, string Key);

    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string BatchJson(string batchId, IEnumerable<(DateTime T, string Pid, double Value)> samples) =>
        JsonSerializer.Serialize(new { batchId, samples = samples.Select(s => new { t = Stamp(s.T), pid = s.Pid, value = s.Value }) });

    /// <summary>The whole app (real SignalR live channel) in the distributed profile.</summary>
    private sealed class DistributedApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) : PitlaneApp
    {
        public override DatabaseProvider Provider => DatabaseProvider.Postgres;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            foreach (var (key, value) in settings)
            {
                Set(key, value);
            }
        }
    }
}
