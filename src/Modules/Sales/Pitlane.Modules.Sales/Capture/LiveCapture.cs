using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Sales.Sessions;
using Pitlane.Modules.Sales.Transcripts;
using Pitlane.Platform.Tenancy;
using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Capture;

/// <summary>
/// One-use tickets for the capture WebSocket: a browser cannot set X-Organization-Id on a WebSocket, so the page asks
/// the tenant API for a ticket (organisation, role and session checked there) and opens the socket with it within a minute.
/// </summary>
public sealed class StreamTickets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (Guid Org, Guid User, Guid Session, string Format, DateTimeOffset Expires)> _tickets = new(StringComparer.Ordinal);

    public string Issue(Guid org, Guid user, Guid session, string format)
    {
        var now = time.GetUtcNow();
        foreach (var old in _tickets.Where(t => t.Value.Expires < now).Select(t => t.Key).ToList())
        {
            _tickets.TryRemove(old, out _);
        }
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tickets[ticket] = (org, user, session, format, now + Lifetime);
        return ticket;
    }

    public (Guid Org, Guid Session, string Format)? Redeem(string? ticket, Guid user)
    {
        if (ticket is null || !_tickets.TryRemove(ticket, out var t) || t.Expires < time.GetUtcNow() || t.User != user)
        {
            return null;
        }
        return (t.Org, t.Session, t.Format);
    }
}

/// <summary>
/// The capture WebSocket: binary messages are chunks of the browser's recording (MediaRecorder WebM/Opus, or WAV),
/// piped into ffmpeg; its 16 kHz PCM is spooled to the session's audio and fed to the live analyser, whose events are
/// stored and pushed over the live hub ("salesFeedback") and echoed on the socket as JSON text messages. A text
/// message "stop", or closing the socket, ends the take; the server answers {"type":"stopped"} when all audio is in.
/// </summary>
public static class LiveCapture
{
    public const string Path = "/api/v1/sales/stream";

    public static async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await Results.Problem(statusCode: 400, detail: "This address takes a WebSocket.").ExecuteAsync(http);
            return;
        }
        var services = http.RequestServices;
        if (http.User.UserId() is not { } userId)
        {
            await Results.Problem(statusCode: 401, detail: "Sign in first.").ExecuteAsync(http);
            return;
        }
        if (services.GetRequiredService<StreamTickets>().Redeem(http.Request.Query["ticket"], userId) is not { } ticket)
        {
            await Results.Problem(statusCode: 403, detail: "The stream ticket is missing, used or expired: ask for a new one.").ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveCapture));
        try
        {
            await RunAsync(socket, services, ticket.Session, ticket.Format, http.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            logger.LogInformation("Capture of session {Session} ended: {Reason}", ticket.Session, e.Message);
        }
    }

    private static async Task RunAsync(WebSocket socket, IServiceProvider services, Guid sessionId, string format, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<SalesOptions>>().Value;
        var sessions = services.GetRequiredService<SessionService>();
        var audio = services.GetRequiredService<AudioStore>();
        var session = await services.GetRequiredService<SalesDbContext>().Sessions.FindAsync([sessionId], ct);
        if (session is null || session.CanAcceptAudio(0, options.MaxSessionSeconds) is not null)
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Audio is accepted only while the session is active.", ct);
            return;
        }
        var offset = session.AudioSeconds;
        var maxBytes = (long)(options.MaxSessionSeconds - offset) * AudioStore.BytesPerSecond;
        using var ffmpeg = services.GetRequiredService<FfmpegDecoder>().Start(format == "wav" ? "wav" : "matroska");
        var send = new SemaphoreSlim(1, 1);
        long pcmBytes = 0;

        async Task SendAsync(object message)
        {
            await send.WaitAsync(ct);
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, Reports.SessionReport.Json), WebSocketMessageType.Text, true, ct);
                }
            }
            finally
            {
                send.Release();
            }
        }

        // The analyser is fed by the decoder (audio) and by the live transcript (words); one at a time, and one
        // writer to the session's store.
        var analyzer = new LiveSpeechAnalyzer();
        var gate = new SemaphoreSlim(1, 1);

        async Task AnalyseAsync(Func<IReadOnlyList<LiveFeedback>> feed)
        {
            await gate.WaitAsync(ct);
            try
            {
                var events = feed();
                if (events.Count > 0)
                {
                    foreach (var f in await sessions.RecordFeedbackAsync(session, events, offset, ct))
                    {
                        await SendAsync(new { type = "feedback", feedback = FeedbackResponse.From(f) });
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }

        await using var transcript = options.LiveTranscriptSeconds > 0 && services.GetRequiredService<TranscriberChoice>().Current is { } transcriber
            ? new LiveTranscript(transcriber, options.LiveTranscriptSeconds, 0,
                words => AnalyseAsync(() => analyzer.AddWords(words.Select(w => (w.Word, w.StartSeconds)))),
                services.GetRequiredService<ILoggerFactory>().CreateLogger<LiveTranscript>())
            : null;

        // ffmpeg's PCM → spool + analyser (+ live transcript) → feedback; runs until ffmpeg closes its output.
        var decoding = Task.Run(async () =>
        {
            await using var spool = audio.OpenAppend(sessionId);
            var buffer = new byte[3200]; // 100 ms
            var carry = 0;
            int n;
            while ((n = await ffmpeg.StandardOutput.BaseStream.ReadAsync(buffer.AsMemory(carry), ct)) > 0)
            {
                var length = carry + n;
                var even = length & ~1;
                if (pcmBytes + even > maxBytes)
                {
                    break;
                }
                pcmBytes += even;
                await spool.WriteAsync(buffer.AsMemory(0, even), ct);
                await AnalyseAsync(() => analyzer.FeedS16Le(buffer.AsSpan(0, even)));
                transcript?.Append(buffer.AsSpan(0, even));
                carry = length - even;
                if (carry > 0)
                {
                    buffer[0] = buffer[even];
                }
                await SendAsync(new { type = "progress", seconds = Math.Round(offset + pcmBytes / (double)AudioStore.BytesPerSecond, 2) });
            }
            await spool.FlushAsync(ct);
        }, ct);

        var receive = new byte[64 * 1024];
        var stdin = ffmpeg.StandardInput.BaseStream;
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(receive, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            if (result.MessageType == WebSocketMessageType.Text)
            {
                break; // "stop"
            }
            try
            {
                await stdin.WriteAsync(receive.AsMemory(0, result.Count), ct);
                await stdin.FlushAsync(ct);
            }
            catch (IOException)
            {
                break; // ffmpeg rejected the stream
            }
        }
        try
        {
            ffmpeg.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            drain.CancelAfter(TimeSpan.FromSeconds(15));
            await decoding.WaitAsync(drain.Token);
        }
        if (!ffmpeg.HasExited)
        {
            ffmpeg.Kill(entireProcessTree: true);
        }
        if (transcript is not null)
        {
            await transcript.FinishAsync(TimeSpan.FromSeconds(2));
        }
        await gate.WaitAsync(ct);
        await sessions.AddStreamedAudioAsync(sessionId, pcmBytes / (double)AudioStore.BytesPerSecond, CancellationToken.None);
        gate.Release();
        await SendAsync(new { type = "stopped", seconds = Math.Round(offset + pcmBytes / (double)AudioStore.BytesPerSecond, 2) });
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
    }
}
