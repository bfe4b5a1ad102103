using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>What the diagnostics tests share: a shop with a simulator adapter, scans started and awaited over HTTP.</summary>
public abstract class DiagnosticsTestBase(PitlaneApp app)
{
    protected PitlaneApp App => app;

    protected const string Vin = SimulatorOptions.DefaultVin;

    protected virtual void RequireServer()
    {
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh person whose personal organisation has the simulator registered as an adapter.</summary>
    protected async Task<Shop> ShopAsync(ElmSimulatorServer sim, string name = "Lane")
    {
        RequireServer();
        var (client, email) = await app.NewUserAsync(name);
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Bay 1", uri = $"tcp://127.0.0.1:{sim.Port}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        return new Shop(client, email, adapterId);
    }

    protected sealed record Shop(HttpClient Client, string Email, Guid AdapterId);

    protected static async Task<ElmSimulatorServer> SimulatorAsync(string scenario, string vin = Vin)
    {
        var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = scenario, Port = 0, Seed = 7, Vin = vin });
        await sim.StartAsync(Ct);
        return sim;
    }

    /// <summary>POST /api/v1/scans, then polls GET /api/v1/scans/{id} until it completed or failed.</summary>
    protected static async Task<JsonElement> ScanAsync(HttpClient client, object request)
    {
        var started = await client.PostAsJsonAsync("/api/v1/scans", request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/scans/{id}", started.Headers.Location?.OriginalString);
        return await AwaitScanAsync(client, id);
    }

    protected static async Task<JsonElement> AwaitScanAsync(HttpClient client, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var scan = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{id}", Ct);
            var status = scan.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                return scan;
            }
            Assert.True(DateTime.UtcNow < deadline, $"scan {id} still {status} after 60 s");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Polls GET /api/v1/jobs/{id} until the job ended.</summary>
    protected static async Task<JsonElement> AwaitJobAsync(HttpClient client, Guid jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}", Ct);
            if (job.GetProperty("state").GetString() is "succeeded" or "dead" or "cancelled")
            {
                return job;
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not end");
            await Task.Delay(100, Ct);
        }
    }

    protected static async Task<Guid> VehicleAsync(HttpClient client, string vin)
    {
        var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>POST /api/v1/vehicles/{id}/clear-codes with the confirmation; returns the 202 body.</summary>
    protected static async Task<JsonElement> StartClearingAsync(HttpClient client, Guid vehicleId, Guid adapterId)
    {
        var accepted = await client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId, confirm = true }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>The vehicle's code clearings, newest first.</summary>
    protected static async Task<JsonElement[]> ClearingsAsync(HttpClient client, Guid vehicleId) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/code-clearings", Ct)).EnumerateArray()];

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
    }

    /// <summary>An adapter named "Dead" on a loopback port nobody listens on: every connect is refused.</summary>
    protected static async Task<Guid> DeadAdapterAsync(Shop shop)
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var adapter = await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Dead", uri = $"tcp://127.0.0.1:{port}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        return (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    protected static string[] Codes(JsonElement scan) =>
        [.. scan.GetProperty("dtcs").EnumerateArray().Select(d => d.GetProperty("code").GetString()!)];
}

/// <summary>Adapters, scans as jobs and vehicle health over HTTP, on SQLite and PostgreSQL.</summary>
public abstract class ScanTests(PitlaneApp app) : DiagnosticsTestBase(app)
{
    [Fact]
    public async Task Given_misfire_simulator_When_scanned_by_VIN_Then_P0300_found_vehicle_registered_and_health_lowered()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);

        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });

        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Equal(100, scan.GetProperty("progress").GetInt32());
        Assert.Contains("P0300", Codes(scan));
        var p0300 = scan.GetProperty("dtcs").EnumerateArray().First(d => d.GetProperty("code").GetString() == "P0300");
        Assert.Contains("misfire", p0300.GetProperty("description").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(p0300.GetProperty("severity").GetString()));
        Assert.Equal(Vin, scan.GetProperty("vin").GetString());
        Assert.False(scan.GetProperty("vinMismatch").GetBoolean());
        Assert.True(scan.GetProperty("milOn").GetBoolean());
        Assert.NotEmpty(scan.GetProperty("ecus").EnumerateArray());
        Assert.NotEmpty(scan.GetProperty("readiness").EnumerateArray());
        Assert.NotEmpty(scan.GetProperty("snapshot").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(scan.GetProperty("protocol").GetString()));

        // The VIN was new to the shop: the vehicle was registered and the scan is in its history.
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();
        var history = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/scans", Ct);
        Assert.Equal(1, history.GetProperty("total").GetInt32());
        Assert.Equal(scan.GetProperty("id").GetGuid(), history.GetProperty("items")[0].GetProperty("id").GetGuid());

        var health = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct);
        var score = health.GetProperty("score").GetInt32();
        Assert.InRange(score, 0, 84);
        var findings = health.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("codes").EnumerateArray().Any(c => c.GetString() == "P0300"));
        Assert.All(findings, f =>
        {
            Assert.False(string.IsNullOrEmpty(f.GetProperty("rule").GetString()));
            Assert.False(string.IsNullOrEmpty(f.GetProperty("seen").GetString()));
            Assert.False(string.IsNullOrEmpty(f.GetProperty("whyItMatters").GetString()));
        });
        Assert.Equal(100 - findings.Sum(f => f.GetProperty("points").GetInt32()), score);

        // The job behind the scan ended too, with its progress at 100.
        var job = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{scan.GetProperty("jobId").GetGuid()}", Ct);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(100, job.GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task Given_telemetry_trends_Then_health_finds_trim_drift_with_a_prediction_and_a_weak_resting_battery()
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync("Trends");
        var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin, odometerKm = 120_000 }, Ct);
        var vehicleId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var device = await client.PostAsJsonAsync("/api/v1/devices", new { vehicleId, name = "Dongle" }, Ct);
        var key = (await device.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        // 30 days: long-term trim bank 1 rising 0.3 points a day from +2 %, resting battery settling at 11.8 V.
        var start = DateTime.UtcNow.Date.AddDays(-30);
        var samples = Enumerable.Range(0, 30).SelectMany(d => new object[]
        {
            new { t = start.AddDays(d).AddHours(8).ToString("O"), pid = "07", value = 2 + 0.3 * d },
            new { t = start.AddDays(d).AddHours(6).ToString("O"), pid = "battery.resting", value = 12.5 - 0.025 * d },
        }).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry/batches")
        {
            Content = JsonContent.Create(new { batchId = "trend-1", samples }),
        };
        request.Headers.Add("X-Device-Key", key);
        var posted = await App.CreateClient().SendAsync(request, Ct);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync(Ct));

        var health = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct);

        var rules = health.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToList();
        Assert.Contains("fueltrim.drift", rules);
        Assert.Contains("battery.resting-low", rules);
        var prediction = health.GetProperty("predictions").EnumerateArray().First(p => p.GetProperty("rule").GetString() == "fueltrim.drift");
        Assert.Contains("likely within", prediction.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.InRange(prediction.GetProperty("withinDays").GetInt32(), 1, 365);
        Assert.True(health.GetProperty("score").GetInt32() < 100);
        Assert.Null(health.GetProperty("scanId").GetString());
        // Telemetry is a measurement: the score stands without a scan.
        Assert.True(health.GetProperty("measured").GetBoolean());
    }

    [Fact]
    public async Task Given_service_log_Then_reminders_count_from_the_latest_entry_and_other_organisations_see_nothing()
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync("Service");
        var created = await client.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin, odometerKm = 100_000 }, Ct);
        var vehicleId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        static JsonElement Reminder(JsonElement health, string key) =>
            health.GetProperty("reminders").EnumerateArray().First(r => r.GetProperty("key").GetString() == key);

        // Never serviced at 100,000 km: the oil (15,000 km interval) counts from new and is overdue.
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct);
        Assert.Equal("overdue", Reminder(before, "oil-filter").GetProperty("urgency").GetString());
        // Before any scan the score is not a clean 100: overdue items take points, and the answer says nothing was measured.
        Assert.False(before.GetProperty("measured").GetBoolean());
        Assert.Equal("unmeasured", before.GetProperty("band").GetString());
        Assert.True(before.GetProperty("score").GetInt32() < 100);
        Assert.Contains(before.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "maintenance.overdue");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var older = await client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/services",
            new { key = "oil-filter", performedOn = today.AddMonths(-14).ToString("yyyy-MM-dd"), odometerKm = 80_000 }, Ct);
        Assert.Equal(HttpStatusCode.Created, older.StatusCode);
        var oil = await client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/services",
            new { key = "oil-filter", performedOn = today.AddMonths(-2).ToString("yyyy-MM-dd"), odometerKm = 97_000, note = "5W-30, 4.5 l" }, Ct);
        Assert.Equal(HttpStatusCode.Created, oil.StatusCode);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct);
        var reminder = Reminder(after, "oil-filter");
        Assert.Equal("ok", reminder.GetProperty("urgency").GetString());
        Assert.Equal(112_000, reminder.GetProperty("dueKm").GetDouble());
        Assert.Equal(12_000, reminder.GetProperty("remainingKm").GetDouble());
        var log = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/services", Ct);
        Assert.Equal(2, log.GetArrayLength());
        Assert.Equal("Engine oil and filter", log[0].GetProperty("name").GetString());

        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{vehicleId}/services", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/services",
            new { key = "oil-filter", performedOn = today.ToString("yyyy-MM-dd") }, Ct), HttpStatusCode.NotFound);
        var entryId = log[0].GetProperty("id").GetGuid();
        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/vehicles/{vehicleId}/services/{entryId}", Ct), HttpStatusCode.NotFound);

        // Bad input names the field and stores nothing.
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { key = "blinker-fluid", performedOn = today.ToString("yyyy-MM-dd") }, "key"),
            (new { key = "coolant", performedOn = today.AddDays(10).ToString("yyyy-MM-dd") }, "performedOn"),
            (new { key = "coolant" }, "performedOn"),
            (new { key = "coolant", performedOn = today.ToString("yyyy-MM-dd"), odometerKm = -5 }, "odometerKm"),
            (new { key = "coolant", performedOn = today.ToString("yyyy-MM-dd"), note = new string('x', 501) }, "note"),
        })
        {
            var problem = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/services", body, Ct), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        var malformed = new StringContent("{\"key\":\"coolant\",\"performedOn\":\"yesterday\"}", System.Text.Encoding.UTF8, "application/json");
        await ProblemAsync(await client.PostAsync($"/api/v1/vehicles/{vehicleId}/services", malformed, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/services", Ct)).GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/vehicles/{vehicleId}/services/{entryId}", Ct)).StatusCode);
        var reverted = await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct);
        Assert.Equal("overdue", Reminder(reverted, "oil-filter").GetProperty("urgency").GetString());
    }

    [Fact]
    public async Task Given_healthy_car_Then_health_is_high_and_no_codes()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Empty(Codes(scan));
        var health = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{scan.GetProperty("vehicleId").GetGuid()}/health", Ct);
        Assert.InRange(health.GetProperty("score").GetInt32(), 85, 100);
    }

    [Fact]
    public async Task Given_car_with_other_VIN_Then_mismatch_is_flagged_not_accepted()
    {
        await using var sim = await SimulatorAsync("healthy", vin: "1FTFW1ET5DFC10312");
        var shop = await ShopAsync(sim);
        var created = await shop.Client.PostAsJsonAsync("/api/v1/vehicles", new { vin = Vin }, Ct);
        var vehicleId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var scan = await ScanAsync(shop.Client, new { vehicleId, adapterId = shop.AdapterId });

        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.True(scan.GetProperty("vinMismatch").GetBoolean());
        Assert.Equal("1FTFW1ET5DFC10312", scan.GetProperty("vin").GetString());
        Assert.Equal(Vin, scan.GetProperty("expectedVin").GetString());
        // Not credited to the vehicle it was started for: the car's own VIN is not valid, so to no vehicle at all.
        Assert.Equal(JsonValueKind.Null, scan.GetProperty("vehicleId").ValueKind);
        Assert.Equal(0, (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/scans", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Given_vehicle_chosen_and_car_reporting_another_valid_VIN_Then_scan_goes_to_the_car_reporting_vehicle()
    {
        const string carVin = "1FTFW1ET9DFC10312";
        await using var sim = await SimulatorAsync("healthy", vin: carVin);
        var shop = await ShopAsync(sim);
        var vehicleId = await VehicleAsync(shop.Client, Vin);

        var scan = await ScanAsync(shop.Client, new { vehicleId, adapterId = shop.AdapterId });

        Assert.True(scan.GetProperty("vinMismatch").GetBoolean());
        var carId = scan.GetProperty("vehicleId").GetGuid();
        Assert.NotEqual(vehicleId, carId);
        Assert.Equal(carVin, (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{carId}", Ct)).GetProperty("vin").GetString());
        Assert.Equal(JsonValueKind.Null, (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/health", Ct)).GetProperty("scanId").ValueKind);
    }

    [Fact]
    public async Task Given_no_vehicle_When_scanned_Then_VIN_is_read_from_the_car_and_linked()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { adapterId = shop.AdapterId });
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.True(scan.GetProperty("vehicleId").ValueKind == JsonValueKind.String, scan.ToString());
        var vehicle = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{scan.GetProperty("vehicleId").GetGuid()}", Ct);
        Assert.Equal(Vin, vehicle.GetProperty("vin").GetString());
    }

    [Fact]
    public async Task Given_adapter_that_does_not_answer_Then_scan_fails_with_reason()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        var adapterId = await DeadAdapterAsync(shop);

        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId });

        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("Dead", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://8.8.8.8:35000")]
    [InlineData("tcp://[2001:4860:4860::8888]:35000")]
    [InlineData("tcp://100.64.0.1:35000")]
    [InlineData("http://127.0.0.1:35000")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("serial:///etc/passwd")]
    [InlineData("serial:///dev/sda")]
    [InlineData("serial:///dev/../etc/shadow")]
    [InlineData("agent://not-a-guid")]
    [InlineData("agent://5f0c6f55-8c59-4a3e-9d7e-1f6c7e9a0b11")]
    // Link-local (cloud metadata) in every spelling, and private networks that this installation did not opt in to.
    [InlineData("tcp://169.254.169.254:80")]
    [InlineData("tcp://[fe80::1]:35000")]
    [InlineData("tcp://[::ffff:169.254.169.254]:80")]
    [InlineData("tcp://[::ffff:a9fe:a9fe]:80")]
    [InlineData("tcp://[64:ff9b::a9fe:a9fe]:80")]
    [InlineData("tcp://0.0.0.0:35000")]
    [InlineData("tcp://10.0.0.5:35000")]
    [InlineData("tcp://192.168.1.20:35000")]
    [InlineData("tcp://[::ffff:192.168.1.20]:35000")]
    [InlineData("tcp://[fd00::5]:35000")]
    // Serial adapters are off unless configured.
    [InlineData("serial:///dev/ttyUSB0")]
    [InlineData("serial:///dev/pts/0")]
    public async Task Given_adapter_URI_outside_allowed_hosts_or_malformed_Then_400_and_nothing_stored(string uri)
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync("Adapters");
        var response = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Outside", uri }, Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("uri", out _));
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct);
        Assert.Empty(list.EnumerateArray());
    }

    [Fact]
    public async Task Given_peer_that_answers_garbage_Then_scan_error_quotes_none_of_its_bytes()
    {
        RequireServer();
        // Any service on an allowed address: it greets with a banner and answers every command with more of its own text.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var banner = "SSH-2.0-OpenSSH_9.6 SECRET-7f3a-BANNER\r\n>"u8.ToArray();
        var serve = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync(Ct);
            var stream = peer.GetStream();
            var buffer = new byte[256];
            try
            {
                await stream.WriteAsync(banner, Ct);
                while (await stream.ReadAsync(buffer, Ct) > 0)
                {
                    await stream.WriteAsync(banner, Ct);
                }
            }
            catch (IOException)
            {
                // The scanner hung up.
            }
        }, Ct);
        var (client, _) = await App.NewUserAsync("Probe");
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Bay 9", uri = $"tcp://127.0.0.1:{port}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var scan = await ScanAsync(client, new { adapterId });

        Assert.Equal("failed", scan.GetProperty("status").GetString());
        var error = scan.GetProperty("error").GetString()!;
        Assert.Contains("Bay 9", error, StringComparison.Ordinal);
        foreach (var piece in new[] { "SSH", "OpenSSH", "SECRET", "7f3a", "BANNER", "2.0" })
        {
            Assert.DoesNotContain(piece, error, StringComparison.OrdinalIgnoreCase);
        }
        var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{scan.GetProperty("jobId").GetGuid()}", Ct);
        Assert.DoesNotContain("SECRET", job.ToString(), StringComparison.OrdinalIgnoreCase);
        listener.Stop();
        await serve.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Given_other_organisation_Then_scans_adapters_health_are_404()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var scan = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        var scanId = scan.GetProperty("id").GetGuid();
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();

        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.GetAsync($"/api/v1/scans/{scanId}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{vehicleId}/scans", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{vehicleId}/health", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/diagnostics/adapters/{shop.AdapterId}", Ct), HttpStatusCode.NotFound);
        var list = await stranger.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        // Starting a scan on someone else's adapter or vehicle changes nothing.
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/scans", new { adapterId = shop.AdapterId }, Ct), HttpStatusCode.BadRequest);
        var count = (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32();
        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData("porter@demo.pitlane.test")]
    [InlineData("sales@demo.pitlane.test")]
    public async Task Given_member_whose_role_does_not_scan_Then_403_and_nothing_changes(string email)
    {
        RequireServer();
        using var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var demo = me.GetProperty("organizations").EnumerateArray().First(o => o.GetProperty("name").GetString() == "Pitlane Demo Garage").GetProperty("id").GetGuid();
        using var shop = await App.SignedInClientAsync("owner@demo.pitlane.test", organizationId: demo);
        var adapterId = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct)).EnumerateArray()
            .First(a => a.GetProperty("name").GetString() == "Lane 1 (vehicle simulator)").GetProperty("id").GetGuid();
        var vehicleId = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/vehicles?q=1HGCM82633A004352", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var scansBefore = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32();
        using var member = await App.SignedInClientAsync(email, organizationId: demo);

        // They may look (the lane's screens are shared), not act.
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/v1/diagnostics/adapters", Ct)).StatusCode);
        await ProblemAsync(await member.PostAsJsonAsync("/api/v1/scans", new { vehicleId, adapterId }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await member.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Mine", uri = "tcp://127.0.0.1:35001" }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await member.DeleteAsync($"/api/v1/diagnostics/adapters/{adapterId}", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await member.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId, confirm = true }, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await member.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Pi" }, Ct), HttpStatusCode.Forbidden);

        Assert.Equal(scansBefore, (await shop.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());
        Assert.Contains((await shop.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct)).EnumerateArray(), a => a.GetProperty("id").GetGuid() == adapterId);
        Assert.DoesNotContain((await shop.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct)).EnumerateArray(), a => a.GetProperty("name").GetString() == "Mine");
    }

    [Fact]
    public async Task Given_bad_scan_requests_Then_problem_details()
    {
        await using var sim = await SimulatorAsync("healthy");
        var shop = await ShopAsync(sim);
        await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/scans", new { vin = Vin }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/scans", new { vin = "ABC", adapterId = shop.AdapterId }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/scans", new { vehicleId = Guid.NewGuid(), adapterId = shop.AdapterId }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await shop.Client.GetAsync("/api/v1/scans?pageSize=1000", Ct), HttpStatusCode.BadRequest);
        var raw = new StringContent("{\"adapterId\": 12", System.Text.Encoding.UTF8, "application/json");
        await ProblemAsync(await shop.Client.PostAsync("/api/v1/scans", raw, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(0, (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/scans", Ct)).GetProperty("total").GetInt32());
    }
}


/// <summary>Clearing trouble codes: confirmation, the right car only, other organisations refused.</summary>
public abstract class ClearCodesTests(PitlaneApp app) : DiagnosticsTestBase(app)
{
    [Fact]
    public async Task Given_confirmation_Then_codes_are_cleared_on_the_right_car_only()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim);
        var vehicleId = await VehicleAsync(shop.Client, Vin);

        var unconfirmed = await shop.Client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId = shop.AdapterId }, Ct);
        var problem = await ProblemAsync(unconfirmed, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("confirm", out _));

        var (stranger, _) = await App.NewUserAsync("Stranger");
        await ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId = shop.AdapterId, confirm = true }, Ct), HttpStatusCode.NotFound);

        Assert.Empty(await ClearingsAsync(shop.Client, vehicleId));

        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);
        var job = await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.NotEmpty(job.GetProperty("result").GetProperty("clearedBy").EnumerateArray());
        Assert.Empty(sim.Vehicle.Dtcs(EcuRole.Engine, DtcKind.Stored));

        // Kept as the vehicle's record, seen by the shop only.
        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal(accepted.GetProperty("id").GetGuid(), clearing.GetProperty("id").GetGuid());
        Assert.Equal("completed", clearing.GetProperty("status").GetString());
        Assert.Equal(Vin, clearing.GetProperty("vin").GetString());
        Assert.Equal(Vin, clearing.GetProperty("expectedVin").GetString());
        Assert.Contains("7E8", clearing.GetProperty("clearedBy").EnumerateArray().Select(e => e.GetString()));
        Assert.False(clearing.GetProperty("throughAgent").GetBoolean());
        Assert.Equal("Bay 1", clearing.GetProperty("adapterName").GetString());
        Assert.NotEqual(JsonValueKind.Null, clearing.GetProperty("completedAt").ValueKind);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{vehicleId}/code-clearings", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_other_car_on_the_adapter_Then_codes_are_not_cleared()
    {
        await using var sim = await SimulatorAsync("misfire", vin: "1FTFW1ET5DFC10312");
        var shop = await ShopAsync(sim);
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var before = sim.Vehicle.Dtcs(EcuRole.Engine, DtcKind.Stored).Count;

        var accepted = await shop.Client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId = shop.AdapterId, confirm = true }, Ct);
        var job = await AwaitJobAsync(shop.Client, (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("jobId").GetGuid());

        Assert.Equal("dead", job.GetProperty("state").GetString());
        Assert.Contains("1FTFW1ET5DFC10312", job.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.True(before > 0);
        Assert.Equal(before, sim.Vehicle.Dtcs(EcuRole.Engine, DtcKind.Stored).Count);
        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("failed", clearing.GetProperty("status").GetString());
        Assert.Contains("reports VIN 1FTFW1ET5DFC10312", clearing.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Empty(clearing.GetProperty("clearedBy").EnumerateArray());
    }
}

public sealed class ClearCodesTestsOnSqlite(SqliteApp app) : ClearCodesTests(app), IClassFixture<SqliteApp>;

public sealed class ClearCodesTestsOnPostgres(PostgresApp app) : ClearCodesTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

public sealed class ScanTestsOnSqlite(SqliteApp app) : ScanTests(app), IClassFixture<SqliteApp>;

public sealed class ScanTestsOnPostgres(PostgresApp app) : ScanTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

/// <summary>An installation that opted in to private networks and serial adapters (SQLite, the embedded profile).</summary>
public sealed class PrivateAdaptersApp : PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Diagnostics:AllowedAdapterNetworks", "private");
        Set("Pitlane:Diagnostics:AllowSerialAdapters", "true");
        return base.InitializeAsync();
    }
}

/// <summary>Which addresses adapters may use: opt-in networks per installation, never link-local, names checked by what they resolve to.</summary>
public sealed class AdapterNetworkTests(PrivateAdaptersApp app) : DiagnosticsTestBase(app), IClassFixture<PrivateAdaptersApp>
{
    [Theory]
    [InlineData("tcp://10.0.0.5:35000")]
    [InlineData("tcp://192.168.1.20:35000")]
    [InlineData("tcp://[fd00::5]:35000")]
    [InlineData("serial:///dev/ttyUSB0")]
    [InlineData("serial:///dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0")]
    public async Task Given_installation_that_opted_in_Then_private_addresses_and_serial_ports_register(string uri)
    {
        var (client, _) = await App.NewUserAsync("Private");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Lane", uri }, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("tcp://169.254.169.254:80")]
    [InlineData("tcp://169.254.0.1:35000")]
    [InlineData("tcp://[fe80::1]:35000")]
    [InlineData("tcp://[fe80::1%25eth0]:35000")]
    [InlineData("tcp://[::ffff:169.254.169.254]:80")]
    [InlineData("tcp://[::ffff:a9fe:a9fe]:80")]
    [InlineData("tcp://[2002:a9fe:a9fe::1]:80")]
    [InlineData("tcp://[::169.254.169.254]:80")]
    // Loopback was not opted in: not as a literal, not mapped, not by a name that resolves to it.
    [InlineData("tcp://127.0.0.1:35000")]
    [InlineData("tcp://[::1]:35000")]
    [InlineData("tcp://[::ffff:127.0.0.1]:35000")]
    [InlineData("tcp://localhost:35000")]
    [InlineData("tcp://0.0.0.0:35000")]
    [InlineData("serial:///dev/pts/0")]
    [InlineData("serial:///dev/pts/12")]
    [InlineData("serial:///dev/tty0")]
    [InlineData("serial:///dev/ptmx")]
    public async Task Given_link_local_loopback_or_pseudo_terminal_Then_400_naming_uri_and_nothing_stored(string uri)
    {
        var (client, _) = await App.NewUserAsync("Probe");
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Probe", uri }, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("uri", out _), problem.ToString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/adapters", Ct)).EnumerateArray());
    }
}

/// <summary>The setting itself: profile defaults, validation at start-up, and the address checks behind it.</summary>
public sealed class AdapterNetworkSettingTests
{
    private static Pitlane.Modules.Diagnostics.AdapterNetworks Networks(string text)
    {
        Assert.True(Pitlane.Modules.Diagnostics.AdapterNetworks.TryParse(text, out var networks, out var fault), fault);
        return networks;
    }

    [Fact]
    public async Task Given_distributed_profile_defaults_Then_no_network_and_localhost_is_refused_by_what_it_resolves_to()
    {
        var options = new Pitlane.Modules.Diagnostics.DiagnosticsOptions();
        Assert.Equal("none", options.EffectiveAdapterNetworks(Pitlane.Platform.DatabaseProvider.Postgres));
        Assert.Equal("loopback", options.EffectiveAdapterNetworks(Pitlane.Platform.DatabaseProvider.Sqlite));
        Assert.False(options.AllowSerialAdapters);

        var none = Networks("none");
        var (address, refusal) = await none.ResolveAsync("localhost", TestContext.Current.CancellationToken);
        Assert.Null(address);
        Assert.Contains("localhost", refusal, StringComparison.Ordinal);
        Assert.False(none.Allows(IPAddress.Loopback));
        Assert.False(none.Allows(IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task Given_name_that_resolves_Then_the_checked_address_is_what_is_connected_to()
    {
        var (address, refusal) = await Networks("loopback").ResolveAsync("localhost", TestContext.Current.CancellationToken);
        Assert.Null(refusal);
        Assert.True(IPAddress.IsLoopback(address!));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    public void Given_any_setting_Then_link_local_unspecified_and_multicast_are_never_allowed(string address)
    {
        Assert.False(Networks("0.0.0.0/0,::/0,loopback,private").Allows(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("169.254.0.0/16")]
    [InlineData("169.254.169.254")]
    [InlineData("fe80::/64")]
    [InlineData("none,loopback")]
    [InlineData("the office")]
    public void Given_link_local_or_unreadable_setting_Then_start_fails_naming_it(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pitlane:Diagnostics:AllowedAdapterNetworks"] = value }).Build();
        Assert.False(PitlaneHost.TryReadOptions(configuration, out _, out var fault));
        Assert.Contains("Pitlane:Diagnostics:AllowedAdapterNetworks", fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_private_Then_RFC_1918_and_unique_local_but_not_loopback_or_mapped_loopback()
    {
        var networks = Networks("private");
        Assert.True(networks.Allows(IPAddress.Parse("10.20.30.40")));
        Assert.True(networks.Allows(IPAddress.Parse("::ffff:192.168.0.9")));
        Assert.True(networks.Allows(IPAddress.Parse("fd12::1")));
        Assert.False(networks.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.False(networks.Allows(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(networks.Allows(IPAddress.Parse("8.8.8.8")));
    }
}
