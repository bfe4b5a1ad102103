using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pitlane.Web.Tests.Estimator;

/// <summary>How the fake answers catalogue quotes.</summary>
public enum FakePartsTechMode { Normal, Garbage, Slow, Error }

/// <summary>
/// An in-process fake of PartsTech's API on Kestrel, speaking its wire format (WIRE-FACTS.md): POST /oauth/access
/// (user + partner credentials → accessToken, 3600 s), POST /catalog/quote (Bearer; parts[] with dollar floats,
/// storesAvailability, status), POST /punchout/quote/create (→ sessionId, redirectUrl), errors as
/// {"error":{"code","message"}}. It can be told to answer garbage, to hang, or to fail.
/// </summary>
public sealed class FakePartsTech : IAsyncDisposable
{
    public const string PartnerId = "pitlane-partner", PartnerKey = "partner-key-1", UserId = "shop-user", UserKey = "user-key-1";

    private readonly WebApplication _app;
    private int _tokens;
    private int _sessions;

    public FakePartsTechMode Mode { get; set; }

    public ConcurrentQueue<(string Path, string? Authorization, string Body)> Requests { get; } = new();

    public int TokensIssued => _tokens;

    public string BaseUrl { get; private set; } = "";

    private FakePartsTech()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/oauth/access", async (HttpContext c) =>
        {
            var body = await Read(c);
            var creds = body?["credentials"];
            if (creds?["partner"]?["id"]?.ToString() != PartnerId || creds?["partner"]?["key"]?.ToString() != PartnerKey
                || creds?["user"]?["id"]?.ToString() != UserId || creds?["user"]?["key"]?.ToString() != UserKey)
                return Results.Json(Error("401", "Invalid credentials"), statusCode: 401);
            var n = Interlocked.Increment(ref _tokens);
            return Results.Json(new { accessToken = $"eyJfake.{n}.sig", expiresIn = 3600 });
        });
        _app.MapPost("/catalog/quote", async (HttpContext c) =>
        {
            var body = await Read(c);
            if (!Authorized(c)) return Results.Json(Error("401", "Token expired or invalid"), statusCode: 401);
            switch (Mode)
            {
                case FakePartsTechMode.Garbage:
                    return Results.Text("<html>502 upstream gateway</html>{\"parts\":", "application/json");
                case FakePartsTechMode.Slow:
                    await Task.Delay(TimeSpan.FromSeconds(20), c.RequestAborted);
                    break;
                case FakePartsTechMode.Error:
                    return Results.Json(Error("500", "Catalog unavailable"), statusCode: 500);
            }
            var ids = body?["searchParams"]?["partTypeIds"]?.AsArray().Select(i => i!.GetValue<int>()).ToList() ?? [];
            var parts = new JsonArray();
            foreach (var id in ids)
            {
                parts.Add(new JsonObject
                {
                    ["partId"] = $"ACD-PT{id}", ["partNumber"] = $"PT{id}", ["partName"] = $"Part type {id}", ["quantity"] = 1,
                    ["brand"] = "ACDelco", ["taxonomy"] = new JsonObject { ["partTypeId"] = id }, ["status"] = "IN_STOCK",
                    ["storesAvailability"] = new JsonArray(new JsonObject { ["store"] = new JsonObject { ["id"] = 8123, ["name"] = "PT Store 8123" }, ["quantity"] = 6 }),
                    ["price"] = new JsonObject { ["list"] = 99.99, ["price"] = 45.10, ["cost"] = 12.34, ["core"] = 0.0, ["fet"] = 0.0, ["retail"] = 89.99 },
                    ["deliveryNotes"] = "Delivers on the next route",
                });
            }
            return Results.Json(new JsonObject { ["parts"] = parts });
        });
        _app.MapPost("/punchout/quote/create", async (HttpContext c) =>
        {
            await Read(c);
            if (!Authorized(c)) return Results.Json(Error("401", "Token expired or invalid"), statusCode: 401);
            var n = Interlocked.Increment(ref _sessions);
            return Results.Json(new { sessionId = $"sess-{n}", redirectUrl = $"{BaseUrl}/punchout/session/sess-{n}" });
        });
    }

    private static bool Authorized(HttpContext c) =>
        c.Request.Headers.Authorization.FirstOrDefault() is { } a && a.StartsWith("Bearer eyJfake.", StringComparison.Ordinal);

    private async Task<JsonNode?> Read(HttpContext c)
    {
        using var reader = new StreamReader(c.Request.Body);
        var text = await reader.ReadToEndAsync();
        Requests.Enqueue((c.Request.Path.Value!, c.Request.Headers.Authorization.FirstOrDefault(), text));
        return string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text);
    }

    private static object Error(string code, string message) => new { error = new { code, message } };

    public static async Task<FakePartsTech> StartAsync()
    {
        var fake = new FakePartsTech();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
