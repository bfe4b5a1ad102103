using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pitlane.Imaging;
using Pitlane.Modules.Studio;

namespace Pitlane.Cli;

/// <summary>
/// <c>pitlane worker</c>: a background-removal worker for the listing studio on another machine (one with a GPU, or a
/// spare PC). It connects out to the server (no port opened here), long-polls for photos, segments each with the local
/// ISNet model, reports its stage (which is also its heartbeat: silent for longer than the lease, the server hands the
/// photo to another worker or runs it itself) and uploads the mask. Protocol: /api/v1/studio/worker/.
/// </summary>
internal static class WorkerCommand
{
    public const string KeyVariable = "PITLANE_WORKER_KEY";

    private const int ExitFailure = 1;
    private const int ExitUsage = 2;
    private const int WaitSeconds = 25;

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The Pitlane server, e.g. https://pitlane.example.com.", Required = true };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = $"A file holding the worker key. Without it the key comes from {KeyVariable}; never an argument, which any user could read in ps.",
        };
        var model = new Option<string?>("--model")
        {
            Description = "The ISNet ONNX model; default: PITLANE_STUDIO_MODEL, else where the build puts it (~/.cache/pitlane/models/isnet-fp16.onnx).",
        };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads; 0: all cores.", DefaultValueFactory = _ => 0 };
        var command = new Command("worker", "Remove backgrounds of listing photos for the server (a remote worker; a manager registers one on the Listing studio page or at POST /api/v1/studio/workers).")
        {
            server, keyFile, model, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"pitlane worker: --server must be an absolute http(s) URL, not '{parse.GetValue(server)}'");
                return ExitUsage;
            }

            if (parse.GetValue(threads) is < 0 or > 256)
            {
                await Console.Error.WriteLineAsync("pitlane worker: --threads must be between 0 and 256");
                return ExitUsage;
            }

            var modelPath = parse.GetValue(model) is { Length: > 0 } given ? given : StudioModelLocation.Default;
            if (!File.Exists(modelPath))
            {
                await Console.Error.WriteLineAsync($"pitlane worker: the background-removal model is not at {modelPath} (build src/Pitlane.Imaging to fetch it, or pass --model PATH)");
                return ExitUsage;
            }

            var (key, keyProblem) = ReadKey(parse.GetValue(keyFile));
            if (key is null)
            {
                await Console.Error.WriteLineAsync($"pitlane worker: {keyProblem}");
                return ExitUsage;
            }

            using var worker = new Worker(baseUri, key, modelPath, parse.GetValue(threads));
            return await worker.RunAsync(ct);
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
            ? (null, $"no worker key: set {KeyVariable} or pass --key-file PATH (the key shown once when a manager registers the worker)")
            : (key, null);
    }

    /// <summary>The server no longer holds this photo for this process (404/409): stop working on it.</summary>
    private sealed class LeaseLostException(string message) : Exception(message);

    private sealed class Worker(Uri server, string key, string modelPath, int threads) : IDisposable
    {
        private readonly HttpClient _http = CreateClient(server, key);
        private Segmenter? _segmenter;

        private static HttpClient CreateClient(Uri server, string key)
        {
            var root = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
            // Per-request deadlines instead of one client timeout: the long poll legitimately takes 25 s.
            var client = new HttpClient { BaseAddress = new Uri(root, "api/v1/studio/worker/"), Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Add("X-Worker-Key", key);
            // This process: a restarted worker does not report on its predecessor's lease, and asking for work gives back only its own.
            client.DefaultRequestHeaders.Add("X-Worker-Instance", Guid.NewGuid().ToString("N"));
            return client;
        }

        public void Dispose()
        {
            _http.Dispose();
            _segmenter?.Dispose();
        }

        public async Task<int> RunAsync(CancellationToken ct)
        {
            await Console.Error.WriteLineAsync($"pitlane worker: waiting for photos from {server} (model {modelPath}); Ctrl+C stops");
            return await WorkLoop.RunAsync("worker", async token =>
            {
                if (await NextAsync(token) is { } task)
                {
                    await RunPhotoAsync(task, token);
                }
            }, ct, fatal: e => e is ModelMissingException);
        }

        private async Task<WorkerTask?> NextAsync(CancellationToken ct)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(WaitSeconds + 20));
            using var response = await _http.GetAsync($"work?waitSeconds={WaitSeconds}", deadline.Token);
            await EnsureAcceptedAsync(response, "asking for work", deadline.Token);
            return response.StatusCode == HttpStatusCode.NoContent
                ? null
                : await response.Content.ReadFromJsonAsync<WorkerTask>(deadline.Token) ?? throw new TransientException("the server answered the work request with an empty body");
        }

        /// <summary>401 stops the worker; 5xx and 429 are retried; 404 and 409 mean the lease is gone; other refusals are returned.</summary>
        private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string doing, CancellationToken ct)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var detail = await DetailAsync(response, ct);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new KeyRefusedException(detail),
                HttpStatusCode.NotFound or HttpStatusCode.Conflict => new LeaseLostException($"{(int)response.StatusCode}: {detail}"),
                HttpStatusCode.TooManyRequests => new TransientException($"the server failed {doing} (429: {detail})"),
                >= HttpStatusCode.InternalServerError => new TransientException($"the server failed {doing} ({(int)response.StatusCode}: {detail})"),
                _ => new KeyRefusedException($"{doing} was refused ({(int)response.StatusCode}: {detail})"),
            };
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
                // Not a problem document (a proxy's page): the status line says enough.
            }

            return response.ReasonPhrase ?? "";
        }

        private async Task RunPhotoAsync(WorkerTask task, CancellationToken ct)
        {
            var started = DateTime.UtcNow;
            using var photo = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // At least three reports per lease, so one lost heartbeat is harmless.
            var heartbeat = new Heartbeat(this, task.ProgressPath, TimeSpan.FromSeconds(Math.Max(1, task.LeaseSeconds / 3.0)), photo);
            var beating = heartbeat.RunAsync();
            string outcome;
            try
            {
                heartbeat.Stage("Downloading the photo", 5);
                byte[] original;
                using (var response = await _http.GetAsync(task.PhotoPath, photo.Token))
                {
                    await EnsureAcceptedAsync(response, "sending the photo", photo.Token);
                    original = await response.Content.ReadAsByteArrayAsync(photo.Token);
                }

                heartbeat.Stage("Reading the photo", 10);
                var watch = Stopwatch.StartNew();
                var image = await Task.Run(() => SafeDecoder.Decode(original), photo.Token);
                var decode = watch.Elapsed;
                heartbeat.Stage("Finding the car", 20);
                watch.Restart();
                var segmenter = _segmenter ??= await Task.Run(() => new Segmenter(modelPath, threads), photo.Token);
                var coarse = await Task.Run(() => segmenter.Predict(image), photo.Token);
                var infer = watch.Elapsed;
                heartbeat.Stage("Refining the edges", 75);
                watch.Restart();
                var alpha = await Task.Run(() =>
                {
                    MaskCleanup.Apply(coarse, segmenter.Side, image);
                    return BackgroundRemover.Refine(image, coarse, segmenter.Side);
                }, photo.Token);
                var refine = watch.Elapsed;
                heartbeat.Stage("Sending the result", 90);
                watch.Restart();
                var mask = await Task.Run(() => MaskCodec.Encode(alpha, image.Width, image.Height), photo.Token);
                var encode = watch.Elapsed;
                var query = string.Create(CultureInfo.InvariantCulture,
                    $"?decodeMs={(int)decode.TotalMilliseconds}&inferMs={(int)infer.TotalMilliseconds}&refineMs={(int)refine.TotalMilliseconds}&encodeMs={(int)encode.TotalMilliseconds}");
                var content = new ByteArrayContent(mask);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                var refusal = await UploadAsync(task.ResultPath + query, content, ct);
                await heartbeat.StopAsync(beating);
                outcome = refusal is null
                    ? string.Create(CultureInfo.InvariantCulture, $"done {image.Width}×{image.Height} (decode {decode.TotalMilliseconds:F0} ms, infer {infer.TotalMilliseconds:F0} ms, refine {refine.TotalMilliseconds:F0} ms, encode {encode.TotalMilliseconds:F0} ms)")
                    : $"segmented, but the server refused the result ({refusal})";
            }
            catch (ImageRejectedException e)
            {
                await heartbeat.StopAsync(beating);
                var refusal = await UploadAsync(task.FailurePath, JsonContent.Create(new { error = $"The photo could not be read: {e.Message}" }), ct);
                outcome = $"failed: {e.Message}{(refusal is null ? "" : $" (the server refused the report: {refusal})")}";
            }
            catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ModelMissingException)
            {
                await heartbeat.StopAsync(beating);
                var refusal = await UploadAsync(task.FailurePath, JsonContent.Create(new { error = $"The worker's model failed: {e.Message}" }), ct);
                outcome = $"failed: {e.Message}{(refusal is null ? "" : $" (the server refused the report: {refusal})")}";
            }
            catch (LeaseLostException e)
            {
                await heartbeat.StopAsync(beating);
                outcome = $"abandoned: the server no longer waits for it ({e.Message})";
            }
            catch (OperationCanceledException) when (heartbeat.Refusal is { } refusal && !ct.IsCancellationRequested)
            {
                await heartbeat.StopAsync(beating);
                outcome = $"abandoned: the server no longer waits for it ({refusal})";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await heartbeat.StopAsync(beating);
                // Stopping: tell the server at once rather than letting it wait out the lease; best effort on the way out.
                using var shortly = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    using var response = await _http.PostAsJsonAsync(task.FailurePath, new { error = "The worker was stopped during the photo." }, shortly.Token);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // Stopping anyway; the server notices the silence.
                }

                await LogAsync(task, started, "stopped during the photo");
                throw;
            }

            finally
            {
                await heartbeat.StopAsync(beating);
            }

            await LogAsync(task, started, outcome);
            if (heartbeat.KeyRefused is { } keyRefused)
            {
                throw keyRefused;
            }
        }

        private static Task LogAsync(WorkerTask task, DateTime started, string outcome) => Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} photo {task.PhotoId} (attempt {task.Attempt}): {outcome} ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)"));

        /// <summary>Posts the result or failure, retrying the network and 5xx a few times; returns why it was not accepted, null when it was.</summary>
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
                    deadline.CancelAfter(TimeSpan.FromSeconds(60));
                    using var response = await _http.PostAsync(path, content, deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return null;
                    }

                    if (response.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        throw new KeyRefusedException(await DetailAsync(response, ct));
                    }

                    if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        return $"{(int)response.StatusCode}: {await DetailAsync(response, ct)}";
                    }

                    throw new TransientException($"{(int)response.StatusCode}: {await DetailAsync(response, ct)}");
                }
                catch (Exception e) when (WorkLoop.IsTransient(e, ct))
                {
                    if (attempt == 4)
                    {
                        return $"not delivered: {WorkLoop.Describe(e)}";
                    }

                    await Task.Delay(delay, ct);
                    delay *= 2;
                }
            }
        }

        /// <summary>
        /// Reports the stage when it changes and repeats it every interval as the lease's heartbeat, independently of the
        /// model (a long inference does not silence it). 404/409: the server took the photo back; the work is cancelled.
        /// </summary>
        private sealed record Beat(string Stage, int Percent);

        private sealed class Heartbeat(Worker worker, string path, TimeSpan interval, CancellationTokenSource photo)
        {
            private readonly SemaphoreSlim _changed = new(0);
            private Beat _current = new("Taken", 1);
            private bool _stopped;

            public string? Refusal { get; private set; }

            public KeyRefusedException? KeyRefused { get; private set; }

            public void Stage(string stage, int percent)
            {
                Volatile.Write(ref _current, new Beat(stage, percent));
                _changed.Release();
            }

            public async Task RunAsync()
            {
                var ct = photo.Token;
                try
                {
                    while (!Volatile.Read(ref _stopped) && !ct.IsCancellationRequested)
                    {
                        await _changed.WaitAsync(interval, ct);
                        if (Volatile.Read(ref _stopped))
                        {
                            return;
                        }

                        var (stage, percent) = Volatile.Read(ref _current);
                        await PostAsync(stage, percent, ct);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The photo ended or was abandoned.
                }
            }

            public async Task StopAsync(Task beating)
            {
                Volatile.Write(ref _stopped, true);
                _changed.Release();
                await beating;
            }

            private async Task PostAsync(string stage, int percent, CancellationToken ct)
            {
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(interval * 2);
                    using var response = await worker._http.PostAsJsonAsync(path, new WorkerProgressRequest(stage, percent), deadline.Token);
                    if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized)
                    {
                        var detail = await DetailAsync(response, ct);
                        Refusal = $"{(int)response.StatusCode}: {detail}";
                        if (response.StatusCode == HttpStatusCode.Unauthorized)
                        {
                            KeyRefused = new KeyRefusedException(detail);
                        }

                        await photo.CancelAsync();
                    }
                }
                catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    // A lost report only delays the stage shown; the next beat catches up.
                }
            }
        }
    }
}
