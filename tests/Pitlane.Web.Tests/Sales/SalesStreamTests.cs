using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Sales;

/// <summary>The capture WebSocket end to end: audio in real time through ffmpeg, feedback back within a second.</summary>
public abstract class SalesStreamTests(PitlaneApp app) : SalesTestBase(app)
{
    [Fact]
    public async Task Given_quiet_speech_streamed_in_real_time_Then_too_quiet_arrives_within_1_second_and_audio_is_kept()
    {
        RequireFfmpeg();
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var ticket = await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket?format=wav", null, Ct), HttpStatusCode.OK);
        using var socket = await ConnectAsync(d.Seller, ticket.GetProperty("url").GetString()!);

        var wav = Wav(Voice(7, -36));
        var clock = Stopwatch.StartNew();
        var sentSeconds = new List<(double AudioSeconds, double Wall)>();
        var messages = new List<(JsonElement Message, double Wall)>();
        var receiving = ReceiveAllAsync(socket, messages, clock);

        // The 44-byte header, then 200 ms of audio every 200 ms, as a microphone would deliver it.
        const int chunk = 6400;
        await socket.SendAsync(wav.AsMemory(0, 44), WebSocketMessageType.Binary, true, Ct);
        for (var offset = 44; offset < wav.Length; offset += chunk)
        {
            var n = Math.Min(chunk, wav.Length - offset);
            await socket.SendAsync(wav.AsMemory(offset, n), WebSocketMessageType.Binary, true, Ct);
            lock (sentSeconds)
            {
                sentSeconds.Add(((offset - 44 + n) / 32000.0, clock.Elapsed.TotalSeconds));
            }
            await Task.Delay(200, Ct);
        }
        await socket.SendAsync(Encoding.UTF8.GetBytes("stop"), WebSocketMessageType.Text, true, Ct);
        await receiving.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var feedback = messages.Where(m => m.Message.GetProperty("type").GetString() == "feedback").ToList();
        var quiet = feedback.First(m => m.Message.GetProperty("feedback").GetProperty("kind").GetString() == "TooQuiet");
        var at = quiet.Message.GetProperty("feedback").GetProperty("atSeconds").GetDouble();
        var sentAt = sentSeconds.First(s => s.AudioSeconds >= at).Wall;
        Assert.True(quiet.Wall - sentAt <= 1.0, $"TooQuiet for {at:0.00} s of audio arrived {quiet.Wall - sentAt:0.00} s after that audio was sent");
        var stopped = messages.Single(m => m.Message.GetProperty("type").GetString() == "stopped");
        Assert.InRange(stopped.Message.GetProperty("seconds").GetDouble(), 6.9, 7.1);

        var session = await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}", Ct);
        Assert.InRange(session.GetProperty("audioSeconds").GetDouble(), 6.9, 7.1);
        var stored = await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}/feedback", Ct);
        Assert.Contains(stored.EnumerateArray(), f => f.GetProperty("kind").GetString() == "TooQuiet");
    }

    [Fact]
    public async Task Given_ticket_misuse_Then_refused()
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var ticket = (await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket", null, Ct), HttpStatusCode.OK)).GetProperty("url").GetString()!;

        // Someone else's ticket, then a made-up one: no socket.
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(d.OtherSeller, ticket));
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(d.Seller, "/api/v1/sales/stream?ticket=abc"));
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket?format=flac", null, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await d.OtherSeller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket", null, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await d.Technician.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket", null, Ct), HttpStatusCode.Forbidden);
        await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/pause", null, Ct), HttpStatusCode.OK);
        await ProblemAsync(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket", null, Ct), HttpStatusCode.Conflict);
    }
}

public sealed class SalesStreamTestsOnSqlite(SqliteApp app) : SalesStreamTests(app), IClassFixture<SqliteApp>;

public sealed class SalesStreamTestsOnPostgres(PostgresApp app) : SalesStreamTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
