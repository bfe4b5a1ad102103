using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pitlane.Ai.Tests;
using Pitlane.Modules.Sales;
using Pitlane.Modules.Sales.Capture;
using Pitlane.Modules.Sales.Reports;
using Pitlane.Modules.Sales.Transcripts;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Sales;

/// <summary>The coach with a speech-to-text server (live windows of 2 s) and a chat model, both in-process fakes of OpenAI's wire protocol.</summary>
public sealed class CoachedSalesApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    internal FakeOpenAiServer Chat { get; private set; } = null!;

    internal FakeOpenAiTranscription Whisper { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Chat = await FakeOpenAiServer.StartAsync();
        Whisper = await FakeOpenAiTranscription.StartAsync();
        await base.InitializeAsync();
        Set("Pitlane:Sales:Transcription", "openai");
        Set("Pitlane:Sales:OpenAiBaseUrl", Whisper.BaseUrl);
        Set("Pitlane:Sales:OpenAiApiKey", "sk-test");
        Set("Pitlane:Sales:LiveTranscriptSeconds", "2");
        Set("Pitlane:Sales:AiBaseUrl", Chat.BaseUrl.ToString());
        Set("Pitlane:Sales:AiModel", "coach-1");
        Set("Pitlane:Sales:AiApiKey", "sk-coach");
        Set("Pitlane:Sales:AiTimeoutSeconds", "3");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Chat.DisposeAsync();
        await Whisper.DisposeAsync();
    }
}

/// <summary>Filler streaks while streaming, and coaching notes written by the model (or by the rules when it fails).</summary>
public sealed class SalesCoachingAiTests(CoachedSalesApp app) : SalesTestBase(app), IClassFixture<CoachedSalesApp>
{
    [Fact]
    public async Task Given_fillers_in_streamed_speech_Then_filler_streak_arrives_while_streaming_and_is_stored()
    {
        RequireFfmpeg();
        app.Whisper.Text = "Um, so, uh, this car is, um, great.";
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        var ticket = await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/stream-ticket?format=wav", null, Ct), HttpStatusCode.OK);
        using var socket = await ConnectAsync(d.Seller, ticket.GetProperty("url").GetString()!);
        var messages = new List<(JsonElement Message, double Wall)>();
        var receiving = ReceiveAllAsync(socket, messages, System.Diagnostics.Stopwatch.StartNew());
        bool Streak()
        {
            lock (messages)
            {
                return messages.Any(m => m.Message.GetProperty("type").GetString() == "feedback" && m.Message.GetProperty("feedback").GetProperty("kind").GetString() == "FillerStreak");
            }
        }

        // 8 s of speech with pauses, sent a little faster than real time; the streak must come before "stop".
        var wav = Wav(Voice(8, -20, pauseEvery: 2.5));
        await socket.SendAsync(wav.AsMemory(0, 44), WebSocketMessageType.Binary, true, Ct);
        for (var offset = 44; offset < wav.Length; offset += 6400)
        {
            await socket.SendAsync(wav.AsMemory(offset, Math.Min(6400, wav.Length - offset)), WebSocketMessageType.Binary, true, Ct);
            await Task.Delay(100, Ct);
        }
        for (var waited = 0; waited < 100 && !Streak(); waited++)
        {
            await Task.Delay(100, Ct);
        }
        Assert.True(Streak(), "no FillerStreak before stop; messages: " + string.Join(", ", messages.Select(m => m.Message.GetProperty("type").GetString())));
        await socket.SendAsync(Encoding.UTF8.GetBytes("stop"), WebSocketMessageType.Text, true, Ct);
        await receiving.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var streak = messages.First(m => m.Message.GetProperty("type").GetString() == "feedback" && m.Message.GetProperty("feedback").GetProperty("kind").GetString() == "FillerStreak").Message;
        Assert.InRange(streak.GetProperty("feedback").GetProperty("atSeconds").GetDouble(), 0.5, 8);
        Assert.True(app.Whisper.Requests.Count >= 2, $"{app.Whisper.Requests.Count} windows transcribed");
        var stored = await d.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sales/sessions/{id}/feedback", Ct);
        Assert.Contains(stored.EnumerateArray(), f => f.GetProperty("kind").GetString() == "FillerStreak");
    }

    [Fact]
    public async Task Given_model_answers_notes_Then_report_notes_are_the_models_and_say_so()
    {
        app.Whisper.Text = "This family SUV has room for three car seats and the best safety rating in its class.";
        app.Chat.Mode = FakeMode.Answer;
        app.Chat.Content = """["Name the safety rating first: it is what this family came for.", "Let a pause follow the price instead of filling it."]""";
        var report = await CompletedReportAsync(r => r.GetProperty("coachingSource").GetString() != "rules");

        Assert.Equal("ai: coach-1", report.GetProperty("coachingSource").GetString());
        Assert.Equal("Name the safety rating first: it is what this family came for.", report.GetProperty("coachingNotes")[0].GetString());
        var request = app.Chat.LastBody;
        Assert.Equal("Bearer sk-coach", app.Chat.Requests.Last().Authorization);
        Assert.Equal("coach-1", request["model"]!.GetValue<string>());
        var facts = request["messages"]!.ToJsonString();
        Assert.Contains("Articulation rate", facts, StringComparison.Ordinal);
        Assert.Contains("three car seats", facts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FakeMode.ServerError, "")]
    [InlineData(FakeMode.Answer, "Here are my notes: speak up!")]
    [InlineData(FakeMode.Answer, """["You spoke at 9.7 syllables a second.", "Slow down when you name the price."]""")]
    public async Task Given_model_fails_or_answers_badly_Then_the_rules_notes_stand(FakeMode mode, string content)
    {
        app.Whisper.Text = "This car is great.";
        app.Chat.Mode = mode;
        app.Chat.Content = content;
        var calls = app.Chat.Requests.Count;
        var report = await CompletedReportAsync(_ => app.Chat.Requests.Count > calls);

        Assert.Equal("rules", report.GetProperty("coachingSource").GetString());
        Assert.NotEmpty(report.GetProperty("coachingNotes").EnumerateArray());
        Assert.DoesNotContain(report.GetProperty("coachingNotes").EnumerateArray(), n => n.GetString()!.Contains("9.7", StringComparison.Ordinal));
    }

    /// <summary>A 6 s recording, completed; the report once its transcript is done and <paramref name="ready"/> holds.</summary>
    private async Task<JsonElement> CompletedReportAsync(Func<JsonElement, bool> ready)
    {
        var d = await DealershipAsync();
        var id = Id(await StartAsync(d.Seller));
        await Json(await UploadAsync(d.Seller, id, Wav(Voice(6, -20, pauseEvery: 3))), HttpStatusCode.OK);
        await Json(await d.Seller.PostAsync($"/api/v1/sales/sessions/{id}/complete", null, Ct), HttpStatusCode.OK);
        var report = default(JsonElement);
        for (var i = 0; i < 100; i++)
        {
            report = await Json(await d.Seller.GetAsync($"/api/v1/sales/sessions/{id}/report", Ct), HttpStatusCode.OK);
            if (report.GetProperty("transcript").GetProperty("status").GetString() == "Done" && ready(report))
            {
                return report;
            }
            await Task.Delay(200, Ct);
        }
        Assert.Fail("the report did not get its transcript: " + report);
        return report;
    }
}

public sealed class CoachingWriterTests
{
    private const string Facts = "Articulation rate: 5.2 syllables/s (easy range 3.5-5.5)\nPauses: 2, longest 1.4 s\n";

    [Fact]
    public void Given_two_plain_notes_with_known_numbers_Then_parsed()
    {
        var notes = CoachingWriter.Parse("""  ["Your pace of 5.2 syllables a second is easy to follow.", "Keep pauses under 1.4 seconds."] """, Facts);
        Assert.Equal(2, notes!.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Speak slower and louder.")]
    [InlineData("```json\n[\"Speak slower, please.\", \"And louder, please.\"]\n```")]
    [InlineData("[\"Only one note here.\"]")]
    [InlineData("[\"one\", \"two\"]")]
    [InlineData("[\"A note with **bold** text inside.\", \"Another note that is fine.\"]")]
    [InlineData("[\"<script>alert(1)</script> speak up\", \"Another note that is fine.\"]")]
    [InlineData("[\"A good note about pace.\", 42]")]
    [InlineData("{\"notes\": [\"A good note about pace.\", \"Another one.\"]}")]
    [InlineData("[\"You said um 14 times.\", \"Another note that is fine.\"]")]
    [InlineData("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]")]
    [InlineData("[\"A good note about pace.\", \"Another note that is fine.\"")]
    public void Given_anything_else_Then_null(string? answer) => Assert.Null(CoachingWriter.Parse(answer, Facts));

    [Fact]
    public void Given_overlong_note_Then_null() =>
        Assert.Null(CoachingWriter.Parse(JsonSerializer.Serialize(new[] { new string('a', CoachingWriter.MaxNoteLength + 1), "Another note that is fine." }), Facts));

    [Fact]
    public async Task Given_no_model_or_silent_report_Then_report_unchanged()
    {
        var report = SessionReport.Build(new float[16000 * 3], null, "Unavailable", "No transcriber.");
        Assert.Same(report, await new CoachingWriter(null, "m", TimeSpan.FromSeconds(1)).WriteAsync(report, "pitch", TestContext.Current.CancellationToken));
    }
}

/// <summary>Live windows: nothing lost, cut in the quiet, times moved to the session's clock, and a slow transcriber never queues without bound.</summary>
public sealed class LiveTranscriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Pcm(float[] samples) => SalesTestBase.Wav(samples)[44..];

    [Fact]
    public async Task Given_speech_in_windows_Then_every_byte_sent_once_cut_in_pauses_and_words_on_the_session_clock()
    {
        await using var fake = await FakeOpenAiTranscription.StartAsync();
        fake.Text = "one two";
        var transcriber = new OpenAiTranscriber(new HttpClient { BaseAddress = new Uri(fake.BaseUrl) }, Options.Create(new SalesOptions { OpenAiApiKey = "sk-test" }));
        var words = new List<TranscriptWord>();
        var pcm = Pcm(SalesTestBase.Voice(9, -20, pauseEvery: 2.5));
        await using (var live = new LiveTranscript(transcriber, 2, 10, w => { lock (words) { words.AddRange(w); } return Task.CompletedTask; }, NullLogger.Instance))
        {
            for (var i = 0; i < pcm.Length; i += 3200)
            {
                live.Append(pcm.AsSpan(i, Math.Min(3200, pcm.Length - i)));
                // Speech arrives slower than this loop: let the worker take each window before the next is cut.
                for (var wait = 0; live.Pending > 0 && wait < 2000; wait++)
                {
                    await Task.Delay(5, Ct);
                }
            }
            await live.FinishAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, live.Dropped);
            Assert.Equal(fake.Requests.Count, live.Transcribed);
        }

        var windows = fake.Requests.Select(r => (r.FileBytes - 44) / (double)AudioStore.BytesPerSecond).ToList();
        Assert.Equal(pcm.Length, fake.Requests.Sum(r => r.FileBytes - 44));
        Assert.True(windows.Count >= 3, string.Join(", ", windows));
        // Pauses are at 1.7–2.5 s of every 2.5 s: the first cut falls in the first pause, not at 3 s.
        Assert.InRange(windows[0], 2.0, 2.5);
        Assert.All(windows.SkipLast(1), w => Assert.InRange(w, 2.0, 3.0));
        // Each window's "one" (at 0 s of its window) is moved by the session's start (10 s) and the audio before it.
        var starts = words.Where(w => w.Word == "one").Select(w => w.StartSeconds).Order().ToList();
        Assert.Equal(10, starts[0], 3);
        Assert.Equal(10 + windows[0], starts[1], 3);
    }

    [Fact]
    public async Task Given_transcriber_slower_than_speech_Then_windows_dropped_not_queued()
    {
        var slow = new BlockedTranscriber();
        var pcm = Pcm(SalesTestBase.Voice(20, -20));
        await using var live = new LiveTranscript(slow, 1, 0, _ => Task.CompletedTask, NullLogger.Instance);
        for (var i = 0; i < pcm.Length; i += 3200)
        {
            live.Append(pcm.AsSpan(i, Math.Min(3200, pcm.Length - i)));
        }
        // One window in the transcriber, two waiting; the rest (about 20 s / 2 s − 3) dropped.
        Assert.InRange(live.Dropped, 4, 16);
        slow.Release.SetResult();
        await live.FinishAsync(TimeSpan.FromSeconds(5));
        Assert.InRange(slow.Calls, 2, 4);
    }

    private sealed class BlockedTranscriber : ITranscriber
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls;

        public string Source => "blocked";

        public async Task<TranscriptResult> TranscribeAsync(byte[] wav, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            await Release.Task.WaitAsync(ct);
            return new TranscriptResult("blocked", "", []);
        }
    }
}
