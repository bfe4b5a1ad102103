using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Inspections;
using Pitlane.Modules.Inspections.Approval;
using Pitlane.Modules.Inspections.Narration;
using Pitlane.Modules.Inspections.Video;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Web.Tests.Inspections;

/// <summary>The pieces under the module alone: ffmpeg progress, the transcoder, link tokens, the ElevenLabs adapter against a fake.</summary>
public sealed class InspectionEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("out_time_us=2500000", 2.5)]
    [InlineData("out_time_us=0", 0.0)]
    [InlineData("out_time_us=N/A", null)]
    [InlineData("out_time_us=-5", null)]
    [InlineData("out_time_us=99999999999999999999999", null)]
    [InlineData("out_time=00:00:02.500000", null)]
    [InlineData("progress=end", null)]
    [InlineData("", null)]
    public void Given_ffmpeg_progress_line_Then_output_seconds_or_null(string line, double? expected) =>
        Assert.Equal(expected, ProgressLine.OutTimeSeconds(line));

    private static VideoTranscoder Transcoder(int maxSeconds = 60) =>
        new(new TranscodeSettings("ffmpeg", "ffprobe", 1280, maxSeconds, TimeSpan.FromSeconds(120)));

    [Fact]
    public async Task Given_real_clip_Then_transcoder_reports_rising_progress_from_ffmpeg_and_writes_three_files()
    {
        var output = Path.Combine(Path.GetTempPath(), $"pitlane-transcode-test-{Guid.NewGuid():N}");
        var seen = new List<int>();
        try
        {
            // Long and large enough that an idle machine still takes a few seconds (ffmpeg reports every 0.25 s).
            var result = await Transcoder().TranscodeAsync(Clips.Video(12, "1280x720"), output, (p, _) =>
            {
                seen.Add(p);
                return Task.CompletedTask;
            }, Ct);
            Assert.True(seen.Count >= 4, $"progress: {string.Join(",", seen)}");
            Assert.Equal(seen.Order(), seen);
            Assert.Contains(seen, p => p is > 1 and < 90);
            Assert.InRange(result.DurationSeconds, 11.9, 12.1);
            Assert.True(result.HasAudio);
            Assert.Equal(["h264,video", "aac,audio"], Clips.Streams(result.VideoPath));
            Assert.Equal(["mjpeg,video"], Clips.Streams(result.PosterPath));
            Assert.Equal(["h264,video"], Clips.Streams(result.PreviewPath));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Given_garbage_or_text_or_too_long_Then_transcoder_rejects_with_a_readable_reason()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pitlane-transcode-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var garbage = Path.Combine(folder, "garbage");
            var bytes = new byte[32 * 1024];
            new Random(7).NextBytes(bytes);
            await File.WriteAllBytesAsync(garbage, bytes, Ct);
            var e = await Assert.ThrowsAsync<VideoRejectedException>(() => Transcoder().TranscodeAsync(garbage, Path.Combine(folder, "o1"), (_, _) => Task.CompletedTask, Ct));
            Assert.Contains("not a video", e.Message, StringComparison.Ordinal);

            var audioOnly = Path.Combine(folder, "tone.wav");
            await File.WriteAllBytesAsync(audioOnly, Wav(8000, 8000), Ct);
            e = await Assert.ThrowsAsync<VideoRejectedException>(() => Transcoder().TranscodeAsync(audioOnly, Path.Combine(folder, "o2"), (_, _) => Task.CompletedTask, Ct));
            Assert.Contains("no picture", e.Message, StringComparison.Ordinal);

            e = await Assert.ThrowsAsync<VideoRejectedException>(() => Transcoder(maxSeconds: 2).TranscodeAsync(Clips.Video(3), Path.Combine(folder, "o3"), (_, _) => Task.CompletedTask, Ct));
            Assert.Contains("at most 2 seconds", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Wav(int samples, int rate)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + samples * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            w.Write((short)(Math.Sin(i * 0.1) * 8000));
        }
        return stream.ToArray();
    }

    private sealed class Secret : IServerSecret
    {
        public byte[] DeriveKey(string purpose, int length) => HKDF.DeriveKey(HashAlgorithmName.SHA256, "test secret"u8.ToArray(), length, [], Encoding.UTF8.GetBytes(purpose));
    }

    [Fact]
    public void Given_link_token_Then_only_the_authentic_unexpired_one_reads()
    {
        var links = new ApprovalLinks(new Secret());
        var id = Guid.NewGuid();
        var now = new DateTime(2026, 12, 7, 4, 0, 0, DateTimeKind.Utc);
        var token = links.Issue(id, 3, now.AddHours(2));
        Assert.Equal((id, 3), links.Read(token, now));
        Assert.Null(links.Read(token, now.AddHours(2)));
        Assert.Null(links.Read(token[..^1], now));
        Assert.Null(links.Read(token + "A", now));
        for (var i = 0; i < token.Length; i++)
        {
            var flipped = token.ToCharArray();
            flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
            Assert.Null(links.Read(new string(flipped), now));
        }
        Assert.Null(new ApprovalLinks(new OtherSecret()).Read(token, now));
        Assert.Null(links.Read(null, now));
        Assert.Null(links.Read(new string('*', 59), now));
    }

    private sealed class OtherSecret : IServerSecret
    {
        public byte[] DeriveKey(string purpose, int length) => new byte[length];
    }

    /// <summary>An in-process fake of the ElevenLabs text-to-speech endpoint: checks what the real API requires, answers as it does.</summary>
    private sealed class FakeElevenLabs(HttpStatusCode status) : HttpMessageHandler
    {
        public List<(string Path, string? Key, JsonElement Body)> Calls { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            var key = request.Headers.TryGetValues("xi-api-key", out var keys) ? keys.Single() : null;
            Calls.Add((request.RequestUri!.PathAndQuery, key, body));
            if (request.Method != HttpMethod.Post || key != "xi-test-key")
            {
                return new HttpResponseMessage(HttpStatusCode.Unauthorized)
                {
                    Content = new StringContent("{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}", Encoding.UTF8, "application/json"),
                };
            }
            if (status != HttpStatusCode.OK)
            {
                return new HttpResponseMessage(status) { Content = new StringContent("{\"detail\":{\"status\":\"too_many_concurrent_requests\"}}", Encoding.UTF8, "application/json") };
            }
            // An MPEG-1 Layer III frame header (sync, 128 kb/s, 44.1 kHz) and padding.
            var mp3 = new byte[417];
            mp3[0] = 0xFF;
            mp3[1] = 0xFB;
            mp3[2] = 0x90;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(mp3) { Headers = { ContentType = new("audio/mpeg") } } };
        }
    }

    private static ElevenLabsSpeech ElevenLabs(FakeElevenLabs fake, string key = "xi-test-key") =>
        new(new HttpClient(fake) { BaseAddress = new Uri("https://api.elevenlabs.test/") },
            Options.Create(new InspectionsOptions { ElevenLabsApiKey = key, ElevenLabsVoiceId = "voice 1", ElevenLabsModelId = "eleven_multilingual_v2" }));

    [Fact]
    public async Task Given_elevenlabs_fake_Then_adapter_posts_text_and_model_with_key_and_maps_failures()
    {
        var fake = new FakeElevenLabs(HttpStatusCode.OK);
        var audio = await ElevenLabs(fake).SpeakAsync("Your brakes need work.", Ct);
        Assert.Equal("audio/mpeg", audio.ContentType);
        Assert.Equal(0xFF, audio.Bytes[0]);
        var call = Assert.Single(fake.Calls);
        Assert.Equal("/v1/text-to-speech/voice%201?output_format=mp3_44100_128", call.Path);
        Assert.Equal("Your brakes need work.", call.Body.GetProperty("text").GetString());
        Assert.Equal("eleven_multilingual_v2", call.Body.GetProperty("model_id").GetString());

        await Assert.ThrowsAsync<SpeechUnavailableException>(() => ElevenLabs(new FakeElevenLabs(HttpStatusCode.TooManyRequests)).SpeakAsync("x", Ct));
        await Assert.ThrowsAsync<SpeechUnavailableException>(() => ElevenLabs(new FakeElevenLabs(HttpStatusCode.BadGateway)).SpeakAsync("x", Ct));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ElevenLabs(new FakeElevenLabs(HttpStatusCode.OK), "wrong").SpeakAsync("x", Ct));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_espeak_Then_it_speaks_wav_even_for_text_that_looks_like_an_option()
    {
        var audio = await new EspeakSpeech(Options.Create(new InspectionsOptions())).SpeakAsync("--version Your tyres are fine.", Ct);
        Assert.Equal("audio/wav", audio.ContentType);
        Assert.True(audio.Bytes.AsSpan().StartsWith("RIFF"u8));
        Assert.True(audio.Bytes.Length > 20_000, "a second of speech or more");
    }

    [Theory]
    [InlineData(1.5, Rating.Red)]
    [InlineData(1.6, Rating.Yellow)]
    [InlineData(2.99, Rating.Yellow)]
    [InlineData(3.0, Rating.Green)]
    public void Given_tread_depth_Then_rating_follows_the_legal_minimum_and_the_wet_braking_margin(double mm, Rating expected) =>
        Assert.Equal(expected, Measurements.TreadDepth.Suggest((decimal)mm));

    /// <summary>An AI gateway stand-in: answers with a fixed text, or hangs until cancelled, or throws.</summary>
    private sealed class FakeChat(Func<CancellationToken, Task<string>> answer) : IChatClient
    {
        public List<Microsoft.Extensions.AI.ChatMessage> Seen { get; } = [];

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.AddRange(messages);
            return new ChatResponse(new Microsoft.Extensions.AI.ChatMessage(ChatRole.Assistant, await answer(cancellationToken)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Given_ai_gateway_Then_narration_is_its_rewrite_and_falls_back_to_the_rules_on_timeout_error_or_empty_answer()
    {
        var rules = NarrationScript.Write("2016 BMW 3 Series", []);
        var friendly = new FakeChat(_ => Task.FromResult("Hi! We looked over your BMW and everything we checked is in good shape."));
        var written = await new NarrationWriter(friendly, TimeSpan.FromSeconds(5)).WriteAsync("2016 BMW 3 Series", [], Ct);
        Assert.Equal(("ai", "Hi! We looked over your BMW and everything we checked is in good shape."), (written.Source, written.Text));
        Assert.Equal(rules, friendly.Seen.Last().Text);
        Assert.Equal(NarrationWriter.Instructions, friendly.Seen.First().Text);

        var slow = new FakeChat(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        });
        Assert.Equal(new NarrationText(rules, "rules"), await new NarrationWriter(slow, TimeSpan.FromMilliseconds(200)).WriteAsync("2016 BMW 3 Series", [], Ct));
        var failing = new FakeChat(_ => throw new HttpRequestException("connection refused"));
        Assert.Equal("rules", (await new NarrationWriter(failing, TimeSpan.FromSeconds(5)).WriteAsync("2016 BMW 3 Series", [], Ct)).Source);
        var empty = new FakeChat(_ => Task.FromResult("  "));
        Assert.Equal("rules", (await new NarrationWriter(empty, TimeSpan.FromSeconds(5)).WriteAsync("2016 BMW 3 Series", [], Ct)).Source);
        Assert.Equal("rules", (await new NarrationWriter(null, TimeSpan.FromSeconds(5)).WriteAsync("2016 BMW 3 Series", [], Ct)).Source);
    }
}
