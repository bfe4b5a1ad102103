using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Pitlane.Ai.Tools;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Assistant;

/// <param name="VehicleId">The car picked on the page, if any; it must be the organisation's.</param>
/// <param name="History">Earlier turns the page kept (at most 20), oldest first; the server stores no conversation.</param>
public sealed record ChatRequest(string? Message, Guid? VehicleId, List<ChatTurn>? History);

public sealed record ToolInfo(string Name, string Description, JsonElement InputSchema, bool NeedsServer);

public sealed record ToolRunResponse(string Tool, string Text, bool IsError, IReadOnlyList<Citation> Citations);

/// <summary>
/// /api/v1/assistant: <c>POST chat</c> streams the answer as server-sent events (<c>text/event-stream</c>: <c>start</c>,
/// <c>text</c>, <c>tool</c>, <c>citation</c>, <c>reset</c>, <c>note</c>, <c>done</c>, each with a JSON data line);
/// <c>GET tools</c> lists the tool catalog; <c>POST tools/{name}</c> runs one tool for the caller (what <c>pitlane mcp</c>
/// forwards to). All in the organisation of <c>X-Organization-Id</c> and for the signed-in user only.
/// </summary>
public static class AssistantEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapAssistantEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapTenantApi("/api/v1/assistant", "Assistant");
        group.MapPost("/chat", Chat).RequirePermission(AssistantPermissions.Use);
        group.MapGet("/tools", Tools).RequirePermission(AssistantPermissions.Use);
        group.MapPost("/tools/{name}", RunTool).RequirePermission(AssistantPermissions.Use);
        return routes;
    }

    private static IResult Tools() =>
        TypedResults.Ok(ToolCatalog.All.Select(t => new ToolInfo(t.Name, t.Description, t.InputSchema, t.NeedsServer)).ToList());

    private static async Task<IResult> RunTool(string name, JsonElement? body, OrganizationScope scope, AssistantToolbox tools, CancellationToken ct)
    {
        if (ToolCatalog.Find(name) is null) return Problems.NotFound($"There is no tool called '{AssistantToolbox.Echo(name)}'.");
        var arguments = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (body is { } json && json.ValueKind != JsonValueKind.Null)
        {
            if (json.ValueKind != JsonValueKind.Object) return Problems.Invalid("body", "The body is a JSON object of string arguments.");
            foreach (var p in json.EnumerateObject())
            {
                if (p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    return Problems.Invalid(p.Name, "Every argument is a string.");
                arguments[p.Name] = p.Value.GetString();
            }
        }
        var outcome = await tools.RunAsync(new AssistantCaller(scope.OrganizationId, scope.UserId), name, arguments, ct);
        return TypedResults.Ok(new ToolRunResponse(name, outcome.Text, outcome.IsError, outcome.Citations));
    }

    private static async Task<IResult> Chat(ChatRequest request, OrganizationScope scope, AssistantChat chat, IVehicleDirectory vehicles, HttpContext http, CancellationToken ct)
    {
        var history = request.History ?? [];
        var check = new Validation()
            .Require(request.Message is { } m && m.Trim().Length is > 0 and <= AssistantChat.MaxMessageLength, "message", $"Ask something (at most {AssistantChat.MaxMessageLength} characters).")
            .Require(history.Count <= AssistantChat.MaxHistoryTurns, "history", $"At most {AssistantChat.MaxHistoryTurns} earlier turns.")
            .Require(history.All(t => t is { Role: "user" or "assistant", Text: { Length: <= AssistantChat.MaxTurnLength } }), "history",
                $"Each earlier turn has role user or assistant and at most {AssistantChat.MaxTurnLength} characters of text.");
        if (!check.IsValid) return Problems.Invalid(check.Errors);
        if (request.VehicleId is { } picked && !await vehicles.BelongsToAsync(picked, scope.OrganizationId, ct))
            return Problems.NotFound("No such vehicle.");

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var sink = new SseSink(http.Response);
        await sink.SendAsync("start", new { }, ct);
        var result = await chat.AnswerAsync(new AssistantCaller(scope.OrganizationId, scope.UserId), request.Message!.Trim(), request.VehicleId, history, sink, ct);
        await sink.SendAsync("done", new { source = result.Source, text = result.Text, citations = result.Citations, tools = result.Tools, note = result.Note }, ct);
        return Results.Empty;
    }

    /// <summary>Server-sent events (WHATWG HTML, 9.2): "event: name", one "data:" line of JSON, a blank line; flushed at once.</summary>
    private sealed class SseSink(HttpResponse response) : IAnswerSink
    {
        public async Task SendAsync(string name, object data, CancellationToken ct)
        {
            // JSON never contains a raw newline, so one data line carries the whole value.
            await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", ct);
            await response.Body.FlushAsync(ct);
        }

        public Task TextAsync(string text, CancellationToken ct) => SendAsync("text", new { text }, ct);

        public Task ToolAsync(string name, IReadOnlyDictionary<string, string?> arguments, CancellationToken ct) => SendAsync("tool", new { name, arguments }, ct);

        public Task CitationAsync(Citation citation, CancellationToken ct) => SendAsync("citation", citation, ct);

        public Task ResetAsync(CancellationToken ct) => SendAsync("reset", new { }, ct);

        public Task NoteAsync(string text, CancellationToken ct) => SendAsync("note", new { text }, ct);
    }
}
