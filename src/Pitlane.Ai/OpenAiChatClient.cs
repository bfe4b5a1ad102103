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
/// chat-completions API (OpenAI itself, llama.cpp's server, Ollama, vLLM). Text messages only: tool calls and images are
/// not supported and are rejected rather than dropped. The model is fixed at construction.
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
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, text))
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
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var contents = new List<AIContent>();
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text) contents.Add(new TextContent(part.Text));
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
    }

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
        return messages.Select(m =>
        {
            if (m.Contents.Any(c => c is not TextContent))
                throw new NotSupportedException($"Only text content is supported; a {m.Role} message has {string.Join(", ", m.Contents.Where(c => c is not TextContent).Select(c => c.GetType().Name).Distinct())}.");
            OpenAI.Chat.ChatMessage mapped = m.Role == ChatRole.System ? new SystemChatMessage(m.Text)
                : m.Role == ChatRole.User ? new UserChatMessage(m.Text)
                : m.Role == ChatRole.Assistant ? new AssistantChatMessage(m.Text)
                : throw new NotSupportedException($"The {m.Role} role is not supported; only system, user and assistant text messages are.");
            return mapped;
        }).ToList();
    }

    private ChatCompletionOptions? ToOpenAi(ChatOptions? options)
    {
        if (options is null) return null;
        if (options.Tools is { Count: > 0 }) throw new NotSupportedException("Tools are not supported by this client.");
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
        return mapped;
    }

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
