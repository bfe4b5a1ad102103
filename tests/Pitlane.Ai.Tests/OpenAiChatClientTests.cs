using Microsoft.Extensions.AI;

namespace Pitlane.Ai.Tests;

public sealed class OpenAiChatClientTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OpenAiChatClient Client(string? key = null) => new(_server.BaseUrl, "llama-3.1-8b", key, TimeSpan.FromSeconds(10));

    private static readonly ChatMessage[] Messages =
    [
        new(ChatRole.System, "Answer briefly."),
        new(ChatRole.User, "What does P0301 mean?"),
        new(ChatRole.Assistant, "A misfire."),
        new(ChatRole.User, "On which cylinder?"),
    ];

    [Fact]
    public async Task Response_maps_text_model_usage_and_finish_reason()
    {
        _server.Content = "Cylinder 1.";
        using var client = Client();

        var response = await client.GetResponseAsync(Messages, new ChatOptions { Temperature = 0.5f, MaxOutputTokens = 100 }, Ct);

        Assert.Equal("Cylinder 1.", response.Text);
        Assert.Equal("llama-3.1-8b", response.ModelId);
        Assert.Equal("chatcmpl-fake1", response.ResponseId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(812, response.Usage?.InputTokenCount);
        Assert.Equal(164, response.Usage?.OutputTokenCount);
        Assert.Equal(976, response.Usage?.TotalTokenCount);
        var body = _server.LastBody;
        Assert.Equal(["system", "user", "assistant", "user"], body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("On which cylinder?", body["messages"]![3]!["content"]!.GetValue<string>());
        Assert.Equal(0.5, body["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(100, (body["max_completion_tokens"] ?? body["max_tokens"])!.GetValue<int>());
        Assert.Null(body["response_format"]);
    }

    [Fact]
    public async Task Empty_key_sends_a_placeholder_bearer_token()
    {
        _server.Content = "ok";
        using var client = Client(key: "");

        await client.GetResponseAsync(Messages, null, Ct);

        Assert.Equal("Bearer no-key", _server.Requests.Single().Authorization);
    }

    [Fact]
    public async Task Streaming_yields_text_in_pieces_with_model_finish_reason_and_usage()
    {
        _server.Content = "The misfire is on cylinder 1.";
        using var client = Client();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, Ct))
            updates.Add(update);
        var response = updates.ToChatResponse();

        Assert.True(updates.Count(u => u.Text.Length > 0) >= 2);
        Assert.Equal("The misfire is on cylinder 1.", response.Text);
        Assert.Equal("llama-3.1-8b", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(976, response.Usage?.TotalTokenCount);
        Assert.True(_server.LastBody["stream"]!.GetValue<bool>());
        Assert.Equal("json_object", _server.LastBody["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Metadata_and_inner_client_are_services()
    {
        using var client = Client();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("llama-3.1-8b", metadata?.DefaultModelId);
        Assert.Equal(_server.BaseUrl, metadata?.ProviderUri);
        Assert.NotNull(client.GetService<OpenAI.Chat.ChatClient>());
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("keyed"));
    }

    [Fact]
    public async Task Unsupported_input_is_rejected_not_dropped()
    {
        using var client = Client();

        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.Tool, "42")], null, Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(Messages, new ChatOptions { ModelId = "other" }, Ct));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Streamed_tool_call_is_assembled_and_its_result_goes_back_as_a_tool_message()
    {
        using var client = Client();
        _server.Mode = FakeMode.ToolCall;
        _server.ToolName = "explain_dtc";
        _server.ToolArguments = "{\"code\":\"P0301\"}";
        _server.Content = "Cylinder 1 misfire.";
        var tool = AIFunctionFactory.CreateDeclaration("explain_dtc", "Explain a code.",
            System.Text.Json.JsonDocument.Parse("{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"}},\"required\":[\"code\"]}").RootElement);
        var options = new ChatOptions { Tools = [tool] };
        List<ChatMessage> messages = [new(ChatRole.User, "What does P0301 mean?")];

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, Ct)) updates.Add(update);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_fake1", call.CallId);
        Assert.Equal("explain_dtc", call.Name);
        Assert.Equal("P0301", call.Arguments!["code"]!.ToString());
        var sentTools = _server.LastBody["tools"]!.AsArray();
        Assert.Equal("explain_dtc", sentTools[0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("auto", _server.LastBody["tool_choice"]!.GetValue<string>());

        messages.Add(new ChatMessage(ChatRole.Assistant, [call]));
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "P0301: Cylinder 1 misfire detected")]));
        var text = string.Concat(await client.GetStreamingResponseAsync(messages, options, Ct).Select(u => u.Text).ToListAsync(Ct));

        Assert.Equal("Cylinder 1 misfire.", text);
        var sent = _server.LastBody["messages"]!.AsArray();
        Assert.Equal("call_fake1", sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("{\"code\":\"P0301\"}", sent[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("tool", sent[2]!["role"]!.GetValue<string>());
        Assert.Equal("call_fake1", sent[2]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal("P0301: Cylinder 1 misfire detected", sent[2]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_tool_arguments_come_back_as_a_call_with_its_parse_error()
    {
        using var client = Client();
        _server.Mode = FakeMode.ToolCall;
        _server.ToolName = "explain_dtc";
        _server.ToolArguments = "{\"code\": [unclosed";
        var tool = AIFunctionFactory.CreateDeclaration("explain_dtc", "Explain a code.", System.Text.Json.JsonDocument.Parse("{\"type\":\"object\"}").RootElement);

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "P0301?")], new ChatOptions { Tools = [tool] }, Ct).ToChatResponseAsync(Ct);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.NotNull(call.Exception);
    }
}
