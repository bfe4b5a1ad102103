using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Pitlane.Diagnostics;
using Pitlane.Modules.Diagnostics;
using Pitlane.Obd;
using Pitlane.Obd.Scanning;
using Pitlane.Obd.Transport;

namespace Pitlane.Cli;

/// <summary>
/// <c>pitlane agent</c>: a scan agent next to the car. It connects out to the server (no port opened here), long-polls for
/// scans and code clearings meant for it, runs each against the local adapter and uploads the result. Protocol:
/// /api/v1/diagnostics/agent/.
/// </summary>
internal static class AgentCommand
{
    public const string KeyVariable = "PITLANE_AGENT_KEY";

    private const int ExitFailure = 1;
    private const int ExitUsage = 2;
    private const int WaitSeconds = 25;

    /// <summary>Well inside the server's 30 s silence limit (AgentScans.SilenceLimit), so one lost heartbeat is harmless.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);


    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The Pitlane server, e.g. https://pitlane.example.com.", Required = true };
        var adapter = new Option<string>("--adapter")
        {
            Description = "The local adapter: tcp://HOST:PORT (Wi-Fi adapters use port 35000) or serial:///dev/ttyUSB0?baud=38400.",
            Required = true,
        };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = $"A file holding the agent key. Without it the key comes from {KeyVariable}; it is never an argument, which any user could read in ps.",
        };
        var command = new Command("agent", "Run scans for the server against a local adapter (a scan agent; create one at POST /api/v1/diagnostics/agents).")
        {
            server, adapter, keyFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"pitlane agent: --server must be an absolute http(s) URL, not '{parse.GetValue(server)}'");
                return ExitUsage;
            }
            try
            {
                AdapterAddress.Parse(parse.GetValue(adapter)!);
            }
            catch (AdapterUriException e)
            {
                await Console.Error.WriteLineAsync($"pitlane agent: {e.Message}");
                return ExitUsage;
            }
            var (key, keyProblem) = ReadKey(parse.GetValue(keyFile));
            if (key is null)
            {
                await Console.Error.WriteLineAsync($"pitlane agent: {keyProblem}");
                return ExitUsage;
            }
            var agent = new Agent(baseUri, key, parse.GetValue(adapter)!);
            return await agent.RunAsync(ct);
        });
        return command;
    }

    private static (string? Key, string? Problem) ReadKey(FileInfo? file)
    {
        string? key;
        if (file is not null)
        {
            try
            {
                key = File.ReadAllText(file.FullName).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"cannot read the key file {file.FullName}: {e.Message}");
            }
        }
        else
        {
            key = Environment.GetEnvironmentVariable(KeyVariable)?.Trim();
        }
        return string.IsNullOrEmpty(key)
            ? (null, $"no agent key: set {KeyVariable} or pass --key-file PATH (the key shown once by POST /api/v1/diagnostics/agents)")
            : (key, null);
    }

    private sealed class Agent(Uri server, string key, string adapter) : IDisposable
    {
        private readonly HttpClient _http = CreateClient(server, key);

        private static HttpClient CreateClient(Uri server, string key)
        {
            var root = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
            // Per-request deadlines instead of one client timeout: the long poll legitimately takes 25 s.
            var client = new HttpClient { BaseAddress = new Uri(root, "api/v1/diagnostics/agent/"), Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Add(AgentKeyFilter.Header, key);
            // This process: asking for work abandons only what this process left, not a scan of another one with the same key.
            client.DefaultRequestHeaders.Add(AgentProtocol.InstanceHeader, Guid.NewGuid().ToString("N"));
            return client;
        }

        public void Dispose() => _http.Dispose();

        public async Task<int> RunAsync(CancellationToken ct)
        {
            using var owner = this;
            await Console.Error.WriteLineAsync($"pitlane agent: waiting for scans from {server} (adapter {adapter}); Ctrl+C stops");
            return await WorkLoop.RunAsync("agent", async token =>
            {
                var work = await NextWorkAsync(token);
                if (work is { Kind: AgentWork.ClearCodesKind })
                {
                    await RunClearingAsync(work, token);
                }
                else if (work is not null)
                {
                    await RunScanAsync(work, token);
                }
            }, ct);
        }

        private async Task<AgentWork?> NextWorkAsync(CancellationToken ct)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(WaitSeconds + 20));
            using var response = await _http.GetAsync($"work?waitSeconds={WaitSeconds}&accepts={AgentWork.ScanKind},{AgentWork.ClearCodesKind}", deadline.Token);
            await EnsureAcceptedAsync(response, "asking for work", deadline.Token);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return null;
            }
            return await response.Content.ReadFromJsonAsync<AgentWork>(deadline.Token)
                ?? throw new TransientException("the server answered the work request with an empty body");
        }

        /// <summary>401 stops the agent, 5xx and 429 are retried; any other refusal is returned as its problem detail.</summary>
        private static async Task<string?> EnsureAcceptedAsync(HttpResponseMessage response, string doing, CancellationToken ct, bool throwOnRefusal = true)
        {
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            var detail = await DetailAsync(response, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new KeyRefusedException(detail);
            }
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new TransientException($"the server failed {doing} ({(int)response.StatusCode}: {detail})");
            }
            if (throwOnRefusal)
            {
                // A 404 on the work request: the server has no agent endpoints (an older version) or a proxy is in the way.
                throw new KeyRefusedException($"{doing} was refused ({(int)response.StatusCode}: {detail})");
            }
            return $"{(int)response.StatusCode}: {detail}";
        }

        private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                if (problem.ValueKind == JsonValueKind.Object)
                {
                    var text = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                        : problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                    {
                        text += " " + string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(" ", e.Value.EnumerateArray())}"));
                    }
                    return text?.Trim() ?? response.ReasonPhrase ?? "";
                }
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
            {
                // Not a problem document (a proxy's HTML page): the status line says enough.
            }
            return response.ReasonPhrase ?? "";
        }

        private async Task RunScanAsync(AgentWork work, CancellationToken ct)
        {
            var started = DateTime.UtcNow;
            var id = work.Id;
            using var scan = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reporter = new ProgressReporter(this, $"scans/{id}/progress", ScanJobHandler.PercentOf, scan);
            var heartbeat = reporter.RunAsync();
            string outcome;
            try
            {
                var report = await ObdScanner.ScanAsync(adapter, progress: reporter, cancellationToken: scan.Token);
                await reporter.StopAsync(heartbeat);
                var document = ScanDocument.From(report);
                var refusal = await UploadAsync($"scans/{id}/result", JsonContent.Create(document, options: ScanDocument.Json), ct);
                var codes = document.Dtcs.Select(d => d.Code).Distinct(StringComparer.Ordinal).ToList();
                outcome = refusal is null
                    ? $"completed, VIN {document.Vin ?? "not reported"}, {codes.Count} trouble code(s){(codes.Count > 0 ? " " + string.Join(' ', codes) : "")}"
                    : $"scanned, but the server refused the result ({refusal})";
            }
            catch (Exception e) when (e is ObdException or IOException or SocketException or UnauthorizedAccessException or TimeoutException)
            {
                await reporter.StopAsync(heartbeat);
                var refusal = await UploadAsync($"scans/{id}/failure", JsonContent.Create(new { error = $"The agent's adapter failed: {e.Message}" }), ct);
                outcome = $"failed: {e.Message}{(refusal is null ? "" : $" (the server refused the report: {refusal})")}";
            }
            catch (OperationCanceledException) when (reporter.Refusal is { } refusal)
            {
                await reporter.StopAsync(heartbeat);
                outcome = $"abandoned: the server no longer waits for it ({refusal})";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await reporter.StopAsync(heartbeat);
                // Tell the server at once rather than letting it wait for the silence limit; best effort on the way out.
                using var shortly = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    using var response = await _http.PostAsJsonAsync($"scans/{id}/failure", new { error = "The scan agent was stopped during the scan." }, shortly.Token);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // Stopping anyway; the server notices the silence.
                }
                await LogAsync("scan", id, started, "stopped during the scan");
                throw;
            }
            await LogAsync("scan", id, started, outcome);
            if (reporter.KeyRefused is { } keyRefused)
            {
                throw keyRefused;
            }
        }

        private static Task LogAsync(string what, Guid id, DateTime started, string outcome) => Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {what} {id}: {outcome} ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)"));

        /// <summary>
        /// Clears the codes of the car on the local adapter, only after it reported the VIN the server expects: the check
        /// happens here, next to the car, before anything is erased.
        /// </summary>
        private async Task RunClearingAsync(AgentWork work, CancellationToken ct)
        {
            var started = DateTime.UtcNow;
            var id = work.Id;
            using var clearing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reporter = new ProgressReporter(this, $"clearings/{id}/progress", ClearCodesStages.PercentOf, clearing);
            var heartbeat = reporter.RunAsync();
            string outcome;
            try
            {
                reporter.Report("connect");
                await using var elm = await Pitlane.Obd.Elm.Elm327Adapter.ConnectAsync(adapter, cancellationToken: clearing.Token);
                var client = new Pitlane.Obd.J1979.ObdClient(elm);
                reporter.Report("identify");
                var vin = (await client.ReadVinAsync(clearing.Token))?.Text?.Trim().ToUpperInvariant();
                if (vin is null || work.ExpectedVin is null || !string.Equals(vin, work.ExpectedVin, StringComparison.Ordinal))
                {
                    await reporter.StopAsync(heartbeat);
                    var why = vin is null
                        ? $"The car did not report its VIN, so it cannot be confirmed to be {work.ExpectedVin}; codes were not cleared."
                        : $"The car on the agent's adapter reports VIN {vin}, not {work.ExpectedVin}; codes were not cleared.";
                    var refused = await UploadAsync($"clearings/{id}/failure", JsonContent.Create(new { error = why }), ct);
                    outcome = $"refused: {why}{(refused is null ? "" : $" (the server refused the report: {refused})")}";
                }
                else
                {
                    reporter.Report("clear");
                    var ecus = await client.ClearTroubleCodesAsync(Pitlane.Obd.J1979.ClearConfirmation.EraseCodesFreezeFramesAndReadiness, clearing.Token);
                    await reporter.StopAsync(heartbeat);
                    var refusal = await UploadAsync($"clearings/{id}/result", JsonContent.Create(new AgentClearResult(vin, [.. ecus])), ct);
                    outcome = refusal is null
                        ? $"codes cleared on VIN {vin} by {string.Join(' ', ecus)}"
                        : $"codes cleared, but the server refused the report ({refusal})";
                }
            }
            catch (Exception e) when (e is ObdException or IOException or SocketException or UnauthorizedAccessException or TimeoutException)
            {
                await reporter.StopAsync(heartbeat);
                var refusal = await UploadAsync($"clearings/{id}/failure",
                    JsonContent.Create(new { error = $"The agent's adapter failed; the codes may or may not have been cleared: {e.Message}" }), ct);
                outcome = $"failed: {e.Message}{(refusal is null ? "" : $" (the server refused the report: {refusal})")}";
            }
            catch (OperationCanceledException) when (reporter.Refusal is { } refusal && !ct.IsCancellationRequested)
            {
                await reporter.StopAsync(heartbeat);
                outcome = $"abandoned: the server no longer waits for it ({refusal})";
            }
            await LogAsync("code clearing", id, started, outcome);
            if (reporter.KeyRefused is { } keyRefused)
            {
                throw keyRefused;
            }
        }

        /// <summary>
        /// Posts the result or failure, retrying network errors and 5xx with back-off for about as long as the server waits
        /// (its silence limit); returns why it was not accepted (the server's 404, 409 or 400, or the network), null when accepted.
        /// </summary>
        private async Task<string?> UploadAsync(string path, HttpContent content, CancellationToken ct)
        {
            using var owned = content;
            await content.LoadIntoBufferAsync(ct);
            var delay = TimeSpan.FromSeconds(1);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(TimeSpan.FromSeconds(20));
                    using var response = await _http.PostAsync(path, content, deadline.Token);
                    return await EnsureAcceptedAsync(response, "taking the upload", deadline.Token, throwOnRefusal: false);
                }
                catch (Exception e) when (WorkLoop.IsTransient(e, ct))
                {
                    if (attempt == 5)
                    {
                        return $"not delivered: {WorkLoop.Describe(e)}";
                    }
                    await Task.Delay(delay, ct);
                    delay *= 2;
                }
            }
        }

        /// <summary>
        /// Posts each stage as the scanner reaches it, one request at a time from a queue so the scan never waits on the
        /// network, and repeats the last one every <see cref="HeartbeatInterval"/> as the heartbeat. A 404 or 409 means the
        /// server gave up on the scan (timeout, agent revoked): the scan is cancelled rather than finished for nobody.
        /// </summary>
        private sealed class ProgressReporter(Agent agent, string path, Func<string, int> percentOf, CancellationTokenSource scan) : IProgress<ScanProgress>
        {
            private readonly Channel<string> _stages = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

            public string? Refusal { get; private set; }

            public KeyRefusedException? KeyRefused { get; private set; }

            public void Report(ScanProgress value) => Report(value.StageName);

            public void Report(string stage) => _stages.Writer.TryWrite(stage);

            public async Task RunAsync()
            {
                var stage = "connect";
                var ct = scan.Token;
                try
                {
                    while (!ct.IsCancellationRequested)
                    {
                        using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        tick.CancelAfter(HeartbeatInterval);
                        try
                        {
                            if (!await _stages.Reader.WaitToReadAsync(tick.Token))
                            {
                                return;
                            }
                            while (_stages.Reader.TryRead(out var next))
                            {
                                stage = next;
                                await PostAsync(stage, ct);
                            }
                        }
                        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                        {
                            await PostAsync(stage, ct);
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The scan ended or was cancelled.
                }
            }

            public async Task StopAsync(Task heartbeat)
            {
                _stages.Writer.TryComplete();
                await heartbeat;
            }

            private async Task PostAsync(string stage, CancellationToken ct)
            {
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(HeartbeatInterval);
                    using var response = await agent._http.PostAsJsonAsync(path, new AgentProgressRequest(stage, percentOf(stage)), deadline.Token);
                    if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized)
                    {
                        var detail = await DetailAsync(response, ct);
                        Refusal = $"{(int)response.StatusCode}: {detail}";
                        if (response.StatusCode == HttpStatusCode.Unauthorized)
                        {
                            KeyRefused = new KeyRefusedException(detail);
                        }
                        await scan.CancelAsync();
                    }
                }
                catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    // A lost progress report only delays the stage shown; the next one or the heartbeat catches up.
                }
            }
        }
    }
}
