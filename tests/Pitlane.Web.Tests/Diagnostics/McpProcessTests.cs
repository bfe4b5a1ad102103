using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Diagnostics;

/// <summary>
/// `pitlane mcp` (stdio, newline-delimited JSON-RPC 2.0) against the real app on a real socket: the API tools see what the
/// signed-in person's organisation has, and nothing of another organisation.
/// </summary>
public sealed class McpProcessTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RequireCli() => CliExecutable.Require();

    private async Task<(HttpClient Api, string Token)> PersonAsync(string name)
    {
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var email = $"{name}-{Guid.NewGuid():N}@example.test";
        const string password = "Correct-horse-9";
        (await api.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = name }, Ct)).EnsureSuccessStatusCode();
        var tokens = await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email, password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var token = tokens.GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (api, token);
    }

    private sealed class McpSession : IAsyncDisposable
    {
        private readonly Process _process;
        private int _id;

        public McpSession(string cli, string server, string token)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])[cli, "mcp", "--server", server]) start.ArgumentList.Add(a);
            start.Environment["PITLANE_TOKEN"] = token;
            _process = Process.Start(start)!;
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
        }

        public async Task<JsonNode> RequestAsync(string method, JsonObject parameters)
        {
            var id = ++_id;
            await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("pitlane mcp closed its output");
                var message = JsonNode.Parse(line)!;
                if (message["id"]?.GetValue<int>() == id)
                {
                    return message["result"] ?? throw new InvalidOperationException($"MCP error: {message["error"]}");
                }
            }
        }

        public async Task SendAsync(JsonObject message)
        {
            await _process.StandardInput.WriteLineAsync(message.ToJsonString());
            await _process.StandardInput.FlushAsync(Ct);
        }

        public async Task<(bool IsError, string Text)> CallAsync(string tool, JsonObject arguments)
        {
            var result = await RequestAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments });
            var text = string.Join("\n", result["content"]!.AsArray().Select(c => c!["text"]?.GetValue<string>()));
            return (result["isError"]?.GetValue<bool>() == true, text);
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }

    private static async Task<McpSession> StartAsync(string cli, string server, string token)
    {
        var session = new McpSession(cli, server, token);
        var initialized = await session.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "pitlane-tests", ["version"] = "1.0" },
        });
        Assert.NotNull(initialized["serverInfo"]);
        await session.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" });
        return session;
    }

    [Fact]
    public async Task Given_a_scanned_vehicle_When_an_MCP_client_asks_Then_it_finds_the_vehicle_and_its_latest_scan_and_a_stranger_does_not()
    {
        var cli = RequireCli();
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7 });
        await sim.StartAsync(Ct);
        var (owner, token) = await PersonAsync("mcp-owner");
        var adapter = await owner.PostAsJsonAsync("/api/v1/diagnostics/adapters", new { name = "Bay", uri = $"tcp://127.0.0.1:{sim.Port}" }, Ct);
        var adapterId = (await adapter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var started = await owner.PostAsJsonAsync("/api/v1/scans", new { vin = SimulatorOptions.DefaultVin, adapterId }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scanId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        JsonElement scan;
        do
        {
            await Task.Delay(100, Ct);
            scan = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{scanId}", Ct);
        }
        while (scan.GetProperty("status").GetString() is "queued" or "running");
        var vehicleId = scan.GetProperty("vehicleId").GetGuid();

        await using (var mcp = await StartAsync(cli, app.BaseUrl, token))
        {
            var found = await mcp.CallAsync("lookup_vehicle", new JsonObject { ["query"] = SimulatorOptions.DefaultVin });
            Assert.False(found.IsError, found.Text);
            Assert.Contains(vehicleId.ToString(), found.Text, StringComparison.OrdinalIgnoreCase);
            var latest = await mcp.CallAsync("get_latest_scan", new JsonObject { ["vehicleId"] = vehicleId.ToString() });
            Assert.False(latest.IsError, latest.Text);
            Assert.Contains("P0300", latest.Text, StringComparison.Ordinal);
            Assert.Contains(scanId.ToString(), latest.Text, StringComparison.OrdinalIgnoreCase);
            var dtc = await mcp.CallAsync("explain_dtc", new JsonObject { ["code"] = "P0300" });
            Assert.Contains("Misfire", dtc.Text, StringComparison.OrdinalIgnoreCase);
        }

        var (_, strangerToken) = await PersonAsync("mcp-stranger");
        await using (var mcp = await StartAsync(cli, app.BaseUrl, strangerToken))
        {
            var found = await mcp.CallAsync("lookup_vehicle", new JsonObject { ["query"] = SimulatorOptions.DefaultVin });
            Assert.DoesNotContain(vehicleId.ToString(), found.Text, StringComparison.OrdinalIgnoreCase);
            var latest = await mcp.CallAsync("get_latest_scan", new JsonObject { ["vehicleId"] = vehicleId.ToString() });
            Assert.True(latest.IsError, latest.Text);
            Assert.DoesNotContain("P0300", latest.Text, StringComparison.Ordinal);
        }
    }
}
