using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pitlane.Cli.Tests;

/// <summary>
/// The slice of the Pitlane API that <c>pitlane mcp</c> calls, on 127.0.0.1 with a free port: password
/// login, refresh, vehicle search, a vehicle's scans and one scan. Checks the bearer token and the
/// X-Organization-Id header the way the real server does, and answers errors as problem+json.
/// </summary>
public sealed class FakePitlaneApi : IAsyncDisposable
{
    public const string Email = "ana@example.com";
    public const string Password = "correct horse";
    public const string StaticToken = "static-token";
    public static readonly Guid Organization = Guid.Parse("0b9f6a53-2c43-4e55-9a54-6f1f0c2f7d11");
    public static readonly Guid Honda = Guid.Parse("7d1d3c2e-5d0a-4a4e-8f0e-3a1c2b4d5e6f");
    public static readonly Guid NoScans = Guid.Parse("1a2b3c4d-0000-4000-8000-000000000002");
    public static readonly Guid LatestScan = Guid.Parse("5e6f7a8b-1111-4111-8111-111111111111");

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new() { [StaticToken] = true };
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new();
    private int _issued;
    private int _rejectNext;

    /// <summary>Every authenticated request as "METHOD path?query | org header".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Logins;

    public string? LastToolBody { get; private set; }
    public int Refreshes;

    public string BaseAddress { get; private set; } = "";

    private FakePitlaneApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        Map(_app);
    }

    public static async Task<FakePitlaneApi> StartAsync()
    {
        var api = new FakePitlaneApi();
        await api._app.StartAsync(TestContext.Current.CancellationToken);
        api.BaseAddress = api._app.Urls.Single();
        return api;
    }

    /// <summary>The next authenticated request gets a 401 and its token dies, as when an access token expires.</summary>
    public void ExpireCurrentTokenOnNextRequest() => Interlocked.Exchange(ref _rejectNext, 1);

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status);

    private object Issue()
    {
        var n = Interlocked.Increment(ref _issued);
        _accessTokens[$"access-{n}"] = true;
        _refreshTokens[$"refresh-{n}"] = true;
        return new { accessToken = $"access-{n}", refreshToken = $"refresh-{n}", expiresIn = 900, tokenType = "Bearer" };
    }

    private IResult? Authenticate(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        Requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString} | {http.Request.Headers["X-Organization-Id"]}");
        if (!_accessTokens.ContainsKey(token))
            return Problem(401, "Unauthorized", "The access token is missing, unknown or expired.");
        if (Interlocked.Exchange(ref _rejectNext, 0) == 1)
        {
            _accessTokens.TryRemove(token, out _);
            return Problem(401, "Unauthorized", "The access token has expired.");
        }
        var org = http.Request.Headers["X-Organization-Id"].ToString();
        if (org.Length > 0 && org != Organization.ToString())
            return Problem(403, "Forbidden", "You are not a member of that organisation.");
        return null;
    }

    private sealed record Credentials(string? Email, string? Password);

    private sealed record RefreshRequest(string? RefreshToken);

    private void Map(WebApplication app)
    {
        app.MapPost("/api/v1/auth/token", (Credentials body) =>
        {
            Interlocked.Increment(ref Logins);
            return body.Email == Email && body.Password == Password
                ? Results.Ok(Issue())
                : Problem(401, "Invalid credentials", "The email or password is wrong.");
        });
        app.MapPost("/api/v1/auth/refresh", (RefreshRequest body) =>
        {
            Interlocked.Increment(ref Refreshes);
            return body.RefreshToken is { } r && _refreshTokens.TryRemove(r, out _)
                ? Results.Ok(Issue())
                : Problem(401, "Invalid refresh token", "The refresh token is unknown or was used already.");
        });
        app.MapGet("/api/v1/vehicles", (HttpContext http, string? q, int? pageSize) =>
        {
            if (Authenticate(http) is { } denied) return denied;
            object[] all =
            [
                new { id = Honda, vin = "1HGCM82633A004352", modelYear = 2003, make = "Honda", model = "Accord", plate = "KA-PL 2003", nickname = "Blue Accord", odometerKm = 214500 },
                new { id = NoScans, vin = "WVWZZZ1JZXW000001", modelYear = 1999, make = "Volkswagen", model = "Golf", plate = "B-VW 99", nickname = (string?)null, odometerKm = 301000 },
            ];
            var hits = all.Where(v => q is null || v.ToString()!.Contains(q, StringComparison.OrdinalIgnoreCase)).Take(pageSize ?? 20).ToArray();
            return Results.Ok(new { items = hits, page = 1, pageSize = pageSize ?? 20, total = hits.Length });
        });
        // The server's assistant tool endpoint, which the forwarded MCP tools call: it answers the tool's text and the
        // records it used, or isError for a vehicle that is not the caller's.
        app.MapPost("/api/v1/assistant/tools/{name}", (HttpContext http, string name, Dictionary<string, string?> body) =>
        {
            if (Authenticate(http) is { } denied) return denied;
            LastToolBody = System.Text.Json.JsonSerializer.Serialize(body);
            if (name != "get_next_service") return Problem(404, "Not found", $"There is no tool called '{name}'.");
            if (body.GetValueOrDefault("vehicleId") != Honda.ToString())
                return Results.Ok(new { tool = name, text = $"There is no vehicle {body.GetValueOrDefault("vehicleId")} in your organisation.", isError = true, citations = Array.Empty<object>() });
            return Results.Ok(new
            {
                tool = name,
                text = "Maintenance of 2003 Honda Accord, most urgent first:\n- Engine oil and filter: overdue, due by 2026-10-01",
                isError = false,
                citations = new[] { new { kind = "vehicle", id = Honda, label = "2003 Honda Accord", url = $"/Vehicles/Details/{Honda}" } },
            });
        });
        app.MapGet("/api/v1/vehicles/{id:guid}/scans", (HttpContext http, Guid id, int? pageSize) =>
        {
            if (Authenticate(http) is { } denied) return denied;
            if (id == NoScans) return Results.Ok(new { items = Array.Empty<object>(), page = 1, pageSize = pageSize ?? 20, total = 0 });
            if (id != Honda) return Problem(404, "Vehicle not found", $"No vehicle {id} in this organisation.");
            return Results.Ok(new
            {
                items = new[] { new { id = LatestScan, status = "completed", createdAt = "2026-11-20T09:14:03Z", completedAt = "2026-11-20T09:15:10Z", vin = "1HGCM82633A004352", dtcCount = 2, milOn = true } },
                page = 1,
                pageSize = pageSize ?? 20,
                total = 3,
            });
        });
        app.MapGet("/api/v1/scans/{id:guid}", (HttpContext http, Guid id) =>
        {
            if (Authenticate(http) is { } denied) return denied;
            if (id != LatestScan) return Problem(404, "Scan not found", $"No scan {id}.");
            return Results.Ok(new
            {
                id = LatestScan,
                status = "completed",
                progress = 100,
                stage = "done",
                vehicleId = Honda,
                vin = "1HGCM82633A004352",
                vinMismatch = false,
                protocol = "ISO 15765-4 CAN (11 bit, 500 kbaud)",
                ecus = new[] { new { id = "7E8", role = "engine" } },
                dtcs = new[]
                {
                    new { code = "P0300", ecu = "7E8", kind = "stored", description = "Random/Multiple Cylinder Misfire Detected", severity = "high", system = "Ignition system or misfire" },
                    new { code = "P0171", ecu = "7E8", kind = "pending", description = "System Too Lean (Bank 1)", severity = "medium", system = "Fuel and air metering" },
                },
                milOn = true,
                readiness = Array.Empty<object>(),
                freezeFrame = Array.Empty<object>(),
                snapshot = Array.Empty<object>(),
                error = (string?)null,
                createdAt = "2026-11-20T09:14:03Z",
                completedAt = "2026-11-20T09:15:10Z",
            });
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
