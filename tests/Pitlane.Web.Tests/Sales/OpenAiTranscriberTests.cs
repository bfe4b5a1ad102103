using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Sales;
using Pitlane.Modules.Sales.Transcripts;

namespace Pitlane.Web.Tests.Sales;

/// <summary>
/// An in-process fake of OpenAI's POST /v1/audio/transcriptions: multipart/form-data with file, model,
/// response_format and timestamp_granularities[], Bearer key, verbose_json answers and OpenAI's error envelope.
/// </summary>
public sealed class FakeOpenAiTranscription : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<(string? Model, string? Format, string? Granularity, long FileBytes, string? FileType, string? Auth)> Requests { get; } = new();

    public string Text { get; set; } = "Um, I think this car is, like, great.";

    public int Status { get; set; } = 200;

    public string BaseUrl { get; private set; } = "";

    private FakeOpenAiTranscription()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/audio/transcriptions", async (HttpContext http) =>
        {
            var auth = http.Request.Headers.Authorization.FirstOrDefault();
            if (auth != "Bearer sk-test")
            {
                return Results.Json(new { error = new { message = "Incorrect API key provided.", type = "invalid_request_error" } }, statusCode: 401);
            }
            if (!http.Request.HasFormContentType)
            {
                return Results.Json(new { error = new { message = "multipart/form-data expected" } }, statusCode: 400);
            }
            var form = await http.Request.ReadFormAsync();
            var file = form.Files["file"];
            Requests.Enqueue((form["model"], form["response_format"], form["timestamp_granularities[]"], file?.Length ?? 0, file?.ContentType, auth));
            if (Status != 200)
            {
                return Results.Json(new { error = new { message = "The server had an error while processing your request." } }, statusCode: Status);
            }
            if (file is null || form["model"].Count == 0)
            {
                return Results.Json(new { error = new { message = "file and model are required" } }, statusCode: 400);
            }
            var words = Text.Split(' ').Select((w, i) => new { word = w.Trim(',', '.'), start = i * 0.4, end = i * 0.4 + 0.3 }).ToArray();
            return Results.Json(new { task = "transcribe", language = "english", duration = 3.2, text = Text, words });
        });
    }

    public static async Task<FakeOpenAiTranscription> StartAsync()
    {
        var fake = new FakeOpenAiTranscription();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class OpenAiTranscriberTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OpenAiTranscriber Client(FakeOpenAiTranscription fake, string key = "sk-test") =>
        new(new HttpClient { BaseAddress = new Uri(fake.BaseUrl) }, Options.Create(new SalesOptions { OpenAiApiKey = key, OpenAiModel = "whisper-1" }));

    [Fact]
    public async Task Given_wav_Then_multipart_request_and_words_parsed()
    {
        await using var fake = await FakeOpenAiTranscription.StartAsync();
        var wav = SalesTestBase.Wav(SalesTestBase.Voice(1, -18));

        var result = await Client(fake).TranscribeAsync(wav, Ct);

        Assert.Equal("openai", result.Source);
        Assert.Equal(fake.Text, result.Text);
        Assert.Equal(8, result.Words.Count);
        Assert.Equal("Um", result.Words[0].Word);
        var request = Assert.Single(fake.Requests);
        Assert.Equal(("whisper-1", "verbose_json", "word", wav.LongLength, "audio/wav"), (request.Model, request.Format, request.Granularity, request.FileBytes, request.FileType));
    }

    [Fact]
    public async Task Given_bad_key_or_server_error_Then_transcription_exception_with_the_reason()
    {
        await using var fake = await FakeOpenAiTranscription.StartAsync();
        var wav = SalesTestBase.Wav(SalesTestBase.Voice(1, -18));

        var unauthorised = await Assert.ThrowsAsync<TranscriptionException>(() => Client(fake, "sk-wrong").TranscribeAsync(wav, Ct));
        Assert.Contains("Incorrect API key", unauthorised.Message);
        fake.Status = 500;
        var failed = await Assert.ThrowsAsync<TranscriptionException>(() => Client(fake).TranscribeAsync(wav, Ct));
        Assert.Contains("500", failed.Message);
    }

    [Fact]
    public void Given_pocketsphinx_output_Then_words_without_silences_and_alternates()
    {
        var result = PocketsphinxTranscriber.Parse("<s> 0.000 0.160 0.999\nthe 0.170 0.360 0.99\n<sil> 0.58 0.8 1\nengine(2) 0.81 1.2 0.5\n[NOISE] 1.2 1.3 1\n</s> 1.3 1.5 1\n");
        Assert.Equal("the engine", result.Text);
        Assert.Equal(0.81, result.Words[1].StartSeconds);
    }
}
