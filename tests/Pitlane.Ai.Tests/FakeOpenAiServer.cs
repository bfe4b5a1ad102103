using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pitlane.Ai.Tests;

/// <summary>What the fake server does with the next chat-completions request.</summary>
public enum FakeMode
{
    /// <summary>Answers <see cref="FakeOpenAiServer.Content"/> as the assistant message.</summary>
    Answer,

    /// <summary>Answers after <see cref="FakeOpenAiServer.Delay"/>.</summary>
    Slow,

    /// <summary>HTTP 500 with an OpenAI error body.</summary>
    ServerError,

    /// <summary>
    /// Until the request carries a tool result, calls <see cref="FakeOpenAiServer.ToolName"/> with
    /// <see cref="FakeOpenAiServer.ToolArguments"/> (streamed in fragments, as the real API does); then answers <see cref="FakeOpenAiServer.Content"/>.
    /// </summary>
    ToolCall,
}

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 implementing POST /v1/chat/completions with the response shape of the real
/// API (and its server-sent-event stream when "stream" is true). It records every request.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public record RecordedRequest(string? Authorization, JsonObject Body);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public FakeMode Mode { get; set; } = FakeMode.Answer;

    public string Content { get; set; } = "";

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(10);

    public string ToolName { get; set; } = "";

    public string ToolArguments { get; set; } = "{}";

    public Uri BaseUrl { get; private set; } = null!;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    private async Task CompleteAsync(HttpContext http)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))!.AsObject();
        Requests.Enqueue(new RecordedRequest(http.Request.Headers.Authorization.ToString(), body));
        var model = body["model"]?.GetValue<string>() ?? "";

        switch (Mode)
        {
            case FakeMode.ServerError:
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await http.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["error"] = new JsonObject { ["message"] = "The server had an error while processing your request.", ["type"] = "server_error", ["param"] = null, ["code"] = null },
                }, http.RequestAborted);
                return;
            case FakeMode.Slow:
                try
                {
                    await Task.Delay(Delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                break;
        }

        bool hasResult = body["messages"]!.AsArray().Any(m => m?["role"]?.GetValue<string>() == "tool");
        if (Mode == FakeMode.ToolCall && !hasResult)
        {
            await StreamToolCallAsync(http, model);
            return;
        }
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(http, model);
            return;
        }
        await http.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "chatcmpl-fake1",
            ["object"] = "chat.completion",
            ["created"] = 1_767_225_600,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Content },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(),
        }, http.RequestAborted);
    }

    private async Task StreamAsync(HttpContext http, string model)
    {
        http.Response.ContentType = "text/event-stream";
        var half = Content.Length / 2;
        JsonObject Chunk(JsonObject delta, string? finish, JsonNode? usage = null) => new()
        {
            ["id"] = "chatcmpl-fake1",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_767_225_600,
            ["model"] = model,
            ["choices"] = finish is null && delta.Count == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
            ["usage"] = usage,
        };
        JsonObject[] chunks =
        [
            Chunk(new JsonObject { ["role"] = "assistant", ["content"] = Content[..half] }, null),
            Chunk(new JsonObject { ["content"] = Content[half..] }, null),
            Chunk(new JsonObject(), "stop"),
            Chunk(new JsonObject(), null, Usage()),
        ];
        foreach (var chunk in chunks)
            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", http.RequestAborted);
        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
    }

    private async Task StreamToolCallAsync(HttpContext http, string model)
    {
        http.Response.ContentType = "text/event-stream";
        var half = ToolArguments.Length / 2;
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = "chatcmpl-fake2",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_767_225_600,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
        JsonObject Call(JsonObject function, string? id = null)
        {
            var call = new JsonObject { ["index"] = 0, ["function"] = function };
            if (id is not null)
            {
                call["id"] = id;
                call["type"] = "function";
            }
            return new JsonObject { ["tool_calls"] = new JsonArray(call) };
        }
        var first = Call(new JsonObject { ["name"] = ToolName, ["arguments"] = "" }, "call_fake1");
        first["role"] = "assistant";
        first["content"] = null;
        JsonObject[] chunks =
        [
            Chunk(first, null),
            Chunk(Call(new JsonObject { ["arguments"] = ToolArguments[..half] }), null),
            Chunk(Call(new JsonObject { ["arguments"] = ToolArguments[half..] }), null),
            Chunk(new JsonObject(), "tool_calls"),
        ];
        foreach (var chunk in chunks)
            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", http.RequestAborted);
        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
    }

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 812, ["completion_tokens"] = 164, ["total_tokens"] = 976 };

    public JsonObject LastBody => Requests.Last().Body;

    public static string Serialize(object answer) => JsonSerializer.Serialize(answer);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
