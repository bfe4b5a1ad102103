using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>Clearing codes through a scan agent: who gets the work, what it may upload, and what the clearing records.</summary>
public abstract partial class AgentTests
{
    private const string OtherVin = "1FTFW1ET5DFC10312";

    /// <summary>Long-polls as an agent that can clear codes until it gets a task; returns it.</summary>
    private static async Task<JsonElement> ClaimClearingAsync(HttpClient agent)
    {
        var work = await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=15&accepts=scan,clear-codes", Ct);
        Assert.Equal(HttpStatusCode.OK, work.StatusCode);
        return await work.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Here, not in ReportTests: only an agent upload can carry a code the simulator's scenarios never set.</summary>
    [Fact]
    public async Task Given_code_without_a_specific_repair_When_reported_Then_it_is_priced_as_diagnosis_time_default_then_the_shops()
    {
        var shop = await AgentShopAsync("Diagnosis");
        using var agent = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.OK, (await shop.Client.PutAsJsonAsync("/api/v1/diagnostics/shop", new { currency = "USD", laborRate = 100m }, Ct)).StatusCode);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document("P0500")), Ct)).StatusCode);
        Assert.Equal("completed", (await AwaitScanAsync(shop.Client, scanId)).GetProperty("status").GetString());

        async Task<string> PdfTextAsync()
        {
            var report = await ReportTests.ReportAsync(shop.Client, scanId);
            using var pdf = new PdfTools(await shop.Client.GetByteArrayAsync($"/api/v1/reports/{report.GetProperty("id").GetGuid()}/pdf", Ct));
            return System.Text.RegularExpressions.Regex.Replace(pdf.Text(), @"\s+", " ");
        }

        // No time for this system: the built-in general diagnosis hour, 1 h × 100.00 USD, labelled as such.
        var text = await PdfTextAsync();
        Assert.Contains("P0500", text, StringComparison.Ordinal);
        Assert.Contains("default general diagnosis time", text, StringComparison.Ordinal);
        Assert.Contains("100.00 USD", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Labor not priced", text, StringComparison.Ordinal);

        // The shop's own general diagnosis time wins over the default.
        Assert.Equal(HttpStatusCode.OK, (await shop.Client.PutAsJsonAsync("/api/v1/diagnostics/labor-times/diagnosis.general", new { name = "Diagnostic hour", hours = 0.75m }, Ct)).StatusCode);
        text = await PdfTextAsync();
        Assert.Contains("the shop's general diagnosis time", text, StringComparison.Ordinal);
        Assert.Contains("75.00 USD", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_clearing_through_an_agent_Then_only_an_agent_accepting_clearings_gets_it_and_its_result_is_recorded()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);
        var clearingId = accepted.GetProperty("id").GetGuid();

        // An agent that asks only for scans (as agents did before clearings existed) is never handed one.
        Assert.Equal(HttpStatusCode.NoContent, (await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=1", Ct)).StatusCode);
        await ProblemAsync(await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0&accepts=scan,format-disk", Ct), HttpStatusCode.BadRequest);

        var work = await ClaimClearingAsync(agent);
        Assert.Equal("clear-codes", work.GetProperty("kind").GetString());
        Assert.Equal(clearingId, work.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, work.GetProperty("scanId").ValueKind);
        Assert.Equal(Vin, work.GetProperty("expectedVin").GetString());

        var path = $"/api/v1/diagnostics/agent/clearings/{clearingId}";
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsJsonAsync($"{path}/progress", new { stage = "identify", percent = 40 }, Ct)).StatusCode);
        await ProblemAsync(await agent.PostAsJsonAsync($"{path}/progress", new { stage = "trouble codes", percent = 35 }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("running", (await ClearingsAsync(shop.Client, vehicleId))[0].GetProperty("status").GetString());
        Assert.Equal("identify", (await ClearingsAsync(shop.Client, vehicleId))[0].GetProperty("stage").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsJsonAsync($"{path}/result", new { vin = Vin, clearedBy = new[] { "7E8", "7E9" } }, Ct)).StatusCode);
        var job = await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(["7E8", "7E9"], job.GetProperty("result").GetProperty("clearedBy").EnumerateArray().Select(e => e.GetString()));

        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("completed", clearing.GetProperty("status").GetString());
        Assert.True(clearing.GetProperty("throughAgent").GetBoolean());
        Assert.Equal(Vin, clearing.GetProperty("vin").GetString());
        Assert.Equal(["7E8", "7E9"], clearing.GetProperty("clearedBy").EnumerateArray().Select(e => e.GetString()));
        // Over: nothing more is taken.
        await ProblemAsync(await agent.PostAsJsonAsync($"{path}/result", new { vin = Vin, clearedBy = new[] { "7E8" } }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await agent.PostAsJsonAsync($"{path}/failure", new { error = "late" }, Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_clearing_When_agent_uploads_bad_results_or_is_not_its_agent_Then_4xx_and_nothing_recorded()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var (stranger, _) = await App.NewUserAsync("Stranger");
        var (_, strangerKey) = await CreateAgentAsync(stranger, "Theirs");
        using var strangers = AgentClient(strangerKey);
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);
        var clearingId = accepted.GetProperty("id").GetGuid();
        var path = $"/api/v1/diagnostics/agent/clearings/{clearingId}";

        // Not yet claimed: refused even to its own agent; another organisation's agent never sees it.
        await ProblemAsync(await agent.PostAsJsonAsync($"{path}/result", new { vin = Vin, clearedBy = new[] { "7E8" } }, Ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await strangers.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=1&accepts=clear-codes", Ct)).StatusCode);
        Assert.Equal(clearingId, (await ClaimClearingAsync(agent)).GetProperty("id").GetGuid());

        var hostile = new (object Body, string Field)[]
        {
            (new { vin = "1HGCM82633A00435", clearedBy = new[] { "7E8" } }, "vin"),
            (new { vin = "1hgcm82633a004352", clearedBy = new[] { "7E8" } }, "vin"),
            (new { vin = "1HGCM82633A00435\u0000", clearedBy = new[] { "7E8" } }, "vin"),
            (new { vin = Vin, clearedBy = Array.Empty<string>() }, "clearedBy"),
            (new { vin = Vin, clearedBy = new[] { "7e8" } }, "clearedBy"),
            (new { vin = Vin, clearedBy = new[] { "7E8'; DROP TABLE diag_code_clearings;--" } }, "clearedBy"),
            (new { vin = Vin, clearedBy = Enumerable.Repeat("7E8", 17).ToArray() }, "clearedBy"),
            (new { vin = (string?)null, clearedBy = (string[]?)null }, "vin"),
        };
        foreach (var (body, field) in hostile)
        {
            var problem = await ProblemAsync(await agent.PostAsJsonAsync($"{path}/result", body, Ct), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
        }
        await ProblemAsync(await agent.PostAsync($"{path}/result", Json("not json"), Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await agent.PostAsJsonAsync($"{path}/failure", new { error = "" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await strangers.PostAsJsonAsync($"{path}/result", new { vin = Vin, clearedBy = new[] { "7E8" } }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await strangers.PostAsJsonAsync($"{path}/failure", new { error = "no" }, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/vehicles/{vehicleId}/code-clearings", Ct), HttpStatusCode.NotFound);

        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("running", clearing.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, clearing.GetProperty("vin").ValueKind);

        // The agent found another car on its adapter and cleared nothing.
        var why = $"The car on the agent's adapter reports VIN {OtherVin}, not {Vin}; codes were not cleared.";
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsJsonAsync($"{path}/failure", new { error = why }, Ct)).StatusCode);
        var job = await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid());
        Assert.Equal("dead", job.GetProperty("state").GetString());
        clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("failed", clearing.GetProperty("status").GetString());
        Assert.Equal(why, clearing.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Given_agent_reports_clearing_another_car_Then_the_clearing_is_failed_with_the_car_it_touched()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);
        var clearingId = (await ClaimClearingAsync(agent)).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent,
            (await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/clearings/{clearingId}/result", new { vin = OtherVin, clearedBy = new[] { "7E8" } }, Ct)).StatusCode);

        Assert.Equal("dead", (await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid())).GetProperty("state").GetString());
        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("failed", clearing.GetProperty("status").GetString());
        Assert.Equal(OtherVin, clearing.GetProperty("vin").GetString());
        Assert.Contains($"reporting VIN {OtherVin}, not {Vin}", clearing.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_agent_polling_Then_clearing_fails_after_the_pickup_time_and_is_not_handed_out_later()
    {
        var shop = await AgentShopAsync();
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var watch = Stopwatch.StartNew();
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);

        var job = await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid());

        Assert.Equal("dead", job.GetProperty("state").GetString());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(5), $"failed after {watch.Elapsed}");
        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Equal("failed", clearing.GetProperty("status").GetString());
        Assert.Contains("did not pick up the code clearing within 5 s", clearing.GetProperty("error").GetString()!, StringComparison.Ordinal);
        using var agent = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0&accepts=clear-codes", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_clearing_and_scan_waiting_Then_the_clearing_goes_first_and_an_unfinished_one_fails_on_the_next_poll()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var vehicleId = await VehicleAsync(shop.Client, Vin);
        var scanId = await StartScanAsync(shop);
        var accepted = await StartClearingAsync(shop.Client, vehicleId, shop.AdapterId);
        // Both wait for the agent once their jobs run (status running): only then is either on offer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString() != "running"
            || (await ClearingsAsync(shop.Client, vehicleId))[0].GetProperty("status").GetString() != "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "the scan and the clearing did not both start waiting for the agent");
            await Task.Delay(50, Ct);
        }

        var first = await ClaimClearingAsync(agent);
        Assert.Equal("clear-codes", first.GetProperty("kind").GetString());
        // Asking again means the agent has nothing running: the clearing it left is failed, saying the codes may be gone.
        var second = await ClaimClearingAsync(agent);
        Assert.Equal("scan", second.GetProperty("kind").GetString());
        Assert.Equal(scanId, second.GetProperty("scanId").GetGuid());

        Assert.Equal("dead", (await AwaitJobAsync(shop.Client, accepted.GetProperty("jobId").GetGuid())).GetProperty("state").GetString());
        var clearing = Assert.Single(await ClearingsAsync(shop.Client, vehicleId));
        Assert.Contains("may or may not have been cleared", clearing.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }
}

/// <summary>Scans may run 5 s; agents have a minute to take them; one job runs at a time.</summary>
public sealed class AgentRunLimitApp : Infrastructure.PitlaneApp
{
    public override Pitlane.Platform.DatabaseProvider Provider => Pitlane.Platform.DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Diagnostics:ScanTimeoutSeconds", "5");
        Set("Pitlane:Diagnostics:AgentPickupSeconds", "60");
        Set("Pitlane:Jobs:Concurrency", "1");
        return base.InitializeAsync();
    }
}

/// <summary>
/// An agent scan's time limit counts from when the agent took it, not from when it was queued; and while it waits for its
/// agent it does not hold a job slot.
/// </summary>
public sealed class AgentRunLimitTests(AgentRunLimitApp app) : DiagnosticsTestBase(app), IClassFixture<AgentRunLimitApp>
{
    [Fact]
    public async Task Given_one_job_slot_and_scans_waiting_for_an_offline_agent_Then_a_direct_scan_still_runs_at_once()
    {
        await using var sim = await SimulatorAsync("misfire");
        var shop = await ShopAsync(sim, "Slots");
        var created = await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Offline Pi" }, Ct);
        var agentId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var adapter = await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Remote bay", uri = $"agent://{agentId}" }, Ct);
        var agentAdapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var waiting = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var started = await shop.Client.PostAsJsonAsync("/api/v1/scans", new { vin = Vin, adapterId = agentAdapterId }, Ct);
            waiting.Add((await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        foreach (var id in waiting)
        {
            while ((await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{id}", Ct)).GetProperty("status").GetString() != "running")
            {
                Assert.True(DateTime.UtcNow < deadline, "the agent scans did not both start waiting (a slot is held)");
                await Task.Delay(50, Ct);
            }
        }

        var watch = Stopwatch.StartNew();
        var direct = await ScanAsync(shop.Client, new { vin = Vin, adapterId = shop.AdapterId });
        Assert.Equal("completed", direct.GetProperty("status").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the direct scan took {watch.Elapsed} behind the waiting agent scans");
        foreach (var id in waiting)
        {
            Assert.Equal("running", (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{id}", Ct)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Given_agent_scan_Then_waiting_for_pickup_does_not_count_but_running_past_the_limit_fails_it()
    {
        var (client, _) = await App.NewUserAsync("Limits");
        var created = await client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Slow Pi" }, Ct);
        var agentBody = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Slow bay", uri = $"agent://{agentBody.GetProperty("id").GetGuid()}" }, Ct);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        using var agent = App.CreateClient();
        agent.DefaultRequestHeaders.Add("X-Agent-Key", agentBody.GetProperty("key").GetString());
        var started = await client.PostAsJsonAsync("/api/v1/scans", new { vin = Vin, adapterId }, Ct);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        // Longer than the 5 s limit in the queue, waiting for the agent: still running.
        await Task.Delay(TimeSpan.FromSeconds(6.5), Ct);
        Assert.Equal("running", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString());

        var work = await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=5", Ct);
        Assert.Equal(scanId, (await work.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        var claimed = Stopwatch.StartNew();
        JsonElement scan;
        while (true)
        {
            // Heartbeats keep the agent from counting as silent; only the limit can end the scan.
            await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "readiness", percent = 55 }, Ct);
            scan = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
            if (scan.GetProperty("status").GetString() != "running") break;
            Assert.True(claimed.Elapsed < TimeSpan.FromSeconds(30), "the scan outlived its limit");
            await Task.Delay(500, Ct);
        }
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("did not finish the scan within 5 s of taking it", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.True(claimed.Elapsed >= TimeSpan.FromSeconds(4.5), $"failed {claimed.Elapsed} after the claim");
    }
}
