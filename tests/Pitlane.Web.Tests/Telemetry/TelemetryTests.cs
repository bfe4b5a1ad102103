using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Telemetry;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Telemetry;

/// <summary>What the telemetry tests share: a fresh organisation with a vehicle and a device, and batch helpers.</summary>
public abstract class TelemetryTestBase(PitlaneApp app)
{
    protected PitlaneApp App => app;

    protected const string Vin = "1HGCM82633A004352";

    protected virtual void RequireServer()
    {
    }

    /// <summary>A fresh person with a personal organisation, one vehicle in it and a device for that vehicle.</summary>
    protected async Task<Fleet> FleetAsync()
    {
        RequireServer();
        var (client, email) = await app.NewUserAsync("Fleet");
        var vehicle = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin });
        Assert.Equal(HttpStatusCode.Created, vehicle.StatusCode);
        var vehicleId = (await vehicle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var device = await client.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dongle" });
        Assert.Equal(HttpStatusCode.Created, device.StatusCode);
        var created = await device.Content.ReadFromJsonAsync<JsonElement>();
        return new Fleet(client, email, vehicleId, created.GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    protected sealed record Fleet(HttpClient Client, string Email, Guid VehicleId, Guid DeviceId, string Key);

    protected static DateTime BaseTime => DateTime.UtcNow.AddMinutes(-30) is var t ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc) : default;

    protected static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    protected static string BatchJson(string batchId, IEnumerable<(DateTime T, string Pid, double Value)> samples) =>
        JsonSerializer.Serialize(new { batchId, samples = samples.Select(s => new { t = Stamp(s.T), pid = s.Pid, value = s.Value }) });

    protected Task<HttpResponseMessage> PostAsync(string? key, string body)
    {
        var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Device-Key", key);
        }
        return client.SendAsync(request);
    }

    protected async Task<long> StoredAsync(Guid vehicleId) =>
        await app.Services.GetRequiredService<TelemetryStore>().CountSamplesAsync(vehicleId, CancellationToken.None);

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

}

/// <summary>The Telemetry module over HTTP and WebSocket, run on SQLite and on PostgreSQL.</summary>
public abstract partial class TelemetryTests(PitlaneApp app) : TelemetryTestBase(app)
{
    [Fact]
    public async Task Given_a_key_twice_in_a_sample_Then_400_names_it_and_nothing_is_stored()
    {
        var fleet = await FleetAsync();
        var t = Stamp(BaseTime);
        var twice = await PostAsync(fleet.Key, $$"""{"batchId":"dup-1","samples":[{"t":"{{t}}","pid":"0C","value":800,"value":9000}]}""");
        var problem = await ProblemAsync(twice, HttpStatusCode.BadRequest);
        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("samples[0].value")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));

        // About 87,000 repeats of one key fill the 512 KiB a batch may be: a short 400, quickly.
        var flood = new StringBuilder($$"""{"batchId":"dup-2","samples":[{"t":"{{t}}","pid":"0C","value":1""");
        while (flood.Length < 512 * 1024 - 16)
        {
            flood.Append(""","t":1""");
        }
        flood.Append("}]}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var answer = await PostAsync(fleet.Key, flood.ToString());
        watch.Stop();
        await ProblemAsync(answer, HttpStatusCode.BadRequest);
        Assert.True((await answer.Content.ReadAsByteArrayAsync()).Length < 8 * 1024, "the 400 stays short");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered in {watch.Elapsed.TotalMilliseconds:N0} ms");
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_new_device_Then_key_shown_once_and_batch_is_stored_and_acknowledged()
    {
        var fleet = await FleetAsync();
        Assert.Equal(43, fleet.Key.Length);
        var list = await fleet.Client.GetStringAsync("/api/v1/devices");
        Assert.Contains(fleet.DeviceId.ToString(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(fleet.Key, list, StringComparison.Ordinal);

        var t = BaseTime;
        var response = await PostAsync(fleet.Key, BatchJson("b-1", [(t, "0C", 812.5), (t.AddSeconds(1), "0d", 42), (t, "gps.lat", 52.52), (t, "9F", 7)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("stored", ack.GetProperty("status").GetString());
        Assert.Equal(4, ack.GetProperty("stored").GetInt32());
        Assert.False(ack.GetProperty("duplicate").GetBoolean());
        // Unknown PIDs (9F) are kept; hex PIDs are stored upper-case.
        Assert.Equal(4, await StoredAsync(fleet.VehicleId));
        var raw = await fleet.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0D&from={Stamp(t.AddMinutes(-1))}&to={Stamp(t.AddMinutes(1))}");
        Assert.Equal(42, raw.GetProperty("points")[0].GetProperty("value").GetDouble());
        Assert.Equal("km/h", raw.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Given_wrong_missing_or_revoked_key_Then_401_and_nothing_stored()
    {
        var fleet = await FleetAsync();
        var body = BatchJson("k-1", [(BaseTime, "0C", 800)]);
        await ProblemAsync(await PostAsync(null, body), HttpStatusCode.Unauthorized);
        await ProblemAsync(await PostAsync("not-a-key", body), HttpStatusCode.Unauthorized);
        await ProblemAsync(await PostAsync(fleet.Key[..^1] + (fleet.Key[^1] == 'A' ? 'B' : 'A'), body), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, body)).StatusCode);

        var revoked = await fleet.Client.DeleteAsync($"/api/v1/devices/{fleet.DeviceId}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revokedAt").ValueKind);
        await ProblemAsync(await PostAsync(fleet.Key, BatchJson("k-2", [(BaseTime, "0C", 900)])), HttpStatusCode.Unauthorized);
        Assert.Equal(1, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_replayed_batch_Then_200_duplicate_and_nothing_new_stored()
    {
        var fleet = await FleetAsync();
        var body = BatchJson("replay-1", Enumerable.Range(0, 50).Select(i => (BaseTime.AddSeconds(i), "0C", 700.0 + i)));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, body)).StatusCode);
        var replays = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(fleet.Key, body)));
        foreach (var replay in replays)
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            var ack = await replay.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(ack.GetProperty("duplicate").GetBoolean());
            Assert.Equal(0, ack.GetProperty("stored").GetInt32());
        }
        Assert.Equal(50, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_concurrent_first_deliveries_of_one_batch_Then_stored_exactly_once()
    {
        var fleet = await FleetAsync();
        var body = BatchJson("race-1", Enumerable.Range(0, 20).Select(i => (BaseTime.AddSeconds(i), "0D", (double)i)));
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(fleet.Key, body)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var acks = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Single(acks, a => !a.GetProperty("duplicate").GetBoolean());
        Assert.Equal(20, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_one_invalid_sample_Then_400_names_index_and_field_and_nothing_is_stored()
    {
        var fleet = await FleetAsync();
        var t = BaseTime;
        var body = $$"""
            {"batchId":"bad-1","samples":[
              {"t":"{{Stamp(t)}}","pid":"0C","value":800},
              {"t":"{{Stamp(t)}}","pid":"0D","value":10},
              {"t":"{{Stamp(t)}}","pid":"05","value":90},
              {"t":"yesterday","pid":"0C","value":801},
              {"t":"{{Stamp(t)}}","pid":"ZZ","value":1},
              {"t":"{{Stamp(t)}}","pid":"11","value":"12"}]}
            """;
        var problem = await ProblemAsync(await PostAsync(fleet.Key, body), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("samples[3].t", out _));
        Assert.True(errors.TryGetProperty("samples[4].pid", out _));
        Assert.True(errors.TryGetProperty("samples[5].value", out _));
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));
        // The rejected batch did not use up its id: the corrected batch is stored under the same id.
        var fixedBody = BatchJson("bad-1", [(t, "0C", 800), (t, "0D", 10)]);
        var ack = await (await PostAsync(fleet.Key, fixedBody)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("stored", ack.GetProperty("status").GetString());
        Assert.Equal(2, await StoredAsync(fleet.VehicleId));
        var latest = await fleet.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{fleet.VehicleId}/telemetry/latest");
        Assert.DoesNotContain(latest.GetProperty("values").EnumerateArray(), v => v.GetProperty("pid").GetString() == "05");
    }

    [Theory]
    [InlineData("{\"batchId\":\"x\",\"samples\":[", "body")]
    [InlineData("[]", "body")]
    [InlineData("{\"samples\":[]}", "batchId")]
    [InlineData("{\"batchId\":\"x\"}", "samples")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1e400}]}", "samples[0].value")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":NaN}]}", "body")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00\",\"pid\":\"0C\",\"value\":1}]}", "samples[0].t")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2126-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1}]}", "samples[0].t")]
    [InlineData("{\"batchId\":\"has space\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\",\"value\":1}]}", "batchId")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"gps..lat\",\"value\":1}]}", "samples[0].pid")]
    [InlineData("{\"batchId\":\"x\",\"samples\":[{\"t\":\"2026-11-22T05:00:00Z\",\"pid\":\"0C\"}]}", "samples[0].value")]
    public async Task Given_malformed_batch_Then_400_naming_the_field(string body, string field)
    {
        var fleet = await FleetAsync();
        var problem = await ProblemAsync(await PostAsync(fleet.Key, body), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_too_many_samples_or_bytes_Then_413_and_nothing_stored()
    {
        var fleet = await FleetAsync();
        var tooMany = BatchJson("big-1", Enumerable.Range(0, 5001).Select(i => (BaseTime, "0C", (double)i)));
        await ProblemAsync(await PostAsync(fleet.Key, tooMany), HttpStatusCode.RequestEntityTooLarge);
        var padding = new string('x', 600 * 1024);
        var tooBig = $$"""{"batchId":"big-2","note":"{{padding}}","samples":[{"t":"{{Stamp(BaseTime)}}","pid":"0C","value":1}]}""";
        await ProblemAsync(await PostAsync(fleet.Key, tooBig), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_another_organisation_Then_devices_reads_and_revocation_are_404()
    {
        var fleet = await FleetAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("o-1", [(BaseTime, "0C", 800)]))).StatusCode);
        var (stranger, _) = await App.NewUserAsync();
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/devices", new { vehicleId = fleet.VehicleId, name = "Mine now" }), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C"), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{fleet.VehicleId}/telemetry/latest"), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/devices/{fleet.DeviceId}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(fleet.DeviceId.ToString(), await stranger.GetStringAsync("/api/v1/devices"), StringComparison.Ordinal);
        // Naming the other organisation explicitly is refused as well (not a member).
        var me = await fleet.Client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var org = me.GetProperty("organizations")[0].GetProperty("id").GetGuid();
        stranger.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{fleet.VehicleId}/telemetry/latest"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("o-2", [(BaseTime, "0D", 1)]))).StatusCode);
    }

    [Fact]
    public async Task Given_samples_Then_bucketed_read_returns_min_avg_max_count_per_interval()
    {
        var fleet = await FleetAsync();
        var t = BaseTime;
        // Minute 0: 10, 20, 30; minute 1: 40; minute 2: nothing; minute 3: 5, 7.
        var samples = new (DateTime, string, double)[]
        {
            (t.AddSeconds(1), "0D", 10), (t.AddSeconds(20), "0D", 20), (t.AddSeconds(59), "0D", 30),
            (t.AddSeconds(61), "0D", 40), (t.AddMinutes(3), "0D", 5), (t.AddMinutes(3).AddSeconds(30), "0D", 7),
            (t.AddSeconds(5), "0C", 999),
        };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("bk-1", samples))).StatusCode);
        var read = await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0D&from={Stamp(t)}&to={Stamp(t.AddMinutes(5))}&bucket=1m");
        var buckets = read.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(3, buckets.Count);
        Assert.Equal(t, buckets[0].GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(10, buckets[0].GetProperty("min").GetDouble());
        Assert.Equal(20, buckets[0].GetProperty("avg").GetDouble(), 6);
        Assert.Equal(30, buckets[0].GetProperty("max").GetDouble());
        Assert.Equal(3, buckets[0].GetProperty("count").GetInt64());
        Assert.Equal(40, buckets[1].GetProperty("avg").GetDouble());
        Assert.Equal(t.AddMinutes(3), buckets[2].GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(6, buckets[2].GetProperty("avg").GetDouble(), 6);
        Assert.Equal(2, buckets[2].GetProperty("count").GetInt64());

        var fiveMinutes = await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0D&from={Stamp(t)}&to={Stamp(t.AddMinutes(5))}&bucket=5m");
        var total = fiveMinutes.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64());
        Assert.Equal(6, total);

        var page = await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0D&from={Stamp(t)}&to={Stamp(t.AddMinutes(5))}&limit=4");
        Assert.Equal(4, page.GetProperty("points").GetArrayLength());
        Assert.True(page.GetProperty("truncated").GetBoolean());
        Assert.Equal(t.AddMinutes(3), page.GetProperty("nextFrom").GetDateTime().ToUniversalTime());
    }

    [Theory]
    [InlineData("bucket=1m", "pid")]
    [InlineData("pid=0C&bucket=7x", "bucket")]
    [InlineData("pid=0C&bucket=0m", "bucket")]
    [InlineData("pid=0C&from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z&bucket=1s", "bucket")]
    [InlineData("pid=0C&from=not-a-time", "from")]
    [InlineData("pid=0C&from=2026-11-22T06:00:00Z&to=2026-11-22T05:00:00Z", "from")]
    [InlineData("pid=0C&limit=0", "limit")]
    [InlineData("pid=0C&limit=99999999", "limit")]
    public async Task Given_bad_read_parameter_Then_400_naming_it(string query, string field)
    {
        var fleet = await FleetAsync();
        var problem = await ProblemAsync(await fleet.Client.GetAsync($"/api/v1/vehicles/{fleet.VehicleId}/telemetry?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Given_vehicles_some_reporting_a_signal_Then_one_lookup_names_exactly_those()
    {
        var reporting = await FleetAsync();
        var silent = await FleetAsync();
        var other = await FleetAsync();
        var t = BaseTime;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(reporting.Key, BatchJson("r-1", [(t, "gps.lat", 50.94), (t, "gps.lon", 6.96)]))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(other.Key, BatchJson("r-2", [(t, "0C", 900)]))).StatusCode);
        var history = App.Services.GetRequiredService<Pitlane.Modules.Telemetry.Contracts.ITelemetryHistory>();

        var found = await history.ReportingAsync([reporting.VehicleId, silent.VehicleId, other.VehicleId, reporting.VehicleId, Guid.NewGuid()], "gps.lat", CancellationToken.None);
        Assert.Equal([reporting.VehicleId], found);
        Assert.Empty(await history.ReportingAsync([], "gps.lat", CancellationToken.None));
        Assert.Empty(await history.ReportingAsync([reporting.VehicleId], "gps.alt", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => history.ReportingAsync([.. Enumerable.Range(0, 101).Select(_ => Guid.NewGuid())], "gps.lat", CancellationToken.None));
    }

    [Fact]
    public async Task Given_batches_out_of_order_Then_latest_keeps_the_newest_sample_per_signal()
    {
        var fleet = await FleetAsync();
        var t = BaseTime;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("l-1", [(t.AddSeconds(10), "0C", 1500), (t.AddSeconds(5), "0C", 900), (t, "05", 80)]))).StatusCode);
        // An older batch arriving late (a device flushing its buffer) must not overwrite newer values.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("l-0", [(t.AddSeconds(1), "0C", 700), (t.AddSeconds(20), "05", 85)]))).StatusCode);
        var latest = await fleet.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{fleet.VehicleId}/telemetry/latest");
        var values = latest.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("pid").GetString()!, v => v);
        Assert.Equal(1500, values["0C"].GetProperty("value").GetDouble());
        Assert.Equal("Engine speed", values["0C"].GetProperty("name").GetString());
        Assert.Equal("rpm", values["0C"].GetProperty("unit").GetString());
        Assert.Equal(85, values["05"].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Given_websocket_device_Then_each_message_is_acked_after_commit_and_errors_do_not_close()
    {
        var fleet = await FleetAsync();
        using var socket = await ConnectStreamAsync(fleet.Key, inQuery: false);
        var t = BaseTime;
        var first = await ExchangeAsync(socket, BatchJson("ws-1", [(t, "0C", 800), (t, "0D", 30)]));
        Assert.Equal("stored", first.GetProperty("status").GetString());
        Assert.Equal(2, first.GetProperty("stored").GetInt32());
        var invalid = await ExchangeAsync(socket, "{\"batchId\":\"ws-2\",\"samples\":[{\"t\":\"nope\",\"pid\":\"0C\",\"value\":1}]}");
        Assert.Equal("invalid", invalid.GetProperty("status").GetString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("samples[0].t", out _));
        var garbage = await ExchangeAsync(socket, "{{{{");
        Assert.Equal("invalid", garbage.GetProperty("status").GetString());
        var duplicate = await ExchangeAsync(socket, BatchJson("ws-1", [(t, "0C", 800), (t, "0D", 30)]));
        Assert.True(duplicate.GetProperty("duplicate").GetBoolean());
        var tooBig = await ExchangeAsync(socket, "{\"pad\":\"" + new string('x', 600 * 1024) + "\"}");
        Assert.Equal("too_large", tooBig.GetProperty("status").GetString());
        Assert.Equal(WebSocketState.Open, socket.State);
        var last = await ExchangeAsync(socket, BatchJson("ws-3", [(t.AddSeconds(1), "0C", 810)]));
        Assert.Equal("stored", last.GetProperty("status").GetString());
        Assert.Equal(3, await StoredAsync(fleet.VehicleId));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        using var byQuery = await ConnectStreamAsync(fleet.Key, inQuery: true);
        Assert.Equal("stored", (await ExchangeAsync(byQuery, BatchJson("ws-4", [(t, "11", 12)]))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_a_flood_of_streams_on_one_key_Then_at_most_four_are_open_and_closing_one_frees_a_place()
    {
        var fleet = await FleetAsync();
        // Twelve handshakes at once with one key (Pitlane:VehicleTelemetry:MaxStreamsPerDevice is 4).
        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                return (Socket: await ConnectStreamAsync(fleet.Key, inQuery: false), Error: (string?)null);
            }
            catch (Exception e) when (e is InvalidOperationException or WebSocketException)
            {
                return (Socket: (WebSocket?)null, Error: e.Message);
            }
        }));
        var open = attempts.Where(a => a.Socket is not null).Select(a => a.Socket!).ToList();
        Assert.Equal(4, open.Count);
        Assert.All(attempts.Where(a => a.Socket is null), a => Assert.Contains("429", a.Error, StringComparison.Ordinal));
        // The open ones still work; closing one lets the next in.
        Assert.Equal("stored", (await ExchangeAsync(open[0], BatchJson("flood-1", [(BaseTime, "0C", 800)]))).GetProperty("status").GetString());
        await open[1].CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        WebSocket? next = null;
        while (next is null)
        {
            try
            {
                next = await ConnectStreamAsync(fleet.Key, inQuery: false);
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The server ends the closed stream's request just after the close handshake.
                await Task.Delay(50);
            }
        }
        Assert.Equal(WebSocketState.Open, next.State);
        foreach (var socket in open.Append(next))
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Given_websocket_with_wrong_key_Then_handshake_is_refused_and_revocation_closes_the_stream()
    {
        var fleet = await FleetAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectStreamAsync("wrong-key", inQuery: false));
        using var socket = await ConnectStreamAsync(fleet.Key, inQuery: false);
        Assert.Equal("stored", (await ExchangeAsync(socket, BatchJson("r-1", [(BaseTime, "0C", 800)]))).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await fleet.Client.DeleteAsync($"/api/v1/devices/{fleet.DeviceId}")).StatusCode);
        await SendTextAsync(socket, BatchJson("r-2", [(BaseTime, "0C", 900)]));
        var buffer = new byte[1024];
        var result = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal(1, await StoredAsync(fleet.VehicleId));
    }

    [Fact]
    public async Task Given_binary_frame_or_invalid_UTF8_over_websocket_Then_nothing_is_stored()
    {
        var fleet = await FleetAsync();
        using var socket = await ConnectStreamAsync(fleet.Key, inQuery: false);
        var body = Encoding.UTF8.GetBytes(BatchJson("bin-1", [(BaseTime, "0C", 800)]));
        await socket.SendAsync(body, WebSocketMessageType.Binary, true, CancellationToken.None);
        var ack = await ReceiveJsonAsync(socket);
        Assert.Equal("invalid", ack.GetProperty("status").GetString());
        Assert.Equal(WebSocketState.Open, socket.State);

        // RFC 6455 §8.1: a text message that is not UTF-8 fails the connection (1007) before any parser sees it.
        byte[] broken = [.. Encoding.UTF8.GetBytes("{\"batchId\":\"u-1\",\"x\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")];
        await socket.SendAsync(broken, WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        Assert.Equal(0, await StoredAsync(fleet.VehicleId));
    }

    private static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }

    private async Task<WebSocket> ConnectStreamAsync(string key, bool inQuery)
    {
        _ = App.Server;
        var client = App.Server.CreateWebSocketClient();
        if (!inQuery)
        {
            client.ConfigureRequest = request => request.Headers["X-Device-Key"] = key;
        }
        var uri = new Uri($"ws://localhost/api/v1/telemetry/stream{(inQuery ? "?key=" + Uri.EscapeDataString(key) : "")}");
        return await client.ConnectAsync(uri, CancellationToken.None);
    }

    private static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ExchangeAsync(WebSocket socket, string message)
    {
        await SendTextAsync(socket, message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }

    [Fact]
    public async Task Given_samples_older_than_retention_Then_maintenance_rolls_them_into_minutes_and_deletes_raw()
    {
        var fleet = await FleetAsync();
        var old = DateTime.UtcNow.Date.AddDays(-40).AddHours(10);
        var recent = BaseTime;
        var samples = new (DateTime, string, double)[]
        {
            (old, "0C", 1000), (old.AddSeconds(30), "0C", 2000), (old.AddMinutes(1), "0C", 3000), (recent, "0C", 700),
        };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fleet.Key, BatchJson("old-1", samples))).StatusCode);
        Assert.Equal(4, await StoredAsync(fleet.VehicleId));

        var maintenance = App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<TelemetryMaintenance>().Single();
        var report = await maintenance.RunOnceAsync(CancellationToken.None);
        Assert.True(report.Deleted >= 3);
        Assert.Equal(1, await StoredAsync(fleet.VehicleId));

        var raw = await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(old.AddHours(-1))}&to={Stamp(old.AddHours(1))}");
        Assert.Equal(0, raw.GetProperty("points").GetArrayLength());
        var buckets = (await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(old.AddHours(-1))}&to={Stamp(old.AddHours(1))}&bucket=1m"))
            .GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(2, buckets.Count);
        Assert.Equal(1000, buckets[0].GetProperty("min").GetDouble());
        Assert.Equal(1500, buckets[0].GetProperty("avg").GetDouble(), 6);
        Assert.Equal(2000, buckets[0].GetProperty("max").GetDouble());
        Assert.Equal(2, buckets[0].GetProperty("count").GetInt64());
        var hourly = (await fleet.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/vehicles/{fleet.VehicleId}/telemetry?pid=0C&from={Stamp(old.AddHours(-1))}&to={Stamp(old.AddHours(1))}&bucket=1h"))
            .GetProperty("buckets")[0];
        Assert.Equal(2000, hourly.GetProperty("avg").GetDouble(), 6);
        Assert.Equal(3, hourly.GetProperty("count").GetInt64());
    }
}

public abstract partial class TelemetryTests
{
    [Fact]
    public async Task Given_telemetry_model_Then_its_own_history_has_no_pending_changes()
    {
        RequireServer();
        _ = App.Server;
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TelemetryDbContext>();
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        // The module's history is its own table, apart from the main context's __EFMigrationsHistory.
        var rows = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions
            .SqlQueryRaw<int>(db.Database, "SELECT count(*) AS \"Value\" FROM \"__telemetry_migrations\"").ToListAsync();
        Assert.True(rows.Single() >= 1);
    }
}

public sealed class TelemetryTestsOnSqlite(SqliteApp app) : TelemetryTests(app), IClassFixture<SqliteApp>;

public sealed class TelemetryTestsOnPostgres(PostgresApp app) : TelemetryTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();

    [Fact]
    public async Task Given_started_app_Then_samples_table_is_partitioned_by_day_with_partitions_ahead()
    {
        RequireServer();
        _ = app.Server;
        var dataSource = app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry_samples'");
        var partitions = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                partitions.Add(reader.GetString(0));
            }
        }
        Assert.Contains("telemetry_samples_default", partitions);
        var today = DateTime.UtcNow.Date;
        for (var day = today.AddDays(-1); day <= today.AddDays(3); day = day.AddDays(1))
        {
            Assert.Contains($"telemetry_samples_p{day:yyyyMMdd}", partitions);
        }
        await using var history = dataSource.CreateCommand("SELECT count(*) FROM \"__telemetry_migrations\"");
        Assert.True((long)(await history.ExecuteScalarAsync())! >= 1);
    }
}
