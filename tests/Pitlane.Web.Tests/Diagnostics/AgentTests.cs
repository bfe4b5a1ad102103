using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pitlane.Diagnostics;
using Pitlane.Obd.Dtc;
using Pitlane.Obd.J1979;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>Scan agents: their keys, the agent protocol and agent scans through the scan job, on SQLite and PostgreSQL.</summary>
public abstract partial class AgentTests(PitlaneApp app) : DiagnosticsTestBase(app)
{
    /// <summary>A shop with one scan agent and an agent:// adapter for it.</summary>
    protected sealed record AgentShop(HttpClient Client, Guid AgentId, string Key, Guid AdapterId);

    protected async Task<AgentShop> AgentShopAsync(string name = "Agents")
    {
        RequireServer();
        var (client, _) = await App.NewUserAsync(name);
        var (agentId, key) = await CreateAgentAsync(client, "Pi in bay 2");
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Bay 2 agent", uri = $"agent://{agentId}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, adapter.StatusCode);
        var body = await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("agent", body.GetProperty("kind").GetString());
        return new AgentShop(client, agentId, key, body.GetProperty("id").GetGuid());
    }

    private static async Task<(Guid Id, string Key)> CreateAgentAsync(HttpClient client, string name)
    {
        var created = await client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("key").GetString()!);
    }

    /// <param name="instance">The agent process's X-Agent-Instance; none, as agents before it sent none.</param>
    protected HttpClient AgentClient(string key, string? instance = null)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Agent-Key", key);
        if (instance is not null)
        {
            client.DefaultRequestHeaders.Add("X-Agent-Instance", instance);
        }
        return client;
    }

    protected static async Task<Guid> StartScanAsync(AgentShop shop)
    {
        var started = await shop.Client.PostAsJsonAsync("/api/v1/scans", new { vin = Vin, adapterId = shop.AdapterId }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>Long-polls until the agent gets a scan.</summary>
    protected static async Task<Guid> ClaimAsync(HttpClient agent)
    {
        var work = await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=15", Ct);
        Assert.Equal(HttpStatusCode.OK, work.StatusCode);
        return (await work.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("scanId").GetGuid();
    }

    protected static ScanDocument Document(string code = "P0300") => new(
        "ELM327 v1.5 at tcp://127.0.0.1:35000", "ELM327 v1.5", "ISO 15765-4 (CAN 11/500)", Vin, "12.6V", true,
        [new ScanDocument.Ecu("7E8", "Engine")],
        [new ScanDocument.Dtc(code, "7E8", DtcKind.Stored, "Random/multiple cylinder misfire detected", DtcSeverity.High, "Ignition", false)],
        [new ScanDocument.Readiness("7E8", true, 1, IgnitionType.Spark, [new ScanDocument.Monitor("Misfire", true, true)])],
        [new ScanDocument.Frame("7E8", 0, code, [new ScanDocument.Value("7E8", "0C", "Engine speed", 812, "rpm", 0, 16383.75)])],
        [new ScanDocument.Value("7E8", "05", "Coolant temperature", 88, "°C", -40, 215)],
        9, 1800, []);

    protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    protected static StringContent Json(ScanDocument document) => Json(JsonSerializer.Serialize(document, ScanDocument.Json));

    [Fact]
    public async Task Given_new_agent_Then_key_is_shown_once_and_the_list_shows_it_online_after_a_poll()
    {
        var shop = await AgentShopAsync();

        var listed = await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct);
        var agent = Assert.Single(listed.EnumerateArray());
        Assert.Equal(shop.AgentId, agent.GetProperty("id").GetGuid());
        Assert.Equal("Pi in bay 2", agent.GetProperty("name").GetString());
        Assert.False(agent.TryGetProperty("key", out _));
        Assert.DoesNotContain(shop.Key, listed.GetRawText(), StringComparison.Ordinal);
        Assert.False(agent.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, agent.GetProperty("lastSeenAt").ValueKind);

        using var client = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);

        agent = (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct))[0];
        Assert.True(agent.GetProperty("online").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, agent.GetProperty("lastSeenAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, agent.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Given_missing_or_wrong_key_Then_401_problem()
    {
        var shop = await AgentShopAsync();
        using var anonymous = App.CreateClient();
        await ProblemAsync(await anonymous.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
        using var wrong = AgentClient(shop.Key[..^2] + (shop.Key.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA"));
        await ProblemAsync(await wrong.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
        await ProblemAsync(await wrong.PostAsync($"/api/v1/diagnostics/agent/scans/{Guid.NewGuid()}/result", Json(Document()), Ct), HttpStatusCode.Unauthorized);
        using var huge = AgentClient(new string('k', 5000));
        await ProblemAsync(await huge.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
        // Without a key the body is never read: a malformed one is still a 401, not a 400 about its contents.
        foreach (var path in new[] { "scans", "clearings" })
        {
            await ProblemAsync(await anonymous.PostAsync($"/api/v1/diagnostics/agent/{path}/{Guid.NewGuid()}/progress", Json("{not json"), Ct), HttpStatusCode.Unauthorized);
            await ProblemAsync(await wrong.PostAsync($"/api/v1/diagnostics/agent/{path}/{Guid.NewGuid()}/failure", Json("[]"), Ct), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Given_revoked_agent_Then_its_key_is_refused()
    {
        var shop = await AgentShopAsync();
        using var client = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await shop.Client.DeleteAsync($"/api/v1/diagnostics/agents/{shop.AgentId}", Ct)).StatusCode);

        await ProblemAsync(await client.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct), HttpStatusCode.Unauthorized);
        var agent = (await shop.Client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct))[0];
        Assert.NotEqual(JsonValueKind.Null, agent.GetProperty("revokedAt").ValueKind);
        Assert.False(agent.GetProperty("online").GetBoolean());
        // A revoked agent cannot be given new adapters.
        var adapter = await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Again", uri = $"agent://{shop.AgentId}" }, Ct);
        await ProblemAsync(adapter, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Given_agent_revoked_during_a_long_poll_Then_the_poll_ends_401_within_seconds()
    {
        var shop = await AgentShopAsync();
        using var client = AgentClient(shop.Key);
        var watch = Stopwatch.StartNew();
        var poll = client.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=30", Ct);
        await Task.Delay(300, Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Client.DeleteAsync($"/api/v1/diagnostics/agents/{shop.AgentId}", Ct)).StatusCode);
        await ProblemAsync(await poll, HttpStatusCode.Unauthorized);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the poll took {watch.Elapsed}");
    }

    [Fact]
    public async Task Given_another_organisations_agent_Then_404_and_not_listed()
    {
        var shop = await AgentShopAsync();
        var (stranger, _) = await App.NewUserAsync();

        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/diagnostics/agents/{shop.AgentId}", Ct), HttpStatusCode.NotFound);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct)).EnumerateArray());
        // Nor can the stranger point an adapter of their own at it.
        var adapter = await stranger.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Theirs", uri = $"agent://{shop.AgentId}" }, Ct);
        await ProblemAsync(adapter, HttpStatusCode.BadRequest);
        // Still active for its owner.
        using var client = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_bad_requests_Then_400_problems_naming_the_field()
    {
        var shop = await AgentShopAsync();
        var problem = await ProblemAsync(await shop.Client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "" }, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        using var client = AgentClient(shop.Key);
        foreach (var wait in (string[])["31", "-1", "soon"])
        {
            problem = await ProblemAsync(await client.GetAsync($"/api/v1/diagnostics/agent/work?waitSeconds={wait}", Ct), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("waitSeconds", out _));
        }
        foreach (var path in (string[])["progress", "failure"])
        {
            await ProblemAsync(await client.PostAsync($"/api/v1/diagnostics/agent/scans/{Guid.NewGuid()}/{path}", Json("{not json"), Ct), HttpStatusCode.BadRequest);
        }
        problem = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{Guid.NewGuid()}/failure", new { error = " " }, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Given_one_scan_and_two_concurrent_long_polls_Then_exactly_one_gets_it()
    {
        var shop = await AgentShopAsync();
        using var first = AgentClient(shop.Key);
        using var second = AgentClient(shop.Key);
        var polls = new[] { first, second }.Select(c => c.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=3", Ct)).ToList();
        await Task.Delay(200, Ct);
        var scanId = await StartScanAsync(shop);

        var responses = await Task.WhenAll(polls);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        var work = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(scanId, work.GetProperty("scanId").GetGuid());
        Assert.Equal(Vin, work.GetProperty("expectedVin").GetString());
        // Nothing left for anyone.
        Assert.Equal(HttpStatusCode.NoContent, (await first.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_claimed_scan_When_progress_then_result_uploaded_Then_scan_completes_with_its_codes()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));

        var progress = await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "trouble codes", percent = 35 }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, progress.StatusCode);
        var scan = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
        Assert.Equal("running", scan.GetProperty("status").GetString());
        Assert.Equal("trouble codes", scan.GetProperty("stage").GetString());
        Assert.Equal(35, scan.GetProperty("progress").GetInt32());
        var bad = await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "rm -rf", percent = 140 }, Ct);
        var problem = await ProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("stage", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("percent", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document()), Ct)).StatusCode);
        scan = await AwaitScanAsync(shop.Client, scanId);

        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Equal(["P0300"], Codes(scan));
        Assert.Equal(Vin, scan.GetProperty("vin").GetString());
        Assert.False(scan.GetProperty("vinMismatch").GetBoolean());
        // The scan is over: the agent can neither report on it nor upload again.
        await ProblemAsync(await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "readiness", percent = 55 }, Ct), HttpStatusCode.Conflict);
        await ProblemAsync(await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document("P0171")), Ct), HttpStatusCode.Conflict);
        Assert.Equal(["P0300"], Codes(await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)));
    }

    [Fact]
    public async Task Given_hostile_uploads_Then_400_and_nothing_stored()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));
        var valid = JsonSerializer.SerializeToNode(Document(), ScanDocument.Json)!.AsObject();
        string With(string property, string json)
        {
            var copy = valid.DeepClone().AsObject();
            copy[property] = System.Text.Json.Nodes.JsonNode.Parse(json);
            return copy.ToJsonString();
        }
        // Small entries, so the list gets past the host's 1 MiB body limit and is refused by the check itself.
        var tenThousand = "[" + string.Join(",", Enumerable.Repeat("""{"code":"P0300","ecu":"7E8"}""", 10_000)) + "]";
        var hostile = new (string Body, string? Field)[]
        {
            (With("dtcs", """[{"code":"'; DROP TABLE diag_scans;--","ecu":"7E8","kind":"stored","description":"x","severity":"high","system":"x","manufacturerSpecific":false}]"""), "dtcs[0].code"),
            (With("dtcs", """[{"code":"X0300","ecu":"7E8","kind":"stored","description":"x","severity":"high","system":"x","manufacturerSpecific":false}]"""), "dtcs[0].code"),
            (With("snapshot", """[{"ecu":"7E8","pid":"0C","name":"rpm","reading":"NaN","unit":"rpm","min":0,"max":1}]"""), null),
            (With("snapshot", """[{"ecu":"7E8","pid":"0C","name":"rpm","reading":1e400,"unit":"rpm","min":0,"max":1}]"""), null),
            (With("snapshot", """[{"ecu":"7E8","pid":"ZZ","name":"rpm","reading":1,"unit":"rpm","min":0,"max":1}]"""), "snapshot[0]"),
            (With("dtcs", tenThousand), "dtcs"),
            (With("dtcs", "null"), "dtcs"),
            (With("dtcs", "[null]"), "dtcs[0].code"),
            (With("vin", "\"1HGCM82633A00435\\u0000\""), "vin"),
            (With("requestCount", "-5"), "requestCount"),
            (With("dtcs", """[{"code":"P0300","ecu":"7E8","kind":"exploded","description":"x","severity":"high","system":"x","manufacturerSpecific":false}]"""), null),
            ("this is not JSON", null),
            ("", null),
            ("null", null),
            ("[]", null),
        };
        foreach (var (body, field) in hostile)
        {
            var response = await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(body), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} for {body[..Math.Min(body.Length, 200)]} ({body.Length} chars)");
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            if (field is not null)
            {
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
            }
        }
        var tooLarge = await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(With("warnings", $"[\"{new string('w', 2 * 1024 * 1024)}\"]")), Ct);
        await ProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);

        var scan = await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
        Assert.Equal("running", scan.GetProperty("status").GetString());
        Assert.Empty(Codes(scan));
        // Nothing was stored: the one upload a scan takes is still open, and it is what the scan shows.
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document()), Ct)).StatusCode);
        Assert.Equal(["P0300"], Codes(await AwaitScanAsync(shop.Client, scanId)));
    }

    [Fact]
    public async Task Given_progress_or_upload_from_another_agent_Then_404()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var (_, otherKey) = await CreateAgentAsync(shop.Client, "Laptop");
        using var other = AgentClient(otherKey);
        var (stranger, _) = await App.NewUserAsync();
        var (_, strangerKey) = await CreateAgentAsync(stranger, "Theirs");
        using var strangers = AgentClient(strangerKey);
        var scanId = await StartScanAsync(shop);

        // Not yet claimed: not even its own agent may report on it.
        await ProblemAsync(await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "connect", percent = 5 }, Ct), HttpStatusCode.NotFound);
        // Another agent's polls never see it.
        Assert.Equal(HttpStatusCode.NoContent, (await other.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=1", Ct)).StatusCode);
        Assert.Equal(scanId, await ClaimAsync(agent));
        foreach (var intruder in new[] { other, strangers })
        {
            await ProblemAsync(await intruder.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "identify", percent = 15 }, Ct), HttpStatusCode.NotFound);
            await ProblemAsync(await intruder.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document("P0171")), Ct), HttpStatusCode.NotFound);
            await ProblemAsync(await intruder.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/failure", new { error = "no" }, Ct), HttpStatusCode.NotFound);
        }
        await ProblemAsync(await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{Guid.NewGuid()}/progress", new { stage = "identify", percent = 15 }, Ct), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document()), Ct)).StatusCode);
        Assert.Equal(["P0300"], Codes(await AwaitScanAsync(shop.Client, scanId)));
    }

    [Fact]
    public async Task Given_agent_reports_failure_Then_scan_fails_with_its_message()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));

        var failed = await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/failure", new { error = "NO DATA: is the ignition on?" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);

        var scan = await AwaitScanAsync(shop.Client, scanId);
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Equal("NO DATA: is the ignition on?", scan.GetProperty("error").GetString());
        await ProblemAsync(await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document()), Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_no_agent_polling_Then_scan_fails_after_the_pickup_time_saying_so()
    {
        var shop = await AgentShopAsync();
        var scanId = await StartScanAsync(shop);

        var scan = await AwaitScanAsync(shop.Client, scanId);

        Assert.Equal("failed", scan.GetProperty("status").GetString());
        var error = scan.GetProperty("error").GetString()!;
        Assert.Contains("'Pi in bay 2' did not pick up the scan within 5 s", error, StringComparison.Ordinal);
        Assert.Contains("pitlane agent", error, StringComparison.Ordinal);
        // Too late now: the failed scan is not handed out.
        using var agent = AgentClient(shop.Key);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_agent_asks_for_work_with_a_scan_unfinished_Then_that_scan_fails_as_abandoned()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);

        var scan = await AwaitScanAsync(shop.Client, scanId);
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("without finishing this scan", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_agent_revoked_mid_scan_Then_scan_fails_at_once()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));

        Assert.Equal(HttpStatusCode.NoContent, (await shop.Client.DeleteAsync($"/api/v1/diagnostics/agents/{shop.AgentId}", Ct)).StatusCode);

        var watch = Stopwatch.StartNew();
        var scan = await AwaitScanAsync(shop.Client, scanId);
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("was revoked", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        await ProblemAsync(await agent.PostAsync($"/api/v1/diagnostics/agent/scans/{scanId}/result", Json(Document()), Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Given_agent_silent_after_claiming_Then_scan_fails_after_30_s_even_while_another_process_with_its_key_polls()
    {
        var shop = await AgentShopAsync();
        using var agent = AgentClient(shop.Key);
        using var sibling = AgentClient(shop.Key, "second-process");
        var scanId = await StartScanAsync(shop);
        Assert.Equal(scanId, await ClaimAsync(agent));
        // The other process keeps asking for work all along: that is no sign of life of this scan, nor does it abandon it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var polls = 0;
        var polling = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await sibling.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=2", stop.Token);
                    Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                    polls++;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Done watching.
            }
        }, CancellationToken.None);
        // A heartbeat keeps it alive past the first half of the limit...
        await Task.Delay(TimeSpan.FromSeconds(20), Ct);
        Assert.Equal(HttpStatusCode.NoContent,
            (await agent.PostAsJsonAsync($"/api/v1/diagnostics/agent/scans/{scanId}/progress", new { stage = "connect", percent = 5 }, Ct)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal("running", (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct)).GetProperty("status").GetString());

        // ...then nothing more from this scan's process.
        var scan = await AwaitScanAsync(shop.Client, scanId);
        await stop.CancelAsync();
        await polling;
        Assert.True(polls >= 10, $"the other process polled only {polls} times");
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        Assert.Contains("went silent", scan.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_two_agent_processes_with_one_key_Then_each_runs_its_scan_and_only_its_own_unfinished_one_is_abandoned()
    {
        var shop = await AgentShopAsync();
        using var first = AgentClient(shop.Key, "process-a");
        using var second = AgentClient(shop.Key, "process-b");
        var one = await StartScanAsync(shop);
        Assert.Equal(one, await ClaimAsync(first));
        var two = await StartScanAsync(shop);
        Assert.Equal(two, await ClaimAsync(second));
        Assert.Equal("running", (await shop.Client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{one}", Ct)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync($"/api/v1/diagnostics/agent/scans/{one}/result", Json(Document()), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await second.PostAsync($"/api/v1/diagnostics/agent/scans/{two}/result", Json(Document("P0171")), Ct)).StatusCode);
        Assert.Equal(["P0300"], Codes(await AwaitScanAsync(shop.Client, one)));
        Assert.Equal(["P0171"], Codes(await AwaitScanAsync(shop.Client, two)));

        // A process that asks for work with its own scan unfinished restarted: that one is failed, as before.
        var three = await StartScanAsync(shop);
        Assert.Equal(three, await ClaimAsync(first));
        Assert.Equal(HttpStatusCode.NoContent, (await first.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=0", Ct)).StatusCode);
        Assert.Contains("without finishing this scan", (await AwaitScanAsync(shop.Client, three)).GetProperty("error").GetString()!, StringComparison.Ordinal);
    }
}

/// <summary>An app whose scans wait only 5 s for their agent, so the pickup timeout is testable.</summary>
public sealed class AgentSqliteApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        Set("Pitlane:Diagnostics:AgentPickupSeconds", "5");
        return base.InitializeAsync();
    }
}

/// <inheritdoc cref="AgentSqliteApp"/>
public sealed class AgentPostgresApp(PostgresServer server) : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Diagnostics:AgentPickupSeconds", "5");
        // The distributed profile allows adapters no network by default; the tests' simulators listen on loopback.
        Set("Pitlane:Diagnostics:AllowedAdapterNetworks", "loopback");
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }
}

public sealed class AgentTestsOnSqlite(AgentSqliteApp app) : AgentTests(app), IClassFixture<AgentSqliteApp>;

public sealed class AgentTestsOnPostgres(AgentPostgresApp app) : AgentTests(app), IClassFixture<AgentPostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}

/// <summary>
/// The real `pitlane agent` process against the app on a real socket and the vehicle simulator: a scan started over the
/// API is run by the agent and completes. The CLI is built as a project reference (not referenced as an assembly); the
/// test is skipped with a reason when its output is missing, except in CI.
/// </summary>
public sealed class AgentProcessTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RequireCli() => CliExecutable.Require();

    [Fact]
    public async Task Given_pitlane_agent_next_to_a_misfiring_car_When_a_scan_is_started_Then_it_completes_with_P0300_codes_clear_through_it_and_revoking_stops_the_agent()
    {
        var cli = RequireCli();
        await using var sim = new Pitlane.Obd.Simulator.ElmSimulatorServer(new Pitlane.Obd.Simulator.SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7 });
        await sim.StartAsync(Ct);
        using var client = await NewUserClientAsync();
        var created = await client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Pi" }, Ct);
        var agent = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var agentId = agent.GetProperty("id").GetGuid();
        var adapter = await client.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Remote bay", uri = $"agent://{agentId}" }, Ct);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var keyFile = Path.Combine(app.DataDirectory, "agent.key");
        await File.WriteAllTextAsync(keyFile, agent.GetProperty("key").GetString() + "\n", Ct);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[cli, "agent", "--server", app.BaseUrl, "--adapter", $"tcp://127.0.0.1:{sim.Port}", "--key-file", keyFile])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment.Remove("PITLANE_AGENT_KEY");
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        try
        {
            var started = await client.PostAsJsonAsync("/api/v1/scans", new { vin = Pitlane.Obd.Simulator.SimulatorOptions.DefaultVin, adapterId }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            JsonElement scan;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                scan = await client.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
                if (scan.GetProperty("status").GetString() is "completed" or "failed") break;
                Assert.True(DateTime.UtcNow < deadline, $"scan still {scan.GetProperty("status")}; agent said: {stderr}");
                await Task.Delay(200, Ct);
            }

            Assert.True(scan.GetProperty("status").GetString() == "completed", $"{scan}; agent said: {stderr}");
            Assert.Contains("P0300", scan.GetProperty("dtcs").EnumerateArray().Select(d => d.GetProperty("code").GetString()));
            Assert.Equal(Pitlane.Obd.Simulator.SimulatorOptions.DefaultVin, scan.GetProperty("vin").GetString());
            Assert.True(scan.GetProperty("milOn").GetBoolean());
            Assert.NotEmpty(scan.GetProperty("snapshot").EnumerateArray());
            var listed = (await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct))[0];
            Assert.True(listed.GetProperty("online").GetBoolean());

            // The technician clears the codes through the same agent: it checks the VIN next to the car, then clears.
            var vehicleId = scan.GetProperty("vehicleId").GetGuid();
            var clear = await client.PostAsJsonAsync($"/api/v1/vehicles/{vehicleId}/clear-codes", new { adapterId, confirm = true }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, clear.StatusCode);
            var clearJobId = (await clear.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("jobId").GetGuid();
            JsonElement job;
            while (true)
            {
                job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{clearJobId}", Ct);
                if (job.GetProperty("state").GetString() is "succeeded" or "dead" or "cancelled") break;
                Assert.True(DateTime.UtcNow < deadline.AddSeconds(60), $"clearing still {job.GetProperty("state")}; agent said: {stderr}");
                await Task.Delay(200, Ct);
            }
            Assert.True(job.GetProperty("state").GetString() == "succeeded", $"{job}; agent said: {stderr}");
            Assert.Contains("7E8", job.GetProperty("result").GetProperty("clearedBy").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(sim.Vehicle.Dtcs(Pitlane.Obd.Simulator.EcuRole.Engine, Pitlane.Obd.Simulator.DtcKind.Stored));
            var clearing = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles/{vehicleId}/code-clearings", Ct))[0];
            Assert.Equal("completed", clearing.GetProperty("status").GetString());
            Assert.True(clearing.GetProperty("throughAgent").GetBoolean());

            // Revoked: the agent's waiting poll is refused and it exits with the reason.
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/diagnostics/agents/{agentId}", Ct)).StatusCode);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(limit.Token);
            Assert.Equal(1, process.ExitCode);
            var log = stderr.ToString();
            Assert.Contains($"scan {scanId}: completed", log, StringComparison.Ordinal);
            Assert.Contains("P0300", log, StringComparison.Ordinal);
            Assert.Contains($"codes cleared on VIN {Pitlane.Obd.Simulator.SimulatorOptions.DefaultVin}", log, StringComparison.Ordinal);
            Assert.Contains("refused the agent key (wrong or revoked)", log, StringComparison.Ordinal);
            Assert.DoesNotContain(agent.GetProperty("key").GetString()!, log + await stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Given_pitlane_agent_waiting_When_interrupted_Then_it_stops_cleanly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Sends SIGINT with kill(1).");
        var cli = RequireCli();
        using var client = await NewUserClientAsync();
        var created = await (await client.PostAsJsonAsync("/api/v1/diagnostics/agents", new { name = "Pi" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[cli, "agent", "--server", app.BaseUrl, "--adapter", "tcp://127.0.0.1:35000"])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["PITLANE_AGENT_KEY"] = created.GetProperty("key").GetString();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        try
        {
            // Online means its long poll reached the server.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await client.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/agents", Ct))[0].GetProperty("online").GetBoolean())
            {
                Assert.True(DateTime.UtcNow < deadline, "the agent never polled");
                await Task.Delay(200, Ct);
            }
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(Ct);
            }
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(limit.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("pitlane agent: stopped", await process.StandardError.ReadToEndAsync(Ct), StringComparison.Ordinal);
            await stdout;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A new person signed in over the real socket (this fixture's server is Kestrel, not the in-memory test server).</summary>
    private async Task<HttpClient> NewUserClientAsync()
    {
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var email = $"remote-{Guid.NewGuid():N}@example.test";
        const string password = "Correct-horse-9";
        (await api.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = "Remote" }, Ct)).EnsureSuccessStatusCode();
        var tokens = await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email, password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return api;
    }

    [Fact]
    public async Task Given_no_key_or_a_wrong_key_Then_pitlane_agent_exits_with_a_clear_message()
    {
        var cli = RequireCli();
        var noKey = await RunAsync(cli, null, "agent", "--server", app.BaseUrl, "--adapter", "tcp://127.0.0.1:35000");
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("PITLANE_AGENT_KEY", noKey.StdErr, StringComparison.Ordinal);

        var wrong = await RunAsync(cli, "not-a-key", "agent", "--server", app.BaseUrl, "--adapter", "tcp://127.0.0.1:35000");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("refused the agent key", wrong.StdErr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string StdErr)> RunAsync(string cli, string? key, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("PITLANE_AGENT_KEY");
        if (key is not null) start.Environment["PITLANE_AGENT_KEY"] = key;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
