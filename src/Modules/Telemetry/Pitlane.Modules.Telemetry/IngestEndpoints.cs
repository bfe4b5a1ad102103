using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Platform;

using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Modules.Telemetry;

/// <summary>The batch body, for the API description only: the parser reads the bytes itself (<see cref="BatchParser"/>).</summary>
public sealed record BatchDocument(string BatchId, IReadOnlyList<SampleDocument> Samples);

/// <summary>t: UTC ISO 8601 with Z or an offset; pid: two hex digits or a named signal; value: in the signal's standard unit.</summary>
public sealed record SampleDocument(DateTime T, string Pid, double Value);

/// <summary>
/// Ways in for devices, authenticated by <c>X-Device-Key</c> (not by a user): HTTP batches and a WebSocket stream.
/// Both hand the bytes to <see cref="TelemetryIngest"/>; neither holds any ingest logic of its own.
/// </summary>
public static class IngestEndpoints
{
    public const string KeyHeader = "X-Device-Key";
    public const string StreamPath = "/api/v1/telemetry/stream";

    /// <summary>Per client address, on batch posts and stream handshakes (Pitlane:VehicleTelemetry:IngestRequestsPerMinute).</summary>
    public const string RateLimitPolicy = "telemetry-ingest";

    private static readonly JsonSerializerOptions AckJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/telemetry/batches", PostBatch).WithTags("Telemetry").AllowAnonymous().RequireRateLimiting(RateLimitPolicy)
            .Accepts<BatchDocument>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Store one batch of samples from the device named by X-Device-Key; answered after commit.")
            .WithDescription("All or nothing: any invalid sample rejects the batch (400 naming samples[i].field). A batchId the " +
                "device already sent answers 200 with duplicate: true and stores nothing. pid is a SAE J1979 mode 01 PID as two hex " +
                "digits or a named signal matching " + Signals.NamedSignalPattern + ". The same JSON, one batch per text message, " +
                "goes over the WebSocket " + StreamPath + ".");

        // The stream gets its own small pipeline with the WebSocket middleware (as SignalR does for its hubs), so the
        // module needs nothing from the host's pipeline. Pings every 20 s keep NAT mappings of mobile links open.
        var stream = routes.CreateApplicationBuilder();
        stream.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        stream.Run(StreamAsync);
        routes.Map(StreamPath, stream.Build()).WithTags("Telemetry").AllowAnonymous().RequireRateLimiting(RateLimitPolicy).ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<Ok<IngestAck>, ValidationProblem, ProblemHttpResult>> PostBatch(
        HttpContext http, DeviceKeys keys, TelemetryIngest ingest, CancellationToken ct)
    {
        if (await keys.AuthenticateAsync(http.Request.Headers[KeyHeader].ToString(), ct) is not { } device)
        {
            return Problems.Unauthorized($"A valid, unrevoked device key is required in the {KeyHeader} header.");
        }
        var max = ingest.MaxBatchBytes;
        if (http.Request.ContentLength > max)
        {
            return TooLarge(ingest.TooLargeDetail);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            // Reads at most max + 1 bytes: enough to know the body is too large without buffering any more of it.
            var length = 0;
            int read;
            while (length <= max && (read = await http.Request.Body.ReadAsync(buffer.AsMemory(length, max + 1 - length), ct)) > 0)
            {
                length += read;
            }
            if (length > max)
            {
                return TooLarge(ingest.TooLargeDetail);
            }
            var outcome = await ingest.IngestAsync(device, buffer.AsMemory(0, length), ct);
            return outcome.Status switch
            {
                IngestStatus.Stored or IngestStatus.Duplicate => TypedResults.Ok(IngestAck.From(outcome)),
                IngestStatus.Invalid => Problems.Invalid(outcome.Errors!),
                _ => TooLarge(outcome.Detail!),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProblemHttpResult TooLarge(string detail) => Problems.TooLarge(detail);

    /// <summary>
    /// One text message (RFC 6455 §5.6) is one batch; each is answered by one ack message after commit, in order.
    /// A bad or oversized message is answered and the connection stays open; a revoked key closes it with 1008
    /// (policy violation, RFC 6455 §7.4.1); a text message that is not UTF-8 closes it with 1007 (§8.1).
    /// </summary>
    private static async Task StreamAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var keys = services.GetRequiredService<DeviceKeys>();
        var ingest = services.GetRequiredService<TelemetryIngest>();
        var ct = http.RequestAborted;
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await Problems.BadRequest("This endpoint speaks WebSocket (RFC 6455) only; post batches to /api/v1/telemetry/batches.").ExecuteAsync(http);
            return;
        }
        var key = http.Request.Headers[KeyHeader].ToString();
        if (string.IsNullOrEmpty(key))
        {
            // Browsers cannot set headers on a WebSocket handshake; devices that cannot either pass ?key=.
            key = http.Request.Query["key"].ToString();
        }
        if (await keys.AuthenticateAsync(key, ct) is not { } device)
        {
            await Problems.Unauthorized($"A valid, unrevoked device key is required in the {KeyHeader} header or ?key=.").ExecuteAsync(http);
            return;
        }
        var streams = services.GetRequiredService<DeviceStreams>();
        if (!streams.TryOpen(device.DeviceId))
        {
            await Problems.TooManyRequests($"This device key already has {streams.MaxPerDevice} open streams; close one first.").ExecuteAsync(http);
            return;
        }
        using var _ = streams.Holding(device.DeviceId);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var max = ingest.MaxBatchBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var (length, type, oversized) = await ReceiveMessageAsync(socket, buffer, max, ct);
                if (type == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    return;
                }
                // RFC 6455 §8.1: text frames carry UTF-8; an endpoint that receives invalid UTF-8 fails the connection
                // with 1007. Checked here because not every WebSocket implementation under this endpoint validates it.
                if (!oversized && type == WebSocketMessageType.Text && !System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, length)))
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidPayloadData, "text message is not UTF-8", ct);
                    return;
                }
                if (await keys.AuthenticateAsync(key, ct) is null)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "device key revoked", ct);
                    return;
                }
                IngestAck ack;
                if (oversized)
                {
                    ack = new IngestAck(null, "too_large", 0, false, Detail: ingest.TooLargeDetail);
                }
                else if (type != WebSocketMessageType.Text)
                {
                    ack = new IngestAck(null, "invalid", 0, false, Detail: "Send each batch as one JSON text message.");
                }
                else
                {
                    ack = IngestAck.From(await ingest.IngestAsync(device, buffer.AsMemory(0, length), ct));
                }
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(ack, AckJson), WebSocketMessageType.Text, endOfMessage: true, ct);
            }
        }
        catch (WebSocketException)
        {
            // The device went away mid-message (RFC 6455 allows dropping the TCP connection); nothing was acked for it.
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping or the connection was aborted.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one whole message; beyond <paramref name="max"/> bytes the rest is read and discarded (bounded memory).</summary>
    private static async Task<(int Length, WebSocketMessageType Type, bool Oversized)> ReceiveMessageAsync(
        WebSocket socket, byte[] buffer, int max, CancellationToken ct)
    {
        var length = 0;
        var oversized = false;
        while (true)
        {
            var window = oversized ? buffer.AsMemory(0, Math.Min(buffer.Length, 4096)) : buffer.AsMemory(length, max + 1 - length);
            var result = await socket.ReceiveAsync(window, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (0, WebSocketMessageType.Close, false);
            }
            if (!oversized)
            {
                length += result.Count;
                oversized = length > max;
            }
            if (result.EndOfMessage)
            {
                return (oversized ? 0 : length, result.MessageType, oversized);
            }
        }
    }
}

/// <summary>Open WebSocket streams per device on this instance, at most Pitlane:VehicleTelemetry:MaxStreamsPerDevice each.</summary>
public sealed class DeviceStreams(Microsoft.Extensions.Options.IOptions<TelemetryOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _open = new();

    public int MaxPerDevice => options.Value.MaxStreamsPerDevice;

    /// <summary>Counts one more stream for the device, unless it is at the limit.</summary>
    public bool TryOpen(Guid deviceId)
    {
        while (true)
        {
            var current = _open.GetOrAdd(deviceId, 0);
            if (current >= MaxPerDevice)
            {
                return false;
            }
            if (_open.TryUpdate(deviceId, current + 1, current))
            {
                return true;
            }
        }
    }

    /// <summary>Releases the stream counted by <see cref="TryOpen"/> when disposed.</summary>
    public IDisposable Holding(Guid deviceId) => new Release(this, deviceId);

    public int OpenCount(Guid deviceId) => _open.TryGetValue(deviceId, out var n) ? n : 0;

    private void Close(Guid deviceId)
    {
        while (_open.TryGetValue(deviceId, out var current))
        {
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<Guid, int>(deviceId, current)) : _open.TryUpdate(deviceId, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Release(DeviceStreams owner, Guid deviceId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Close(deviceId);
            }
        }
    }
}
