using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using OpenAiFinishReason = OpenAI.Chat.ChatFinishReason;
using OpenAiResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Pitlane.Ai;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/>, for any server that speaks the OpenAI
/// chat-completions API (OpenAI itself, llama.cpp's server, Ollama, vLLM). Text messages and function tools: the model's
/// tool calls come back as <see cref="FunctionCallContent"/> (streamed calls are assembled from their argument fragments
/// and yielded once complete), and the caller sends results back as <see cref="FunctionResultContent"/> in a tool message.
/// Images and other content are rejected rather than dropped. The model is fixed at construction.
/// </summary>
public sealed class OpenAiChatClient : IChatClient
{
    // OpenAI-compatible local servers ignore the key, but the SDK will not build a client without a credential.
    private const string PlaceholderKey = "no-key";

    private readonly ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    /// <param name="baseUrl">The API root, e.g. <c>https://api.openai.com/v1</c> or <c>http://127.0.0.1:8080/v1</c>; the SDK appends <c>chat/completions</c>.</param>
    /// <param name="model">The model name the server knows, sent with every request.</param>
    /// <param name="apiKey">Sent as a bearer token; null or empty for servers that need none.</param>
    /// <param name="networkTimeout">Limit on each HTTP exchange.</param>
    public OpenAiChatClient(Uri baseUrl, string model, string? apiKey, TimeSpan networkTimeout)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(networkTimeout, TimeSpan.Zero);
        var options = new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            NetworkTimeout = networkTimeout,
            // No retries: callers put a deadline on the whole exchange and have a fallback, so a retry with back-off only
            // spends that deadline on a server that has just failed.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        _client = new ChatClient(model, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? PlaceholderKey : apiKey), options);
        _metadata = new ChatClientMetadata("openai", baseUrl, model);
    }

    /// <summary>The configured model name.</summary>
    public string Model => _metadata.DefaultModelId!;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var completion = (await _client.CompleteChatAsync(ToOpenAi(messages), ToOpenAi(options), cancellationToken)).Value;
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var contents = new List<AIContent>();
        if (text.Length > 0) contents.Add(new TextContent(text));
        foreach (var call in completion.ToolCalls)
        {
            contents.Add(ToAi(call.Id, call.FunctionName, call.FunctionArguments?.ToString()));
        }
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToAi(completion.FinishReason),
            Usage = ToAi(completion.Usage),
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = _client.CompleteChatStreamingAsync(ToOpenAi(messages), ToOpenAi(options), cancellationToken);
        // A streamed tool call arrives in fragments keyed by its index: the id and name first, then pieces of the JSON
        // arguments. It is yielded whole when the choice finishes (or the stream ends without saying so).
        var calls = new SortedDictionary<int, PendingCall>();
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var contents = new List<AIContent>();
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text) contents.Add(new TextContent(part.Text));
            }
            foreach (var fragment in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(fragment.Index, out var pending)) calls[fragment.Index] = pending = new PendingCall();
                if (!string.IsNullOrEmpty(fragment.ToolCallId)) pending.Id = fragment.ToolCallId;
                if (!string.IsNullOrEmpty(fragment.FunctionName)) pending.Name = fragment.FunctionName;
                if (fragment.FunctionArgumentsUpdate is { } args && !args.IsEmpty) pending.Arguments.Append(args.ToString());
            }
            if (update.FinishReason is not null && calls.Count > 0)
            {
                contents.AddRange(calls.Values.Select(c => c.ToContent()));
                calls.Clear();
            }
            if (ToAi(update.Usage) is { } usage) contents.Add(new UsageContent(usage));
            yield return new ChatResponseUpdate(update.Role is null ? null : ChatRole.Assistant, contents)
            {
                ResponseId = update.CompletionId,
                ModelId = update.Model,
                CreatedAt = update.CreatedAt,
                FinishReason = update.FinishReason is { } reason ? ToAi(reason) : null,
                RawRepresentation = update,
            };
        }
        if (calls.Count > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. calls.Values.Select(c => c.ToContent())]) { FinishReason = AiFinishReason.ToolCalls };
        }
    }

    private sealed class PendingCall
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public System.Text.StringBuilder Arguments { get; } = new();

        public FunctionCallContent ToContent() => ToAi(Id ?? "", Name ?? "", Arguments.ToString());
    }

    /// <summary>A call whose arguments are not a JSON object keeps the parse error in <see cref="FunctionCallContent.Exception"/>; the caller answers it as a failed call.</summary>
    private static FunctionCallContent ToAi(string id, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments, id, name,
            json => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(json));

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(ChatClient)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    // The SDK's ChatClient holds no resources of its own: its pipeline shares one HttpClient across clients.
    public void Dispose()
    {
    }

    private static List<OpenAI.Chat.ChatMessage> ToOpenAi(IEnumerable<AiChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var mapped = new List<OpenAI.Chat.ChatMessage>();
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.Tool)
            {
                // One tool message of the abstraction may carry several results; the wire wants one message per call.
                if (m.Contents.Count == 0 || m.Contents.Any(c => c is not FunctionResultContent))
                    throw new NotSupportedException("A tool message carries function results only.");
                mapped.AddRange(m.Contents.Cast<FunctionResultContent>().Select(r => new ToolChatMessage(r.CallId, ResultText(r.Result))));
                continue;
            }
            var calls = m.Contents.OfType<FunctionCallContent>().ToList();
            if (m.Contents.Any(c => c is not (TextContent or FunctionCallContent)) || (calls.Count > 0 && m.Role != ChatRole.Assistant))
                throw new NotSupportedException($"Only text content (and function calls from the assistant) is supported; a {m.Role} message has {string.Join(", ", m.Contents.Where(c => c is not TextContent).Select(c => c.GetType().Name).Distinct())}.");
            if (calls.Count > 0)
            {
                var assistant = new AssistantChatMessage(calls.Select(c => ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name,
                    BinaryData.FromString(System.Text.Json.JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>())))));
                if (m.Text is { Length: > 0 } said) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(said));
                mapped.Add(assistant);
                continue;
            }
            mapped.Add(m.Role == ChatRole.System ? new SystemChatMessage(m.Text)
                : m.Role == ChatRole.User ? new UserChatMessage(m.Text)
                : m.Role == ChatRole.Assistant ? new AssistantChatMessage(m.Text)
                : throw new NotSupportedException($"The {m.Role} role is not supported; only system, user, assistant and tool messages are."));
        }
        return mapped;
    }

    private ChatCompletionOptions? ToOpenAi(ChatOptions? options)
    {
        if (options is null) return null;
        if (options.Tools?.FirstOrDefault(t => t is not AIFunctionDeclaration) is { } unsupported)
            throw new NotSupportedException($"Only function tools are supported; {unsupported.GetType().Name} is not.");
        if (options.ModelId is { } requested && !string.Equals(requested, Model, StringComparison.Ordinal))
            throw new NotSupportedException($"This client is bound to model '{Model}'; '{requested}' was requested.");
        var mapped = new ChatCompletionOptions
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            MaxOutputTokenCount = options.MaxOutputTokens,
            ResponseFormat = options.ResponseFormat switch
            {
                null => null,
                ChatResponseFormatText => OpenAiResponseFormat.CreateTextFormat(),
                ChatResponseFormatJson { Schema: { } schema } json => OpenAiResponseFormat.CreateJsonSchemaFormat(
                    json.SchemaName ?? "answer", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
                ChatResponseFormatJson => OpenAiResponseFormat.CreateJsonObjectFormat(),
                var other => throw new NotSupportedException($"Response format {other.GetType().Name} is not supported."),
            },
        };
        foreach (var stop in options.StopSequences ?? []) mapped.StopSequences.Add(stop);
        foreach (var tool in options.Tools?.OfType<AIFunctionDeclaration>() ?? [])
        {
            mapped.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.JsonSchema.GetRawText())));
        }
        if (mapped.Tools.Count > 0)
        {
            mapped.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                _ => ChatToolChoice.CreateAutoChoice(),
            };
            mapped.AllowParallelToolCalls = options.AllowMultipleToolCalls;
        }
        return mapped;
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        System.Text.Json.JsonElement json => json.ValueKind == System.Text.Json.JsonValueKind.String ? json.GetString()! : json.GetRawText(),
        _ => System.Text.Json.JsonSerializer.Serialize(result),
    };

    private static AiFinishReason ToAi(OpenAiFinishReason reason) => reason switch
    {
        OpenAiFinishReason.Stop => AiFinishReason.Stop,
        OpenAiFinishReason.Length => AiFinishReason.Length,
        OpenAiFinishReason.ContentFilter => AiFinishReason.ContentFilter,
        OpenAiFinishReason.ToolCalls or OpenAiFinishReason.FunctionCall => AiFinishReason.ToolCalls,
        _ => new AiFinishReason(reason.ToString().ToLowerInvariant()),
    };

    private static UsageDetails? ToAi(ChatTokenUsage? usage) => usage is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = usage.InputTokenCount,
            OutputTokenCount = usage.OutputTokenCount,
            TotalTokenCount = usage.TotalTokenCount,
        };
}
