using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Pitlane.Cli.Tests;

/// <summary>
/// <c>pitlane mcp</c> as an MCP client sees it: the real executable started over stdio by the SDK's
/// client transport, the API tools against <see cref="FakePitlaneApi"/>.
/// </summary>
public sealed class McpServerTests
{
    private static string? FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in (string[])["Debug", "Release"])
            {
                var path = Path.Combine(dir.FullName, "src", "Pitlane.Cli", "bin", configuration, "net10.0", "pitlane.dll");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    private static string RequireCli()
    {
        var cli = FindCli();
        if (cli is null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
                Assert.Fail("src/Pitlane.Cli has not been built (dotnet build src/Pitlane.Cli)");
            Assert.Skip("src/Pitlane.Cli has not been built; run dotnet build src/Pitlane.Cli");
        }
        return cli;
    }

    /// <summary>A running <c>pitlane mcp</c> and the stderr lines it wrote.</summary>
    private sealed class Server(McpClient client, ConcurrentQueue<string> stderr) : IAsyncDisposable
    {
        public McpClient Client { get; } = client;

        public ConcurrentQueue<string> StdErr { get; } = stderr;

        public async Task<CallToolResult> CallAsync(string tool, string argument, string value) =>
            await Client.CallToolAsync(tool, new Dictionary<string, object?> { [argument] = value }, cancellationToken: TestContext.Current.CancellationToken);

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    private static async Task<Server> StartAsync(string[] arguments, Dictionary<string, string?>? environment = null)
    {
        var cli = RequireCli();
        var stderr = new ConcurrentQueue<string>();
        var options = new StdioClientTransportOptions
        {
            Name = "pitlane",
            Command = "dotnet",
            Arguments = [cli, "mcp", .. arguments],
            StandardErrorLines = stderr.Enqueue,
            // The developer's own settings must not leak into the server under test.
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["PITLANE_SERVER"] = null,
                ["PITLANE_TOKEN"] = null,
                ["PITLANE_PASSWORD"] = null,
            },
        };
        foreach (var (key, value) in environment ?? []) options.EnvironmentVariables[key] = value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var client = await McpClient.CreateAsync(new StdioClientTransport(options), cancellationToken: limit.Token);
        return new Server(client, stderr);
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static JsonElement Json(CallToolResult result) =>
        JsonDocument.Parse(result.Content.OfType<TextContentBlock>().Last().Text).RootElement;

    [Fact]
    public async Task Lists_the_shared_catalog_tools_with_their_string_arguments()
    {
        await using var server = await StartAsync([]);
        var tools = await server.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);

        // The same tools, with the same required arguments, as the in-app assistant offers its model (Pitlane.Ai ToolCatalog).
        var expected = new Dictionary<string, (string[] All, string[] Required)>
        {
            ["decode_vin"] = (["vin"], ["vin"]),
            ["explain_dtc"] = (["code"], ["code"]),
            ["lookup_vehicle"] = (["query"], ["query"]),
            ["get_latest_scan"] = (["vehicleId"], ["vehicleId"]),
            ["get_service_history"] = (["vehicleId"], ["vehicleId"]),
            ["get_next_service"] = (["vehicleId"], ["vehicleId"]),
            ["find_fitting_parts"] = (["vehicleId", "query"], ["vehicleId"]),
            ["get_order_status"] = (["id"], []),
        };
        Assert.Equal(expected.Keys.Order(), tools.Select(t => t.Name).Order());
        foreach (var tool in tools)
        {
            var schema = tool.JsonSchema;
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
            Assert.Equal("object", schema.GetProperty("type").GetString());
            var (all, required) = expected[tool.Name];
            Assert.Equal(all, schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            foreach (var argument in all)
                Assert.Contains("string", schema.GetProperty("properties").GetProperty(argument).GetProperty("type").ToString(), StringComparison.Ordinal);
            var listed = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            Assert.Equal(required, listed);
        }
    }

    [Fact]
    public async Task Forwarded_tool_runs_on_the_server_for_the_caller_and_lists_the_records_used()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(
            ["--server", api.BaseAddress, "--organization", FakePitlaneApi.Organization.ToString()],
            new() { ["PITLANE_TOKEN"] = FakePitlaneApi.StaticToken });

        var result = await server.CallAsync("get_next_service", "vehicleId", FakePitlaneApi.Honda.ToString());

        Assert.NotEqual(true, result.IsError);
        var text = Text(result);
        Assert.Contains("Engine oil and filter: overdue", text, StringComparison.Ordinal);
        Assert.Contains($"- vehicle: 2003 Honda Accord (/Vehicles/Details/{FakePitlaneApi.Honda})", text, StringComparison.Ordinal);
        Assert.Equal([$"POST /api/v1/assistant/tools/get_next_service | {FakePitlaneApi.Organization}"], api.Requests);
        Assert.Equal($$"""{"vehicleId":"{{FakePitlaneApi.Honda}}"}""", api.LastToolBody);

        var other = await server.CallAsync("get_next_service", "vehicleId", FakePitlaneApi.NoScans.ToString());
        Assert.True(other.IsError);
        Assert.Contains("no vehicle", Text(other), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_vin_of_a_2003_Honda_is_valid_with_manufacturer_year_country_and_check_digit()
    {
        await using var server = await StartAsync([]);
        var result = await server.CallAsync("decode_vin", "vin", "1HGCM82633A004352");

        Assert.NotEqual(true, result.IsError);
        var vin = Json(result);
        Assert.True(vin.GetProperty("valid").GetBoolean());
        Assert.Empty(vin.GetProperty("faults").EnumerateArray());
        Assert.Contains("Honda", vin.GetProperty("manufacturer").GetString(), StringComparison.Ordinal);
        Assert.Equal(2003, vin.GetProperty("modelYear").GetInt32());
        Assert.Equal("United States", vin.GetProperty("country").GetString());
        Assert.Equal("3", vin.GetProperty("checkDigit").GetProperty("expected").GetString());
        Assert.True(vin.GetProperty("checkDigit").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Decode_vin_with_a_wrong_check_digit_reports_the_fault_at_position_9()
    {
        await using var server = await StartAsync([]);
        var result = await server.CallAsync("decode_vin", "vin", "1HGCM82633A004353");

        Assert.NotEqual(true, result.IsError);
        var vin = Json(result);
        Assert.False(vin.GetProperty("valid").GetBoolean());
        var fault = Assert.Single(vin.GetProperty("faults").EnumerateArray());
        Assert.Equal("check-digit", fault.GetProperty("code").GetString());
        Assert.Equal(9, fault.GetProperty("position").GetInt32());
        Assert.False(vin.GetProperty("checkDigit").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Explain_dtc_P0300_is_a_random_multiple_cylinder_misfire()
    {
        await using var server = await StartAsync([]);
        var result = await server.CallAsync("explain_dtc", "code", "p0300");

        Assert.NotEqual(true, result.IsError);
        var dtc = Json(result);
        Assert.Equal("P0300", dtc.GetProperty("code").GetString());
        Assert.Contains("Random/Multiple Cylinder Misfire", dtc.GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("high", dtc.GetProperty("severity").GetString());
        Assert.False(dtc.GetProperty("manufacturerSpecific").GetBoolean());
        Assert.False(string.IsNullOrEmpty(dtc.GetProperty("system").GetString()));
    }

    public static TheoryData<string, string, string> HostileInputs()
    {
        var huge = new string('A', 10_000);
        var data = new TheoryData<string, string, string>();
        foreach (var (tool, argument) in (ReadOnlySpan<(string, string)>)[("decode_vin", "vin"), ("explain_dtc", "code"), ("get_latest_scan", "vehicleId")])
        {
            data.Add(tool, argument, "");
            data.Add(tool, argument, huge);
            data.Add(tool, argument, "1HGCM8263３A00435２\u200B\u0000é");
        }
        data.Add("explain_dtc", "code", "P03é0");
        data.Add("explain_dtc", "code", "X9999");
        data.Add("decode_vin", "vin", "ВИН1HGCM82633A0043");
        data.Add("lookup_vehicle", "query", "");
        data.Add("lookup_vehicle", "query", huge);
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task Hostile_input_is_an_error_result_and_the_server_keeps_answering(string tool, string argument, string value)
    {
        await using var server = await StartAsync(["--server", "http://127.0.0.1:9"], new() { ["PITLANE_TOKEN"] = "unused" });
        var result = await server.CallAsync(tool, argument, value);

        Assert.True(result.IsError);
        var message = Text(result);
        Assert.InRange(message.Length, 20, 600);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal); // a message, not a stack trace
        Assert.DoesNotContain("AAAAAAAAAAAAAAAAAAAAAAAAA", message, StringComparison.Ordinal); // the input is not echoed whole

        var after = await server.CallAsync("explain_dtc", "code", "P0300");
        Assert.NotEqual(true, after.IsError);
    }

    [Fact]
    public async Task Lookup_vehicle_sends_the_token_and_organisation_and_lists_the_matches()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(
            ["--server", api.BaseAddress, "--organization", FakePitlaneApi.Organization.ToString()],
            new() { ["PITLANE_TOKEN"] = FakePitlaneApi.StaticToken });

        var result = await server.CallAsync("lookup_vehicle", "query", "Accord");

        Assert.NotEqual(true, result.IsError);
        var text = Text(result);
        Assert.Contains("2003 Honda Accord", text, StringComparison.Ordinal);
        Assert.Contains("KA-PL 2003", text, StringComparison.Ordinal);
        var page = Json(result);
        Assert.Equal(FakePitlaneApi.Honda, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(
            [$"GET /api/v1/vehicles?q=Accord&pageSize=10 | {FakePitlaneApi.Organization}"],
            api.Requests);
    }

    [Fact]
    public async Task Get_latest_scan_summarises_the_newest_scan_and_includes_its_json()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(["--server", api.BaseAddress], new() { ["PITLANE_TOKEN"] = FakePitlaneApi.StaticToken });

        var result = await server.CallAsync("get_latest_scan", "vehicleId", FakePitlaneApi.Honda.ToString());

        Assert.NotEqual(true, result.IsError);
        var text = Text(result);
        Assert.Contains("completed", text, StringComparison.Ordinal);
        Assert.Contains("MIL) on", text, StringComparison.Ordinal);
        Assert.Contains("P0300", text, StringComparison.Ordinal);
        Assert.Contains("P0171 (pending)", text, StringComparison.Ordinal);
        Assert.Equal(FakePitlaneApi.LatestScan, Json(result).GetProperty("id").GetGuid());
        Assert.Equal(
            [$"GET /api/v1/vehicles/{FakePitlaneApi.Honda}/scans?pageSize=1 | ", $"GET /api/v1/scans/{FakePitlaneApi.LatestScan} | "],
            api.Requests);
    }

    [Fact]
    public async Task Get_latest_scan_of_a_vehicle_without_scans_says_so()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(["--server", api.BaseAddress], new() { ["PITLANE_TOKEN"] = FakePitlaneApi.StaticToken });

        var result = await server.CallAsync("get_latest_scan", "vehicleId", FakePitlaneApi.NoScans.ToString());

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("no scans yet", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_problem_title_and_detail_become_the_error_message()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(["--server", api.BaseAddress], new() { ["PITLANE_TOKEN"] = FakePitlaneApi.StaticToken });

        var unknown = Guid.Parse("99999999-9999-4999-8999-999999999999");
        var result = await server.CallAsync("get_latest_scan", "vehicleId", unknown.ToString());

        Assert.True(result.IsError);
        var text = Text(result);
        Assert.Contains("404 Vehicle not found", text, StringComparison.Ordinal);
        Assert.Contains($"No vehicle {unknown} in this organisation.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_password_login_When_the_token_expires_Then_it_refreshes_once_and_retries()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(
            ["--server", api.BaseAddress, "--email", FakePitlaneApi.Email],
            new() { ["PITLANE_PASSWORD"] = FakePitlaneApi.Password });

        var first = await server.CallAsync("lookup_vehicle", "query", "Golf");
        Assert.NotEqual(true, first.IsError);
        Assert.Equal(1, api.Logins);

        api.ExpireCurrentTokenOnNextRequest();
        var second = await server.CallAsync("lookup_vehicle", "query", "Golf");

        Assert.NotEqual(true, second.IsError);
        Assert.Contains("1999 Volkswagen Golf", Text(second), StringComparison.Ordinal);
        Assert.Equal(1, api.Logins);
        Assert.Equal(1, api.Refreshes);
        Assert.Equal(3, api.Requests.Count); // first call, the rejected request, its retry
    }

    [Fact]
    public async Task Given_a_static_token_the_server_rejects_Then_the_error_says_how_to_fix_it()
    {
        await using var api = await FakePitlaneApi.StartAsync();
        await using var server = await StartAsync(["--server", api.BaseAddress], new() { ["PITLANE_TOKEN"] = "stale" });

        var result = await server.CallAsync("lookup_vehicle", "query", "Accord");

        Assert.True(result.IsError);
        Assert.Contains("PITLANE_TOKEN", Text(result), StringComparison.Ordinal);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Without_a_server_the_api_tools_explain_how_to_configure_and_local_tools_still_work()
    {
        await using var server = await StartAsync([]);

        foreach (var (tool, argument, value) in ((string, string, string)[])[("lookup_vehicle", "query", "Accord"), ("get_latest_scan", "vehicleId", FakePitlaneApi.Honda.ToString())])
        {
            var result = await server.CallAsync(tool, argument, value);
            Assert.True(result.IsError);
            var text = Text(result);
            Assert.Contains("--server", text, StringComparison.Ordinal);
            Assert.Contains("PITLANE_SERVER", text, StringComparison.Ordinal);
            Assert.Contains("PITLANE_TOKEN", text, StringComparison.Ordinal);
        }
        Assert.NotEqual(true, (await server.CallAsync("decode_vin", "vin", "1HGCM82633A004352")).IsError);
    }

    [Fact]
    public async Task Stdout_carries_only_json_rpc_messages_and_logs_go_to_stderr()
    {
        var cli = RequireCli();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[cli, "mcp", "--server", "http://127.0.0.1:9"]) start.ArgumentList.Add(a);
        start.Environment["PITLANE_TOKEN"] = "x";
        using var process = Process.Start(start)!;
        var ct = TestContext.Current.CancellationToken;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            foreach (var line in (string[])
            [
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""",
                """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
                """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup_vehicle","arguments":{"query":"Accord"}}}""",
                """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"decode_vin","arguments":{}}}""",
                """{"jsonrpc":"2.0","id":4,"method":"tools/list"}""",
            ])
            {
                await process.StandardInput.WriteLineAsync(line.AsMemory(), limit.Token);
            }
            await process.StandardInput.FlushAsync(limit.Token);

            var ids = new HashSet<int>();
            while (ids.Count < 4 && await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                using var message = JsonDocument.Parse(line); // anything but JSON-RPC on stdout throws here
                Assert.Equal("2.0", message.RootElement.GetProperty("jsonrpc").GetString());
                ids.Add(message.RootElement.GetProperty("id").GetInt32());
            }
            Assert.Equal([1, 2, 3, 4], ids.Order());

            // End of stdin ends the session and the process, with nothing more on stdout.
            process.StandardInput.Close();
            Assert.Equal("", (await process.StandardOutput.ReadToEndAsync(limit.Token)).Trim());
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.Contains("decode_vin", await stderr, StringComparison.Ordinal); // the failed call was logged, on stderr
        Assert.Equal(0, process.ExitCode);
    }
}
